import { describe, expect, it } from 'vitest';
import { recordOfKey } from '../../../src-main/core/deadletters/sources/kafkaSource';

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
