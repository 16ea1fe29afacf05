import type { EnvironmentView } from '@shared/contract';

/** host:port of a URL (no user, no password), or null if it does not parse. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

export interface ServiceSummary {
  label: string;
  configured: boolean;
  /** Where it points, without credentials: "127.0.0.1:6379", "db.internal:5432/app", "3 brokers". */
  target: string | null;
}

export function serviceSummaries(environment: EnvironmentView): ServiceSummary[] {
  const { redisUrl, postgresUrl, kafka } = environment;
  let postgresTarget: string | null = null;
  if (postgresUrl) {
    try {
      const url = new URL(postgresUrl);
      postgresTarget = `${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
    } catch {
      postgresTarget = null;
    }
  }
  return [
    { label: 'Redis', configured: redisUrl !== null, target: redisUrl ? hostOf(redisUrl) : null },
    { label: 'PostgreSQL', configured: postgresUrl !== null, target: postgresTarget },
    {
      label: 'Kafka',
      configured: kafka !== null,
      target: kafka
        ? kafka.brokers.length === 1
          ? (kafka.brokers[0] ?? null)
          : `${kafka.brokers.length} brokers`
        : null,
    },
  ];
}

export function configuredServices(environment: EnvironmentView): string[] {
  return serviceSummaries(environment)
    .filter((service) => service.configured)
    .map((service) => service.label);
}
