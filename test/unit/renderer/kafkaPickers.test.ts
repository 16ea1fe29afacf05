import { describe, expect, it } from 'vitest';
import type { KafkaCatalog } from '@shared/contract';
import {
  SHOWN_OPTIONS,
  completeWith,
  currentToken,
  matchOptions,
  missingGroup,
  missingTopic,
  missingTopics,
  pickerOptions,
  topicDetail,
} from '../../../src-renderer/src/components/kafkaPicker/catalogModel';
import {
  emptySourceForm,
  sourceTopicChecks,
} from '../../../src-renderer/src/pages/deadletters/sourceFormModel';
import {
  kafkaNameWarnings,
  toForm,
} from '../../../src-renderer/src/pages/monitoring/configFormModel';

function catalog(overrides: Partial<KafkaCatalog> = {}): KafkaCatalog {
  return {
    topics: [
      { name: 'orders', partitions: 3, records: 1204, internal: false },
      { name: 'orders-dlq', partitions: 1, records: 1, internal: false },
      { name: 'payments', partitions: 6, records: 0, internal: false },
      { name: '__consumer_offsets', partitions: 50, records: 17, internal: true },
    ],
    groups: [
      { groupId: 'order-indexer', protocolType: 'consumer' },
      { groupId: 'legacy-committer', protocolType: '' },
    ],
    totals: { topics: 4, groups: 2 },
    truncated: { topics: false, groups: false },
    listedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('topic and group names against the catalog', () => {
  it('a topic the whole catalog lacks is named; a listed, empty or half-blank one is not', () => {
    expect(missingTopic(catalog(), 'order')).toBe('topic "order" does not exist on this cluster');
    expect(missingTopic(catalog(), '  ghost ')).toBe(
      'topic "ghost" does not exist on this cluster',
    );
    expect(missingTopic(catalog(), 'orders')).toBeNull();
    expect(missingTopic(catalog(), ' orders ')).toBeNull();
    expect(missingTopic(catalog(), '')).toBeNull();
    // Kafka names are case-sensitive.
    expect(missingTopic(catalog(), 'Orders')).toBe('topic "Orders" does not exist on this cluster');
  });

  it('nothing is called missing without a catalog or from one cut at its limit', () => {
    expect(missingTopic(undefined, 'ghost')).toBeNull();
    expect(missingGroup(undefined, 'ghost')).toBeNull();
    const cut = catalog({ truncated: { topics: true, groups: false } });
    expect(missingTopic(cut, 'ghost')).toBeNull();
    expect(missingGroup(cut, 'ghost')).toMatch(/^no group "ghost"/);
    const cutGroups = catalog({ truncated: { topics: false, groups: true } });
    expect(missingGroup(cutGroups, 'ghost')).toBeNull();
    expect(missingTopic(cutGroups, 'ghost')).not.toBeNull();
  });

  it('a group unknown to the cluster is named with why it may not be there yet', () => {
    expect(missingGroup(catalog(), 'new-indexer')).toBe(
      'no group "new-indexer" is known to the cluster yet (it appears once it commits offsets)',
    );
    expect(missingGroup(catalog(), 'legacy-committer')).toBeNull();
  });

  it('a list field names each missing topic once', () => {
    expect(missingTopics(catalog(), 'orders, ghost payments ghost,,spectre')).toBe(
      'topic "ghost" does not exist on this cluster; topic "spectre" does not exist on this cluster',
    );
    expect(missingTopics(catalog(), 'orders, payments')).toBeNull();
    expect(missingTopics(catalog(), '')).toBeNull();
  });
});

describe('the dead-letter source form', () => {
  it('a missing source topic is an error, a missing default target a warning; only for Kafka sources', () => {
    const state = {
      ...emptySourceForm(),
      kind: 'kafka' as const,
      topic: 'ordres',
      defaultTargetTopic: 'order',
    };
    expect(sourceTopicChecks(state, catalog())).toEqual({
      topic: 'topic "ordres" does not exist on this cluster',
      defaultTargetTopic: 'topic "order" does not exist on this cluster',
    });
    expect(
      sourceTopicChecks({ ...state, topic: 'orders-dlq', defaultTargetTopic: '' }, catalog()),
    ).toEqual({ topic: null, defaultTargetTopic: null });
    // Not loaded (or not loadable): nothing is checked, the core validates on save.
    expect(sourceTopicChecks(state, undefined)).toEqual({ topic: null, defaultTargetTopic: null });
    expect(sourceTopicChecks({ ...state, kind: 'redis' }, catalog())).toEqual({
      topic: null,
      defaultTargetTopic: null,
    });
  });
});

describe('the monitoring form', () => {
  it('warns about watched topics, groups and group topics the cluster lacks, row by row', () => {
    const form = {
      ...toForm(null),
      topics: 'orders, ghost',
      groups: [
        { groupId: 'order-indexer', topics: '' },
        { groupId: 'new-indexer', topics: 'payments, spectre' },
      ],
    };
    expect(kafkaNameWarnings(form, catalog())).toEqual({
      topics: 'topic "ghost" does not exist on this cluster',
      groups: [
        { groupId: null, topics: null },
        {
          groupId:
            'no group "new-indexer" is known to the cluster yet (it appears once it commits offsets)',
          topics: 'topic "spectre" does not exist on this cluster',
        },
      ],
    });
    expect(kafkaNameWarnings(form, undefined)).toEqual({
      topics: null,
      groups: [
        { groupId: null, topics: null },
        { groupId: null, topics: null },
      ],
    });
  });
});

describe('what the pickers offer', () => {
  it('a topic reads as its partitions and records; a group as its protocol type', () => {
    const options = pickerOptions(catalog(), 'topic');
    expect(options.map((o) => o.detail)).toEqual([
      '3 partitions · 1,204 records',
      '1 partition · 1 record',
      '6 partitions · 0 records',
      '50 partitions · 17 records · internal',
    ]);
    expect(topicDetail({ name: 'x', partitions: 2, records: null, internal: false })).toBe(
      '2 partitions · size unknown (a partition has no leader)',
    );
    expect(pickerOptions(catalog(), 'group').map((o) => `${o.name}: ${o.detail}`)).toEqual([
      'order-indexer: consumer',
      'legacy-committer: commits offsets only',
    ]);
  });

  it('names starting with what is typed come first, then names containing it, internal ones last', () => {
    const options = pickerOptions(catalog(), 'topic');
    expect(matchOptions(options, 'o').shown.map((o) => o.name)).toEqual([
      'orders',
      'orders-dlq',
      '__consumer_offsets',
    ]);
    expect(matchOptions(options, 'DLQ').shown.map((o) => o.name)).toEqual(['orders-dlq']);
    expect(matchOptions(options, 'ghost')).toEqual({ shown: [], more: 0 });
    expect(matchOptions(options, '', new Set(['orders'])).shown.map((o) => o.name)).toEqual([
      'orders-dlq',
      'payments',
      '__consumer_offsets',
    ]);
  });

  it(`shows at most ${SHOWN_OPTIONS} and counts the rest`, () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      name: `t-${i}`,
      detail: '',
      internal: false,
    }));
    const { shown, more } = matchOptions(many, 't-');
    expect(shown).toHaveLength(SHOWN_OPTIONS);
    expect(more).toBe(120 - SHOWN_OPTIONS);
  });

  it('a list field completes the name being typed and leaves the others', () => {
    expect(currentToken('orders, pay', true)).toBe('pay');
    expect(currentToken('orders, ', true)).toBe('');
    expect(currentToken(' orders ', false)).toBe('orders');
    expect(completeWith('orders, pay', 'payments', true)).toBe('orders, payments, ');
    expect(completeWith('', 'orders', true)).toBe('orders, ');
    expect(completeWith('ord', 'orders', false)).toBe('orders');
  });
});
