import {
  SECRET_MASK,
  SluiceError,
  type EnvironmentInput,
  type EnvironmentView,
  type ServiceKind,
} from '@shared/contract';

export type SaslMechanismChoice = '' | 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** The form as the operator edits it: plain strings and booleans, nothing parsed yet. */
export interface EnvironmentFormState {
  id: string | null;
  name: string;
  colour: string;
  readOnly: boolean;
  production: boolean;
  redisUrl: string;
  postgresUrl: string;
  /** host:port entries separated by commas, spaces or new lines. */
  kafkaBrokers: string;
  kafkaClientId: string;
  kafkaSsl: boolean;
  kafkaSslRejectUnauthorized: boolean;
  saslMechanism: SaslMechanismChoice;
  saslUsername: string;
  /** SECRET_MASK while the stored password is kept untouched. */
  saslPassword: string;
}

export type FormField = Exclude<keyof EnvironmentFormState, 'id'>;

export const DEFAULT_COLOUR = '#3b82f6';

export function emptyForm(): EnvironmentFormState {
  return {
    id: null,
    name: '',
    colour: DEFAULT_COLOUR,
    readOnly: false,
    production: false,
    redisUrl: '',
    postgresUrl: '',
    kafkaBrokers: '',
    kafkaClientId: 'sluice',
    kafkaSsl: false,
    kafkaSslRejectUnauthorized: true,
    saslMechanism: '',
    saslUsername: '',
    saslPassword: '',
  };
}

export function formFromView(view: EnvironmentView): EnvironmentFormState {
  const kafka = view.kafka;
  return {
    id: view.id,
    name: view.name,
    colour: view.colour,
    readOnly: view.readOnly,
    production: view.production,
    redisUrl: view.redisUrl ?? '',
    postgresUrl: view.postgresUrl ?? '',
    kafkaBrokers: kafka ? kafka.brokers.join('\n') : '',
    kafkaClientId: kafka?.clientId ?? 'sluice',
    kafkaSsl: kafka?.ssl ?? false,
    kafkaSslRejectUnauthorized: kafka?.sslRejectUnauthorized ?? true,
    saslMechanism: kafka?.sasl?.mechanism ?? '',
    saslUsername: kafka?.sasl?.username ?? '',
    saslPassword: kafka?.sasl?.hasPassword ? SECRET_MASK : '',
  };
}

export function parseBrokers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

