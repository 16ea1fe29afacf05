import { createRequire } from 'node:module';

/**
 * OffsetFetch v8 (KIP-709) and FindCoordinator v4 (KIP-699), hand-encoded.
 *
 * Why this file exists: kafkajs 2.2 encodes OffsetFetch only up to v4 (one
 * group per request) and FindCoordinator up to v2 (one key per request), so a
 * cluster with thousands of groups would cost thousands of requests per
 * refresh. Kafka 3.0+ takes many groups in one OffsetFetch and many keys in
 * one FindCoordinator. Both versions are "flexible" (compact strings and
 * arrays, tagged fields); kafkajs writes request header v1, so each body
 * starts with the empty tagged-field section that header v2 adds after the
 * client id, and each response decoder skips the response header v1's tagged
 * fields first (the same trick kafkajs uses for ListPartitionReassignments).
 * kafkajs's own Encoder/Decoder write the primitives; the requests travel on
 * kafkajs's broker connections (timeouts, SASL, TLS, throttling included).
 */

const require = createRequire(import.meta.url);

interface KafkaEncoder {
  writeInt8(value: number): KafkaEncoder;
  writeInt16(value: number): KafkaEncoder;
  writeInt32(value: number): KafkaEncoder;
  writeBoolean(value: boolean): KafkaEncoder;
  writeUVarInt(value: number): KafkaEncoder;
  writeUVarIntString(value: string | null): KafkaEncoder;
  writeEncoder(value: KafkaEncoder): KafkaEncoder;
  buffer: Buffer;
}

interface KafkaDecoder {
  offset: number;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): bigint;
  readUVarInt(): number;
  readUVarIntString(): string | null;
  forward(size: number): void;
  canReadBytes(length: number): boolean;
}

const Encoder = require('kafkajs/src/protocol/encoder') as new () => KafkaEncoder;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkaDecoder;

export const OFFSET_FETCH_API_KEY = 9;
export const FIND_COORDINATOR_API_KEY = 10;
export const OFFSET_FETCH_BATCHED_VERSION = 8;
export const FIND_COORDINATOR_BATCHED_VERSION = 4;

/** A request as kafkajs's Connection.send takes it. */
export interface ProtocolRequest<T> {
  request: {
    apiKey: number;
    apiVersion: number;
    apiName: string;
    encode(): Promise<KafkaEncoder>;
  };
  response: {
    decode(raw: Buffer): Promise<T & { clientSideThrottleTime: number }>;
    parse(data: T): Promise<T>;
  };
}

function compactArray<T>(encoder: KafkaEncoder, items: readonly T[], write: (item: T) => void) {
  // Compact arrays carry length + 1 (0 is null).
  encoder.writeUVarInt(items.length + 1);
  for (const item of items) write(item);
}

function readCompactArray<T>(decoder: KafkaDecoder, read: () => T): T[] {
  const length = decoder.readUVarInt();
  if (length === 0) return [];
  const items: T[] = [];
  for (let i = 0; i < length - 1; i += 1) items.push(read());
  return items;
}

/**
 * Skips a tagged-field section. kafkajs's Decoder.readTaggedFields reads the
 * field's size as a compact length (size + 1), which is wrong for tagged
 * fields, so it is not used here.
 */
function skipTaggedFields(decoder: KafkaDecoder): void {
  const count = decoder.readUVarInt();
  for (let i = 0; i < count; i += 1) {
    decoder.readUVarInt(); // tag
    decoder.forward(decoder.readUVarInt());
  }
}

function readCompactString(decoder: KafkaDecoder): string {
  return decoder.readUVarIntString() ?? '';
}

export interface OffsetFetchGroupRequest {
  groupId: string;
  /** null: every topic the group has committed offsets for. */
  topics: { topic: string; partitions: number[] }[] | null;
}

export interface OffsetFetchPartition {
  partition: number;
  /** -1 when the group never committed on this partition. */
  offset: number;
  errorCode: number;
}

export interface OffsetFetchGroupReply {
  groupId: string;
  topics: { topic: string; partitions: OffsetFetchPartition[] }[];
  errorCode: number;
}

export interface OffsetFetchV8Reply {
  throttleTime: number;
  groups: OffsetFetchGroupReply[];
}

/**
 * OffsetFetch Request (Version: 8) => [groups] require_stable TAG_BUFFER
 *   groups => group_id [topics] TAG_BUFFER   (topics: COMPACT_NULLABLE_ARRAY)
 *     topics => name [partition_indexes] TAG_BUFFER
 * require_stable is false: a monitor wants the last committed offsets and
 * must not wait on pending transactional commits.
 */
