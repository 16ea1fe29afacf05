import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  decodeFindCoordinatorV4,
  decodeOffsetFetchV8,
  encodeFindCoordinatorV4Body,
  encodeOffsetFetchV8Body,
  offsetFetchV8,
} from '../../../src-main/core/monitoring/kafka/groupOffsetsProtocol';
import { GroupOffsetsError } from '../../../src-main/core/monitoring/kafka/kafkaOffsetsClient';

const require = createRequire(import.meta.url);
const createRequest = require('kafkajs/src/protocol/request') as (input: {
  correlationId: number;
  clientId: string;
  request: unknown;
}) => Promise<{ buffer: Buffer }>;

const int32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return [...b];
};
const int64 = (value: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return [...b];
};
/** A compact string: unsigned varint length + 1, then the bytes (all short here). */
const str = (value: string) => [value.length + 1, ...Buffer.from(value)];

describe('OffsetFetch v8 (KIP-709), hand-encoded', () => {
  it('encodes many groups in one request: null topics for "all", named topics with partitions', () => {
    const body = encodeOffsetFetchV8Body([
      { groupId: 'g', topics: null },
      { groupId: 'h', topics: [{ topic: 't', partitions: [0, 1] }] },
    ]);
    expect([...body.buffer]).toEqual([
      0, // request header v2: no tagged fields
      3, // two groups
      ...str('g'),
      0, // topics: null = every committed topic
      0,
      ...str('h'),
      2, // one topic
      ...str('t'),
      3, // two partitions
      ...int32(0),
      ...int32(1),
      0,
      0,
      0, // require_stable = false
      0,
    ]);
  });

  it('frames as kafkajs frames any request: size, api key 9, version 8, correlation id, client id, then the body', async () => {
    const groups = [{ groupId: 'g', topics: null }];
    const framed = await createRequest({
      correlationId: 7,
      clientId: 'c',
      request: offsetFetchV8(groups).request,
    });
    const body = [...encodeOffsetFetchV8Body(groups).buffer];
    const header = [0, 9, 0, 8, ...int32(7), 0, 1, ...Buffer.from('c')];
    expect([...framed.buffer]).toEqual([...int32(header.length + body.length), ...header, ...body]);
  });

  it('decodes per-group answers, skipping tagged fields, with 64-bit offsets and per-group errors', () => {
    const raw = Buffer.from([
      1, // response header v1: one tagged field...
      5, // ...tag 5
      2, // ...two bytes
      0xab,
      0xcd,
      ...int32(100), // throttle_time_ms
      3, // two groups
      ...str('g'),
      2,
      ...str('t'),
      3,
      ...int32(0),
      ...int64(2n ** 40n + 5n),
      ...int32(-1), // leader epoch
      0, // metadata: null
      0,
      0, // error code
      0,
      ...int32(1),
      ...int64(-1n), // never committed
      ...int32(3),
      ...str('x'),
      0,
      0,
      0,
      0, // topic tags
      0,
      0, // group error 0
      0,
      ...str('h'),
      1, // no topics
      0,
      30, // GROUP_AUTHORIZATION_FAILED
      0,
      0,
    ]);
    expect(decodeOffsetFetchV8(raw)).toEqual({
      throttleTime: 100,
      groups: [
        {
          groupId: 'g',
          errorCode: 0,
          topics: [
            {
              topic: 't',
              partitions: [
                { partition: 0, offset: 2 ** 40 + 5, errorCode: 0 },
                { partition: 1, offset: -1, errorCode: 0 },
              ],
            },
          ],
        },
        { groupId: 'h', errorCode: 30, topics: [] },
      ],
    });
  });

  it('hands the throttle time to kafkajs as client-side throttling (KIP-219)', async () => {
    const raw = Buffer.from([0, ...int32(250), 1, 0]);
    const decoded = await offsetFetchV8([]).response.decode(raw);
    expect(decoded.clientSideThrottleTime).toBe(250);
    expect(decoded.groups).toEqual([]);
  });
});

describe('FindCoordinator v4 (KIP-699), hand-encoded', () => {
  it('encodes many group keys in one request', () => {
    expect([...encodeFindCoordinatorV4Body(['g', 'hh']).buffer]).toEqual([
      0,
      0, // key_type: group
      3,
      ...str('g'),
      ...str('hh'),
      0,
    ]);
  });

  it('decodes one coordinator or one error per key', () => {
    const raw = Buffer.from([
      0,
      ...int32(0),
      3,
      ...str('g'),
      ...int32(2),
      ...str('127.0.0.1'),
      ...int32(9092),
      0,
      0,
      0, // error_message: null
      0,
      ...str('hh'),
      ...int32(-1),
      ...str(''),
      ...int32(-1),
      0,
      30,
      ...str('no'),
      0,
      0,
    ]);
    expect(decodeFindCoordinatorV4(raw)).toEqual({
      throttleTime: 0,
      coordinators: [
        { key: 'g', nodeId: 2, host: '127.0.0.1', port: 9092, errorCode: 0, errorMessage: null },
        { key: 'hh', nodeId: -1, host: '', port: -1, errorCode: 30, errorMessage: 'no' },
      ],
    });
  });
});

describe('per-group errors in words', () => {
  it('names the group, the user and the missing permission on GROUP_AUTHORIZATION_FAILED', () => {
    const error = new GroupOffsetsError('billing', 30, 'monitor');
    expect(error.message).toBe(
      'not allowed as user monitor to read the offsets of group billing (GROUP_AUTHORIZATION_FAILED): the DESCRIBE permission on the group is missing',
    );
    expect(error.coordinatorMoved).toBe(false);
  });

  it('says a moved coordinator is looked up again', () => {
    const error = new GroupOffsetsError('billing', 16, null);
    // kafkajs's name for error 16 (Kafka now says NOT_COORDINATOR).
    expect(error.type).toBe('NOT_COORDINATOR_FOR_GROUP');
    expect(error.coordinatorMoved).toBe(true);
    expect(error.message).toMatch(/moved to another broker .*looked up again on the next refresh/);
  });

  it('falls back to the broker error type and kafkajs text for other codes', () => {
    expect(new GroupOffsetsError('g', 69, null).message).toMatch(/^the broker refused .*GROUP_ID/);
  });
});