function nullIfBlank(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * What the core receives. Kafka is configured when at least one broker is
 * given; the password fields go as typed (SECRET_MASK keeps the stored one,
 * an emptied field clears it).
 */
export function inputFromForm(form: EnvironmentFormState): EnvironmentInput {
  const brokers = parseBrokers(form.kafkaBrokers);
  const clientId = form.kafkaClientId.trim();
  return {
    ...(form.id ? { id: form.id } : {}),
    name: form.name,
    colour: form.colour,
    readOnly: form.readOnly,
    production: form.production,
    redisUrl: nullIfBlank(form.redisUrl),
    postgresUrl: nullIfBlank(form.postgresUrl),
    kafka:
      brokers.length === 0
        ? null
        : {
            brokers,
            ...(clientId === '' ? {} : { clientId }),
            ssl: form.kafkaSsl,
            sslRejectUnauthorized: form.kafkaSslRejectUnauthorized,
            sasl:
              form.saslMechanism === ''
                ? null
                : {
                    mechanism: form.saslMechanism,
                    username: form.saslUsername,
                    password: form.saslPassword,
                  },
          },
  };
}

/**
 * The input for testing one service: the other services are left out so a
 * half-typed URL elsewhere in the form cannot fail validation of this test.
 * The name is not used to connect; an unnamed new environment still tests.
 */
export function testInputFromForm(
  form: EnvironmentFormState,
  service: ServiceKind,
): EnvironmentInput {
  const full = inputFromForm(form);
  return {
    ...full,
    name: full.name.trim() === '' ? 'unsaved environment' : full.name,
    redisUrl: service === 'redis' ? full.redisUrl : null,
    postgresUrl: service === 'postgres' ? full.postgresUrl : null,
    kafka: service === 'kafka' ? full.kafka : null,
  };
}

function urlPassword(value: string): string {
  try {
    return decodeURIComponent(new URL(value.trim()).password);
  } catch {
    return '';
  }
}

/** True when saving would store a password the secret store does not hold yet. */
export function carriesNewSecret(form: EnvironmentFormState): boolean {
  const isNew = (password: string) => password !== '' && password !== SECRET_MASK;
  return (
    isNew(urlPassword(form.redisUrl)) ||
    isNew(urlPassword(form.postgresUrl)) ||
    (form.saslMechanism !== '' &&
      parseBrokers(form.kafkaBrokers).length > 0 &&
      isNew(form.saslPassword))
  );
}

export type FieldErrors = Partial<Record<FormField | 'form', string[]>>;

const FIELD_BY_PATH: Record<string, FormField> = {
  name: 'name',
  colour: 'colour',
  readOnly: 'readOnly',
  production: 'production',
  redisUrl: 'redisUrl',
  postgresUrl: 'postgresUrl',
  'kafka.brokers': 'kafkaBrokers',
  'kafka.clientId': 'kafkaClientId',
  'kafka.ssl': 'kafkaSsl',
  'kafka.sslRejectUnauthorized': 'kafkaSslRejectUnauthorized',
  'kafka.sasl.mechanism': 'saslMechanism',
  'kafka.sasl.username': 'saslUsername',
  'kafka.sasl.password': 'saslPassword',
};

interface Issue {
  path: string[];
  message: string;
}

function issuesOf(details: unknown): Issue[] {
  if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (!Array.isArray(path) || typeof message !== 'string') return [];
    return [{ path: path.map(String), message }];
  });
}

function addError(errors: FieldErrors, field: FormField | 'form', message: string): void {
  (errors[field] ??= []).push(message);
}

/**
 * Places an INVALID_INPUT error's issues (paths like environment.kafka.brokers.1)
 * beside the fields they concern; a CONFLICT naming a field goes there too.
 * Anything that names no known field is shown for the whole form.
 */
export function fieldErrorsFrom(error: unknown): FieldErrors | null {
  if (!(error instanceof SluiceError)) return null;
  const errors: FieldErrors = {};
  if (error.code === 'CONFLICT') {
    const field = (error.details as { field?: unknown } | undefined)?.field;
    addError(
      errors,
      typeof field === 'string' && field in FIELD_BY_PATH ? FIELD_BY_PATH[field]! : 'form',
      error.message,
    );
    return errors;
  }
  if (error.code !== 'INVALID_INPUT') return null;
  const issues = issuesOf(error.details);
  if (issues.length === 0) {
    addError(errors, 'form', error.message);
    return errors;
  }
  for (const issue of issues) {
    const path = issue.path[0] === 'environment' ? issue.path.slice(1) : issue.path;
    // Broker issues carry the index of the broker: say which one.
    if (path[0] === 'kafka' && path[1] === 'brokers' && path[2] !== undefined) {
      const index = Number(path[2]);
      addError(errors, 'kafkaBrokers', `broker ${index + 1}: ${issue.message}`);
      continue;
    }
    let field: FormField | undefined;
    for (let length = path.length; length > 0 && !field; length -= 1) {
      field = FIELD_BY_PATH[path.slice(0, length).join('.')];
    }
    addError(
      errors,
      field ?? 'form',
      field ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return errors;
}

/** The core refused to store a password unencrypted without the operator's consent. */
export function isUnencryptedSecretRefusal(error: unknown): boolean {
  return (
    error instanceof SluiceError &&
    error.code === 'DENIED' &&
    typeof error.details === 'object' &&
    error.details !== null &&
    (error.details as { reason?: unknown }).reason === 'unencrypted-secret-storage'
  );
}
