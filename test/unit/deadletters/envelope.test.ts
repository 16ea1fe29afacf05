import { describe, expect, it } from 'vitest';
import { redisEnvelopeFieldsSchema } from '@shared/contract';
import { envelopeFacts, rawEntryFacts } from '../../../src-main/core/deadletters/envelope';
import {
  describeOrigin,
  readDeadLetterHeaders,
} from '../../../src-main/core/deadletters/kafkaHeaders';

const fields = redisEnvelopeFieldsSchema.parse({});

describe('Redis envelopes', () => {
  it('reads the sandbox worker envelope: JSON payload, metadata, times', () => {
    const element = Buffer.from(
      JSON.stringify({
        id: 'w-1',
        payload: { key: 'k', value: { a: 1 } },
        error_class: 'SchemaViolation',
        error_message: 'missing value',
        attempts: 3,
        first_failed_at: '2024-01-01T00:00:00.000Z',
        last_failed_at: '2024-01-01T00:05:00.000Z',
        source_queue: 'write_queue',
        worker: 'w-7',
      }),
    );
    const facts = envelopeFacts(element, fields);
    expect(facts).toMatchObject({
      externalId: 'w-1',
      errorClass: 'SchemaViolation',
      reason: 'missing value',
      attempts: 3,
      origin: 'write_queue',
      firstFailedAt: Date.parse('2024-01-01T00:00:00.000Z'),
      lastFailedAt: Date.parse('2024-01-01T00:05:00.000Z'),
      metadata: [{ name: 'worker', value: 'w-7' }],
    });
    expect(facts.payload.toString()).toBe('{"key":"k","value":{"a":1}}');
  });

  it('keeps text payloads as text and base64 payloads as their exact bytes', () => {
    const text = envelopeFacts(Buffer.from(JSON.stringify({ payload: '{"key": broken' })), fields);
    expect(text.payload.toString()).toBe('{"key": broken');
    const bytes = Buffer.from([0xc3, 0x28, 0xff, 0x00, 0x41]);
    const binary = envelopeFacts(
      Buffer.from(
        JSON.stringify({ payload: bytes.toString('base64'), payload_encoding: 'base64' }),
      ),
      fields,
    );
    expect(binary.payload.equals(bytes)).toBe(true);
  });

  it('follows a custom mapping with dotted paths; an element that is no envelope is a raw payload', () => {
    const custom = redisEnvelopeFieldsSchema.parse({
      payload: 'message.body',
      errorClass: 'error.type',
      errorMessage: 'error.detail',
      id: null,
    });
    const facts = envelopeFacts(
      Buffer.from(JSON.stringify({ message: { body: 'hi' }, error: { type: 'E', detail: 'd' } })),
      custom,
    );
    expect(facts).toMatchObject({ externalId: null, errorClass: 'E', reason: 'd' });
    expect(facts.payload.toString()).toBe('hi');
    const raw = Buffer.from([0xfe, 0xff]);
    expect(envelopeFacts(raw, fields).payload.equals(raw)).toBe(true);
    expect(rawEntryFacts(raw)).toMatchObject({ errorClass: null, payload: raw });
  });
});

describe('Kafka dead-letter headers', () => {
  const h = (name: string, value: string | Buffer) => ({
    name,
    value: typeof value === 'string' ? Buffer.from(value) : value,
  });

  it('reads Kafka Connect headers', () => {
    const origin = readDeadLetterHeaders([
      h('__connect.errors.topic', 'job-es-sync'),
      h('__connect.errors.partition', '2'),
      h('__connect.errors.offset', '1234'),
      h('__connect.errors.exception.class.name', 'org.apache.kafka.connect.errors.DataException'),
      h('__connect.errors.exception.message', 'bad record'),
    ]);
    expect(origin).toMatchObject({
      topic: 'job-es-sync',
      partition: 2,
      offset: '1234',
      exceptionClass: 'org.apache.kafka.connect.errors.DataException',
      message: 'bad record',
    });
    expect(describeOrigin(origin)).toBe('job-es-sync/2@1234');
  });

  it('reads Spring headers, binary big-endian numbers included', () => {
    const partition = Buffer.alloc(4);
    partition.writeInt32BE(3);
    const offset = Buffer.alloc(8);
    offset.writeBigInt64BE(9_000_000_000n);
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigInt64BE(1_700_000_000_000n);
    const origin = readDeadLetterHeaders([
      h('kafka_dlt-original-topic', 'orders'),
      h('kafka_dlt-original-partition', partition),
      h('kafka_dlt-original-offset', offset),
      h('kafka_dlt-original-timestamp', timestamp),
      h('kafka_dlt-exception-fqcn', 'java.lang.IllegalStateException'),
      h('kafka_dlt-exception-message', 'boom'),
    ]);
    expect(origin).toEqual({
      topic: 'orders',
      partition: 3,
      offset: '9000000000',
      exceptionClass: 'java.lang.IllegalStateException',
      message: 'boom',
      originalTimestamp: 1_700_000_000_000,
    });
  });

  it('knows nothing when there are no such headers', () => {
    expect(describeOrigin(readDeadLetterHeaders([h('trace', 'x')]))).toBeNull();
  });
});
