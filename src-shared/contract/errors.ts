import { z } from 'zod';

/**
 * The closed set of error codes that may cross a process boundary. Callers
 * branch on the code, never on message text.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'UNAVAILABLE',
  'TIMEOUT',
  'AUTH_FAILED',
  'DENIED',
  'CONFLICT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.unknown().optional(),
});

/** The shape an error takes on the wire: plain data, never an Error object. */
export type ErrorData = z.infer<typeof errorDataSchema>;

/** What every call returns on the wire. */
export type WireResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorData };

export const wireResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);

/** A typed error, thrown in the core and rebuilt from data in the renderer. */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'SluiceError';
    this.code = code;
    this.details = details;
  }

  toData(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: ErrorData): SluiceError {
    return new SluiceError(data.code, data.message, data.details);
  }
}

export function isSluiceError(value: unknown): value is SluiceError {
  return value instanceof SluiceError;
}
