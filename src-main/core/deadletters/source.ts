import type {
  BrowseFilter,
  ConcreteReplayTarget,
  DeadLetterRow,
  DeadLetterSourceCapabilities,
  DeadLetterSourceKind,
  IndexState,
  ReasonGroup,
  ReplayTarget,
  Selection,
} from '@shared/contract';
import type { RecordHeader } from './kafkaHeaders';

/** Everything known about one dead letter, bytes included. */
export interface EntrySnapshot {
  key: string;
  row: DeadLetterRow;
  /** The bytes as stored: a Redis list element, a Kafka record value, a table's payload. */
  stored: Buffer;
  /** The original payload (for a Redis envelope: its payload field). */
  payload: Buffer;
  recordKey: Buffer | null;
  headers: RecordHeader[];
  metadata: { name: string; value: string }[];
  /** Where the entry's own metadata says it came from, as a replay target. */
  originalTarget: ConcreteReplayTarget | null;
  /** What x-sluice-origin says about it, e.g. "redis:write_queue:dead#<id>". */
  originLabel: string;
  kafka: { partition: number; offset: string; timestamp: number | null } | null;
}

/** One planned move, with the exact bytes decided when the job was planned. */
export interface MoveItem {
  step: number;
  key: string;
  /** Redis: the exact list element to remove. */
  stored: Buffer | null;
  /** What the target receives. */
  payload: Buffer;
  recordKey: Buffer | null;
  headers: RecordHeader[];
  target: ConcreteReplayTarget;
  replayId: string;
  origin: string;
  /** Handed to the servers before without a recorded outcome (a crash or an outage). */
  resent: boolean;
}

export type MoveOutcome =
  | { state: 'delivered' }
  /** No longer in the dead-letter store when its turn came; nothing was sent. */
  | { state: 'gone' }
  /** The target refused it; it stays dead. */
  | { state: 'failed'; detail: string };

export interface DiscardOutcome {
  discarded: number;
  missing: number;
}

/** How a payload bound for a Redis list carries its replay id and origin. */
export type RedisListMarking = 'json-fields' | 'none';

/**
 * One dead-letter store: a Redis list, a Kafka topic or a PostgreSQL table.
 * Browse calls are paged by offset (the cursor of a virtualized list); every
 * write is checked against the server, never against the local index alone.
 * What differs between the kinds is said here, by each adapter, so that no
 * caller asks which kind it holds.
 */
export interface DeadLetterSource {
  readonly kind: DeadLetterSourceKind;
  /** What the operator may do with the entries; the source view carries the same. */
  readonly capabilities: DeadLetterSourceCapabilities;
  /**
   * json-fields: a JSON-object payload replayed to a Redis list gets replay-id
   * and origin members; none: it is pushed byte for byte (raw entries are the
   * bytes their consumer expects).
   */
  readonly redisListMarking: RedisListMarking;
  /**
   * move() finds each entry by its exact stored bytes (a Redis list has no
   * other identity), so a plan keeps them; other stores find entries by key.
   */
  readonly removesByStoredBytes: boolean;
  /** Where each message's replay id and origin travel, for the job view. */
  replayNotes(target: ReplayTarget): string[];
  /**
   * Learns what the delivery text depends on before a plan is written (Kafka:
   * whether the cluster allows the idempotent producer). May fail when the
   * servers are unreachable; the job then pauses until they answer.
   */
  prepareDelivery?(): Promise<void>;
  /** Entries still dead, asked of the server. */
  count(): Promise<number>;
  indexState(): IndexState;
  /** Brings the local index up to date (PostgreSQL is queried live: a no-op). */
  refresh(): Promise<IndexState>;
  page(
    filter: BrowseFilter,
    offset: number,
    limit: number,
  ): Promise<{ rows: DeadLetterRow[]; total: number }>;
  topReasons(filter: BrowseFilter, limit: number): Promise<ReasonGroup[]>;
  get(key: string): Promise<EntrySnapshot | null>;
  countSelection(selection: Selection): Promise<number>;
  /** The selected entries in replay order (oldest first), in chunks. */
  select(selection: Selection, chunkSize: number): AsyncIterable<EntrySnapshot[]>;
  /**
   * Null when this source can deliver to the target (its kind is one of
   * capabilities.replayTargets, the ones the replay dialog offers), else why not.
   */
  targetProblem(target: ConcreteReplayTarget): string | null;
  /** How a move to this target works, in words for the operator. */
  deliveryDescription(target: ConcreteReplayTarget): string;
  /**
   * Delivers each item and removes (or marks) its dead letter, so that each
   * entry ends up exactly once either still dead or delivered, also when the
   * same items are moved again after a crash. Throws OutageError when a
   * server is unreachable; nothing is then known about the batch, and moving
   * it again is safe.
   */
  move(jobId: string, items: readonly MoveItem[]): Promise<MoveOutcome[]>;
  /**
   * Records what move() did in Sluice's own store. Runs inside the journal's
   * SQLite transaction, so a step's outcome and its resolution are written together.
   */
  settle?(jobId: string, items: readonly MoveItem[], outcomes: readonly MoveOutcome[]): void;
  /** The job is over: drop whatever move() kept to make retries safe. */
  finishJob(jobId: string): Promise<void>;
  discard(entries: readonly EntrySnapshot[], reason: string): Promise<DiscardOutcome>;
  /** Housekeeping in idle moments (called every few seconds). */
  maintain?(): Promise<void>;
  /** Resolves when the servers this source needs answer again. */
  probe(): Promise<void>;
}
