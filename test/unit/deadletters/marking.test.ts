import { describe, expect, it } from 'vitest';
import { headerPolicySchema } from '@shared/contract';
import {
  applyHeaderPolicy,
  markJsonObject,
} from '../../../src-main/core/deadletters/replay/marking';

describe('replay marks in JSON payloads', () => {
  it('appends the replay id and origin before the closing brace, keeping every original byte', () => {
    const original = Buffer.from('{ "key": "k1",\n  "value": {"n": 1.50} }\n');
    const marked = markJsonObject(original, 'job:7', 'redis:dead#w-1').toString();
    expect(marked).toBe(
      '{ "key": "k1",\n  "value": {"n": 1.50} ,"x-sluice-replay-id":"job:7","x-sluice-origin":"redis:dead#w-1"}\n',
    );
    expect(JSON.parse(marked)).toMatchObject({ key: 'k1', 'x-sluice-replay-id': 'job:7' });
    expect(markJsonObject(Buffer.from('{}'), 'r', 'o').toString()).toBe(
      '{"x-sluice-replay-id":"r","x-sluice-origin":"o"}',
    );
  });

  it('leaves bytes that are not a UTF-8 JSON object exactly as they are', () => {
    for (const payload of [
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from('[1,2]'),
      Buffer.from('{"broken": '),
      Buffer.from('plain text'),
    ]) {
      expect(markJsonObject(payload, 'r', 'o').equals(payload)).toBe(true);
    }
  });

  it('never writes duplicate members when a payload was replayed before', () => {
    const again = markJsonObject(Buffer.from('{"a":1,"x-sluice-replay-id":"old"}'), 'new', 'o');
    expect(JSON.parse(again.toString())).toEqual({
      a: 1,
      'x-sluice-replay-id': 'new',
      'x-sluice-origin': 'o',
    });
    expect(again.toString().match(/x-sluice-replay-id/g)).toHaveLength(1);
  });
});

describe('Kafka header policy', () => {
  const headers = [
    { name: '__connect.errors.topic', value: Buffer.from('t') },
    { name: 'kafka_dlt-exception-fqcn', value: Buffer.from('E') },
    { name: 'trace', value: Buffer.from('abc') },
    { name: 'tenant', value: Buffer.from('acme') },
    { name: 'x-sluice-replay-id', value: Buffer.from('earlier') },
  ];
  const names = (policy: object) =>
    applyHeaderPolicy(headers, headerPolicySchema.parse(policy), 'r1', 'o1').map((h) => h.name);

  it('strips error headers by default and always sets the replay id and origin once', () => {
    expect(names({})).toEqual(['trace', 'tenant', 'x-sluice-replay-id', 'x-sluice-origin']);
    const out = applyHeaderPolicy(headers, headerPolicySchema.parse({}), 'r1', 'o1');
    expect(out.find((h) => h.name === 'x-sluice-replay-id')?.value.toString()).toBe('r1');
  });

  it('keeps, strips by name or prefix, and adds', () => {
    expect(names({ mode: 'keep' })).toHaveLength(6);
    expect(names({ mode: 'keep', strip: ['__connect.*', 'trace'] })).toEqual([
      'kafka_dlt-exception-fqcn',
      'tenant',
      'x-sluice-replay-id',
      'x-sluice-origin',
    ]);
    expect(names({ mode: 'strip-all', add: [{ name: 'tenant', value: 'other' }] })).toEqual([
      'tenant',
      'x-sluice-replay-id',
      'x-sluice-origin',
    ]);
  });
});
