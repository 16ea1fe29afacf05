import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  javaCompatiblePartitioner,
  murmur2,
} from '../../../src-main/core/deadletters/sources/kafkaPartitioner';
import { recordOfKey } from '../../../src-main/core/deadletters/sources/kafkaSource';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;

function metadata(count: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }));
}

describe('Kafka partitioner', () => {
  it('murmur2 is the hash kafkajs computes, for keys of every length up to 70 bytes', () => {
    for (let length = 0; length <= 70; length += 1) {
      for (let n = 0; n < 40; n += 1) {
        const key = randomBytes(length);
        expect(murmur2(key), `key ${key.toString('hex')}`).toBe(kafkajsMurmur2(key));
      }
    }
    // Known values of the Java client (Utils.murmur2 as used by DefaultPartitioner).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
  });

  it("picks kafkajs's default partition for every keyed message, whatever the partition count", () => {
    const ours = javaCompatiblePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const count of [1, 2, 3, 7, 13, 50, 101]) {
      const partitionMetadata = metadata(count, count > 2 ? [1] : []);
      for (let i = 0; i < 3000; i += 1) {
        const key = i % 3 === 0 ? `doc-${i}` : randomBytes(1 + (i % 40));
        const message = { key, value: 'v' };
        expect(ours({ topic: 't', partitionMetadata, message })).toBe(
          theirs({ topic: 't', partitionMetadata, message }),
        );
      }
    }
  });

  it('an explicit partition wins; keyless messages go round robin over partitions with a leader', () => {
    const choose = javaCompatiblePartitioner();
    const partitionMetadata = metadata(5, [2]);
    expect(
      choose({ topic: 't', partitionMetadata, message: { key: 'k', value: 'v', partition: 4 } }),
    ).toBe(4);
    const picked = Array.from({ length: 8 }, () =>
      choose({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } }),
    );
    expect(picked).not.toContain(2);
    expect(new Set(picked.slice(0, 4))).toEqual(new Set([0, 1, 3, 4]));
    expect(picked.slice(4)).toEqual(picked.slice(0, 4));
  });
});

describe('Kafka entry keys', () => {
  it('reads "<partition>:<offset>" made of digits and nothing else', () => {
    expect(recordOfKey('3:1234567890123')).toEqual({ partition: 3, offset: 1234567890123 });
    expect(recordOfKey('0:0')).toEqual({ partition: 0, offset: 0 });
    for (const bad of [
      '',
      ':',
      '1:',
      ':1',
      '1:2:3',
      ' 1:2',
      '1:2 ',
      '-1:2',
      '1:0x2',
      'a:1',
      '1.5:2',
    ]) {
      expect(recordOfKey(bad), bad).toBeNull();
    }
  });
});
