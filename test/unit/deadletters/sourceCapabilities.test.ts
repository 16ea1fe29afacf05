import { describe, expect, it } from 'vitest';
import {
  deadLetterSourceCapabilitiesSchema,
  deadLetterSourceSettingsSchema,
  type ConcreteReplayTarget,
  type DeadLetterSourceSettings,
  type DeadLetterSourceView,
} from '@shared/contract';
import type { DeadLetterConnections } from '../../../src-main/core/deadletters/clients/connections';
import type { EntryIndex } from '../../../src-main/core/deadletters/index/entryIndex';
import { KeyedLock } from '../../../src-main/core/deadletters/lock';
import { buildAdapter, capabilitiesOf } from '../../../src-main/core/deadletters/sources/kinds';

/** An adapter as the registry builds it; nothing here reaches a server or the index. */
function adapterFor(settings: DeadLetterSourceSettings) {
  const view: DeadLetterSourceView = {
    id: '00000000-0000-4000-8000-000000000001',
    environmentId: '00000000-0000-4000-8000-000000000002',
    name: 'dead',
    settings,
    capabilities: capabilitiesOf(settings),
    jsonSchema: null,
    bulkConfirmThreshold: 100,
    createdAt: '',
    updatedAt: '',
  };
  return buildAdapter(view, {
    connections: {} as DeadLetterConnections,
    indexed: {
      sourceId: view.id,
      index: {} as EntryIndex,
      lock: new KeyedLock(),
      onIndexProgress: () => undefined,
    },
  });
}

const settings = (input: unknown) => deadLetterSourceSettingsSchema.parse(input);
const redis = settings({ kind: 'redis', key: 'write_queue:dead' });
const redisRaw = settings({ kind: 'redis', key: 'write_queue:dead', format: 'raw' });
const redisUnmarked = settings({ kind: 'redis', key: 'write_queue:dead', replayMarking: 'none' });
const kafka = settings({ kind: 'kafka', topic: 'job-es-sync.dlq' });
const tableTarget = {
  kind: 'postgres-table' as const,
  schema: 'public',
  table: 'import_queue',
  payloadColumn: 'payload',
  replayIdColumn: 'replay_id',
  originColumn: null,
};
const postgres = settings({ kind: 'postgres', table: 'dead_letters', defaultTarget: tableTarget });
const postgresBare = settings({ kind: 'postgres', table: 'dead_letters' });

const targets: ConcreteReplayTarget[] = [
  { kind: 'redis-list', key: 'write_queue', side: 'head' },
  { kind: 'kafka-topic', topic: 'job-es-sync' },
  tableTarget,
];

const JSON_NOTE =
  'JSON-object payloads carry "x-sluice-replay-id" and "x-sluice-origin" members; any other payload is pushed byte for byte and its replay id stays in the job journal.';
const UNMARKED_NOTE =
  "Payloads are pushed byte for byte; each entry's replay id (job id:step) and origin are kept in the job journal.";

describe('what each kind of dead-letter source declares', () => {
  it('the view carries the capabilities its adapter declares, in the contract shape', () => {
    for (const s of [redis, redisRaw, kafka, postgres]) {
      const adapter = adapterFor(s);
      expect(adapter.capabilities).toEqual(capabilitiesOf(s));
      expect(deadLetterSourceCapabilitiesSchema.parse(adapter.capabilities)).toEqual(
        adapter.capabilities,
      );
    }
    expect(capabilitiesOf(redis)).toEqual({
      showsResolved: false,
      discard: 'removes',
      replayTargets: ['redis-list'],
      replayHeaders: false,
    });
    expect(capabilitiesOf(kafka)).toEqual({
      showsResolved: true,
      discard: 'marks-resolved',
      replayTargets: ['kafka-topic'],
      replayHeaders: true,
    });
    expect(capabilitiesOf(postgres)).toEqual({
      showsResolved: true,
      discard: 'removes',
      replayTargets: ['postgres-table', 'redis-list'],
      replayHeaders: false,
    });
  });

  it('a source accepts exactly the replay target kinds it offers', () => {
    for (const s of [redis, kafka, postgres]) {
      const adapter = adapterFor(s);
      const accepted = targets
        .filter((target) => adapter.targetProblem(target) === null)
        .map((target) => target.kind);
      expect([...accepted].sort()).toEqual([...adapter.capabilities.replayTargets].sort());
    }
  });

  it('marks Redis-bound payloads unless the entries are raw or marking is off; only a Redis move needs the stored bytes', () => {
    expect(adapterFor(redis).redisListMarking).toBe('json-fields');
    expect(adapterFor(redisRaw).redisListMarking).toBe('none');
    expect(adapterFor(redisUnmarked).redisListMarking).toBe('none');
    expect(adapterFor(postgres).redisListMarking).toBe('json-fields');
    expect(adapterFor(redis).removesByStoredBytes).toBe(true);
    expect(adapterFor(kafka).removesByStoredBytes).toBe(false);
    expect(adapterFor(postgres).removesByStoredBytes).toBe(false);
  });

  it('says where the replay id travels, as the job view showed it before', () => {
    const original = { kind: 'original' as const };
    expect(adapterFor(kafka).replayNotes(original)).toEqual([
      'Each record carries x-sluice-replay-id and x-sluice-origin headers.',
    ]);
    expect(adapterFor(redis).replayNotes(original)).toEqual([JSON_NOTE]);
    expect(adapterFor(redisRaw).replayNotes(original)).toEqual([UNMARKED_NOTE]);
    expect(adapterFor(redisUnmarked).replayNotes(original)).toEqual([UNMARKED_NOTE]);
    expect(adapterFor(postgres).replayNotes(original)).toEqual([
      'Each row carries its replay id in replay_id.',
    ]);
    expect(adapterFor(postgresBare).replayNotes({ ...tableTarget, replayIdColumn: null })).toEqual([
      'The target table has no replay-id column configured: replay ids stay in the job journal.',
    ]);
    expect(adapterFor(postgresBare).replayNotes(original)).toEqual([JSON_NOTE]);
    expect(adapterFor(postgres).replayNotes(targets[0]!)).toEqual([JSON_NOTE]);
  });

  it('only the Kafka adapter prepares its delivery before a plan', () => {
    expect(typeof adapterFor(kafka).prepareDelivery).toBe('function');
    expect(adapterFor(redis).prepareDelivery).toBeUndefined();
    expect(adapterFor(postgres).prepareDelivery).toBeUndefined();
  });
});