export function encodeOffsetFetchV8Body(groups: readonly OffsetFetchGroupRequest[]): KafkaEncoder {
  const body = new Encoder().writeUVarInt(0); // request header v2's tagged fields
  compactArray(body, groups, (group) => {
    body.writeUVarIntString(group.groupId);
    if (group.topics === null) body.writeUVarInt(0);
    else
      compactArray(body, group.topics, ({ topic, partitions }) => {
        body.writeUVarIntString(topic);
        compactArray(body, partitions, (partition) => body.writeInt32(partition));
        body.writeUVarInt(0);
      });
    body.writeUVarInt(0);
  });
  body.writeBoolean(false);
  body.writeUVarInt(0);
  return body;
}

/**
 * OffsetFetch Response (Version: 8) => throttle_time_ms [groups] TAG_BUFFER
 *   groups => group_id [topics] error_code TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index committed_offset committed_leader_epoch
 *                     metadata error_code TAG_BUFFER
 */
export function decodeOffsetFetchV8(raw: Buffer): OffsetFetchV8Reply {
  const decoder = new Decoder(raw);
  skipTaggedFields(decoder); // response header v1
  const throttleTime = decoder.readInt32();
  const groups = readCompactArray(decoder, () => {
    const groupId = readCompactString(decoder);
    const topics = readCompactArray(decoder, () => {
      const topic = readCompactString(decoder);
      const partitions = readCompactArray(decoder, () => {
        const partition = decoder.readInt32();
        const offset = Number(decoder.readInt64());
        decoder.readInt32(); // committed_leader_epoch
        decoder.readUVarIntString(); // metadata
        const errorCode = decoder.readInt16();
        skipTaggedFields(decoder);
        return { partition, offset, errorCode };
      });
      skipTaggedFields(decoder);
      return { topic, partitions };
    });
    const errorCode = decoder.readInt16();
    skipTaggedFields(decoder);
    return { groupId, topics, errorCode };
  });
  skipTaggedFields(decoder);
  return { throttleTime, groups };
}

export function offsetFetchV8(
  groups: readonly OffsetFetchGroupRequest[],
): ProtocolRequest<OffsetFetchV8Reply> {
  return {
    request: {
      apiKey: OFFSET_FETCH_API_KEY,
      apiVersion: OFFSET_FETCH_BATCHED_VERSION,
      apiName: 'OffsetFetch',
      encode: async () => encodeOffsetFetchV8Body(groups),
    },
    response: {
      // Since v4 the broker answers before throttling (KIP-219): the client holds back itself.
      decode: async (raw) => {
        const reply = decodeOffsetFetchV8(raw);
        return { ...reply, clientSideThrottleTime: reply.throttleTime };
      },
      parse: async (data) => data,
    },
  };
}

export interface CoordinatorReply {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface FindCoordinatorV4Reply {
  throttleTime: number;
  coordinators: CoordinatorReply[];
}

/** FindCoordinator Request (Version: 4) => key_type [coordinator_keys] TAG_BUFFER; key_type 0 = group. */
export function encodeFindCoordinatorV4Body(groupIds: readonly string[]): KafkaEncoder {
  const body = new Encoder().writeUVarInt(0); // request header v2's tagged fields
  body.writeInt8(0);
  compactArray(body, groupIds, (groupId) => body.writeUVarIntString(groupId));
  body.writeUVarInt(0);
  return body;
}

/**
 * FindCoordinator Response (Version: 4) => throttle_time_ms [coordinators] TAG_BUFFER
 *   coordinators => key node_id host port error_code error_message TAG_BUFFER
 */
export function decodeFindCoordinatorV4(raw: Buffer): FindCoordinatorV4Reply {
  const decoder = new Decoder(raw);
  skipTaggedFields(decoder); // response header v1
  const throttleTime = decoder.readInt32();
  const coordinators = readCompactArray(decoder, () => {
    const key = readCompactString(decoder);
    const nodeId = decoder.readInt32();
    const host = readCompactString(decoder);
    const port = decoder.readInt32();
    const errorCode = decoder.readInt16();
    const errorMessage = decoder.readUVarIntString();
    skipTaggedFields(decoder);
    return { key, nodeId, host, port, errorCode, errorMessage };
  });
  skipTaggedFields(decoder);
  return { throttleTime, coordinators };
}

export function findCoordinatorV4(
  groupIds: readonly string[],
): ProtocolRequest<FindCoordinatorV4Reply> {
  return {
    request: {
      apiKey: FIND_COORDINATOR_API_KEY,
      apiVersion: FIND_COORDINATOR_BATCHED_VERSION,
      apiName: 'GroupCoordinator',
      encode: async () => encodeFindCoordinatorV4Body(groupIds),
    },
    response: {
      decode: async (raw) => {
        const reply = decodeFindCoordinatorV4(raw);
        return { ...reply, clientSideThrottleTime: reply.throttleTime };
      },
      parse: async (data) => data,
    },
  };
}
