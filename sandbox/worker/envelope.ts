import { isUtf8 } from 'node:buffer';

/**
 * What the worker pushes to write_queue:dead for an entry it gave up on. The
 * payload is the original entry: parsed when it is JSON, the text when it is
 * not, base64 (payload_encoding: 'base64') when it is not even UTF-8.
 */
export interface DeadEnvelope {
  id: string;
  payload: unknown;
  payload_encoding?: 'base64';
  error_class: string;
  error_message: string;
  attempts: number;
  first_failed_at: string;
  last_failed_at: string;
  source_queue: string;
}

export function originalPayload(raw: Buffer): Pick<DeadEnvelope, 'payload' | 'payload_encoding'> {
  // Well-formed UTF-8 decodes losslessly; anything else keeps its exact bytes in base64.
  if (!isUtf8(raw)) {
    return { payload: raw.toString('base64'), payload_encoding: 'base64' };
  }
  const text = raw.toString('utf8');
  try {
    return { payload: JSON.parse(text) as unknown };
  } catch {
    return { payload: text };
  }
}

export function buildEnvelope(
  raw: Buffer,
  fields: Omit<DeadEnvelope, 'payload' | 'payload_encoding'>,
): DeadEnvelope {
  const { id, ...failure } = fields;
  return { id, ...originalPayload(raw), ...failure };
}
