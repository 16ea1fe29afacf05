import { z } from 'zod';
import { mutation, query } from '../define';

/** Shown in place of a stored password in every response. */
export const SECRET_MASK = '********';

export const serviceKindSchema = z.enum(['redis', 'kafka', 'postgres']);
export type ServiceKind = z.infer<typeof serviceKindSchema>;

const idSchema = z.string().uuid();

function urlWithSchemes(schemes: readonly string[], label: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return schemes.includes(url.protocol) && url.hostname.length > 0;
        } catch {
          return false;
        }
      },
      {
        message: `${label} must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`,
      },
    );
}

export const redisUrlSchema = urlWithSchemes(['redis:', 'rediss:'], 'Redis URL');
export const postgresUrlSchema = urlWithSchemes(['postgres:', 'postgresql:'], 'PostgreSQL URL');

/** host:port, IPv6 in brackets. */
export const brokerAddressSchema = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/, 'a broker is host:port')
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be 1-65535');

export const kafkaSaslMechanismSchema = z.enum(['plain', 'scram-sha-256', 'scram-sha-512']);

export const kafkaConfigInputSchema = z.object({
  brokers: z.array(brokerAddressSchema).min(1).max(50),
  clientId: z.string().trim().min(1).max(100).default('sluice'),
  ssl: z.boolean().default(false),
  /** Only meaningful with ssl: false accepts self-signed certificates. */
  sslRejectUnauthorized: z.boolean().default(true),
  sasl: z
    .object({
      mechanism: kafkaSaslMechanismSchema,
      username: z.string().min(1).max(256),
      /** Omit or send SECRET_MASK to keep the stored password. */
      password: z.string().max(4096).optional(),
    })
    .nullable()
    .default(null),
});

export const environmentInputSchema = z.object({
  /** Absent to create, present to update. */
  id: idSchema.optional(),
  name: z.string().trim().min(1, 'name is required').max(64),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour is #rrggbb'),
  readOnly: z.boolean().default(false),
  production: z.boolean().default(false),
  /** May carry a password; it is split off into the secret store. */
  redisUrl: redisUrlSchema.nullable().default(null),
  kafka: kafkaConfigInputSchema.nullable().default(null),
  postgresUrl: postgresUrlSchema.nullable().default(null),
});
export type EnvironmentInput = z.input<typeof environmentInputSchema>;
export type EnvironmentDraft = z.output<typeof environmentInputSchema>;

export const environmentViewSchema = z.object({
  id: idSchema,
  name: z.string(),
  colour: z.string(),
  readOnly: z.boolean(),
  production: z.boolean(),
  /** Password replaced by SECRET_MASK. */
  redisUrl: z.string().nullable(),
  kafka: z
    .object({
      brokers: z.array(z.string()),
      clientId: z.string(),
      ssl: z.boolean(),
      sslRejectUnauthorized: z.boolean(),
      sasl: z
        .object({
          mechanism: kafkaSaslMechanismSchema,
          username: z.string(),
          hasPassword: z.boolean(),
        })
        .nullable(),
    })
    .nullable(),
  postgresUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EnvironmentView = z.infer<typeof environmentViewSchema>;

export const connectionFailureCauseSchema = z.enum([
  'dns',
  'refused',
  'auth',
  'tls',
  'timeout',
  'protocol',
  'not-configured',
  'unknown',
]);
export type ConnectionFailureCause = z.infer<typeof connectionFailureCauseSchema>;

export const connectionTestResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    service: serviceKindSchema,
    /** Server version as the server reports it. */
    version: z.string(),
    rttMs: z.number().nonnegative(),
    details: z.string().optional(),
  }),
  z.object({
    ok: z.literal(false),
    service: serviceKindSchema,
    cause: connectionFailureCauseSchema,
    /** Human words naming the cause, for example "connection refused by 127.0.0.1:6390". */
    message: z.string(),
    elapsedMs: z.number().nonnegative(),
  }),
]);
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export const environmentChannels = {
  'environments.list': query(
    'All environments, secrets masked',
    z.object({}).strict(),
    z.array(environmentViewSchema),
  ),
  'environments.get': query(
    'One environment, secrets masked',
    z.object({ id: idSchema }).strict(),
    environmentViewSchema,
  ),
  'environments.save': mutation(
    'Create or update an environment; passwords go to the secret store',
    z
      .object({
        environment: environmentInputSchema,
        /** Required when the secret store cannot encrypt (Linux basic_text). */
        acceptUnencryptedSecrets: z.boolean().default(false),
      })
      .strict(),
    environmentViewSchema,
    {
      environment: null,
      because:
        "it changes the environment's own definition, its read-only and production flags " +
        'included, so those cannot guard it; the environment is its target, named by the ' +
        'handler from its views before and after (it may not exist before or after the call)',
    },
  ),
  'environments.remove': mutation(
    'Remove an environment and its stored secrets',
    z.object({ id: idSchema }).strict(),
    z.object({ removed: z.literal(true) }),
    {
      environment: null,
      because:
        "it changes the environment's own definition, its read-only and production flags " +
        'included, so those cannot guard it; the environment is its target, named by the ' +
        'handler from its views before and after (it may not exist before or after the call)',
    },
  ),
  'environments.testConnection': query(
    'Connect to one service of a saved or unsaved environment and report version and round trip, or the cause of failure',
    z
      .object({
        service: serviceKindSchema,
        environment: environmentInputSchema,
      })
      .strict(),
    connectionTestResultSchema,
  ),
} as const;
