import type {
  DeadLetterSourceInput,
  DeadLetterSourceKind,
  DeadLetterSourceSettings,
  DeadLetterSourceView,
  KafkaCatalog,
} from '@shared/contract';
import { missingTopic } from '../../components/kafkaPicker/catalogModel';
import {
  defaultTargetFromForm,
  defaultTargetIntoForm,
  type DefaultTargetForm,
} from './targets/targetModel';

/** Every field of the source form as text, whatever the kind; turned into input on save. */
export interface SourceFormState extends DefaultTargetForm {
  id: string | null;
  name: string;
  kind: DeadLetterSourceKind;
  jsonSchema: string;
  bulkConfirmThreshold: string;
  // Redis
  redisKey: string;
  format: 'envelope' | 'raw';
  pushSide: 'head' | 'tail';
  replayMarking: 'json-fields' | 'none';
  defaultTargetKey: string;
  fields: Record<string, string>;
  // Kafka
  topic: string;
  defaultTargetTopic: string;
  // PostgreSQL (and its default target, from DefaultTargetForm)
  schema: string;
  table: string;
  removal: 'status' | 'delete';
  columns: Record<string, string>;
  statusPending: string;
  statusReplayed: string;
  statusDiscarded: string;
}

export const ENVELOPE_FIELDS: { name: string; label: string; fallback: string }[] = [
  { name: 'id', label: 'Id', fallback: 'id' },
  { name: 'payload', label: 'Payload', fallback: 'payload' },
  { name: 'payloadEncoding', label: 'Payload encoding', fallback: 'payload_encoding' },
  { name: 'errorClass', label: 'Error class', fallback: 'error_class' },
  { name: 'errorMessage', label: 'Error message', fallback: 'error_message' },
  { name: 'attempts', label: 'Attempts', fallback: 'attempts' },
  { name: 'firstFailedAt', label: 'First failure', fallback: 'first_failed_at' },
  { name: 'lastFailedAt', label: 'Last failure', fallback: 'last_failed_at' },
  { name: 'origin', label: 'Source queue', fallback: 'source_queue' },
];

export const TABLE_COLUMNS: { name: string; label: string; fallback: string }[] = [
  { name: 'id', label: 'Id', fallback: 'id' },
  { name: 'payload', label: 'Payload', fallback: 'payload' },
  { name: 'errorClass', label: 'Error class', fallback: 'error_class' },
  { name: 'errorMessage', label: 'Error message', fallback: 'error_message' },
  { name: 'attempts', label: 'Attempts', fallback: 'attempts' },
  { name: 'firstFailedAt', label: 'First failure', fallback: 'first_failed_at' },
  { name: 'lastFailedAt', label: 'Last failure', fallback: 'last_failed_at' },
  { name: 'origin', label: 'Origin', fallback: 'source' },
  { name: 'status', label: 'Status', fallback: 'status' },
];

const defaults = (list: { name: string; fallback: string }[]) =>
  Object.fromEntries(list.map((f) => [f.name, f.fallback]));

export function emptySourceForm(): SourceFormState {
  return {
    id: null,
    name: '',
    kind: 'redis',
    jsonSchema: '',
    bulkConfirmThreshold: '100',
    redisKey: 'write_queue:dead',
    format: 'envelope',
    pushSide: 'head',
    replayMarking: 'json-fields',
    defaultTargetKey: '',
    fields: defaults(ENVELOPE_FIELDS),
    topic: '',
    defaultTargetTopic: '',
    schema: 'public',
    table: 'dead_letters',
    removal: 'status',
    columns: defaults(TABLE_COLUMNS),
    statusPending: 'pending',
    statusReplayed: 'replayed',
    statusDiscarded: 'discarded',
    targetKind: 'none',
    targetTable: '',
    targetPayloadColumn: 'payload',
    targetReplayIdColumn: '',
    targetOriginColumn: '',
    targetRedisKey: '',
  };
}

const text = (value: string | null | undefined) => value ?? '';
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

type SettingsOf<K extends DeadLetterSourceKind> = Extract<DeadLetterSourceSettings, { kind: K }>;
type SettingsInput = DeadLetterSourceInput['settings'];

/** What the form knows of one kind of source: its settings both ways and its name. */
interface SourceKindForm<K extends DeadLetterSourceKind> {
  /** The kind's name in the kind picker. */
  label: string;
  /** Its topic names are checked against the cluster's catalog while typing. */
  checksTopics: boolean;
  read(settings: SettingsOf<K>, state: SourceFormState): void;
  settings(state: SourceFormState): SettingsInput & { kind: K };
  /** Where its dead letters are, in a few words. */
  describe(settings: SettingsOf<K>): string;
}

/** One entry per kind, in the order the kind picker offers them. */
export const SOURCE_KIND_FORMS: { [K in DeadLetterSourceKind]: SourceKindForm<K> } = {
  redis: {
    label: 'Redis list',
    checksTopics: false,
    read(settings, state) {
      state.redisKey = settings.key;
      state.format = settings.format;
      state.pushSide = settings.pushSide;
      state.replayMarking = settings.replayMarking;
      state.defaultTargetKey = text(settings.defaultTargetKey);
      state.fields = Object.fromEntries(
        Object.entries(settings.fields).map(([name, value]) => [name, text(value)]),
      );
    },
    settings: (state) => ({
      kind: 'redis',
      key: state.redisKey.trim(),
      format: state.format,
      pushSide: state.pushSide,
      replayMarking: state.replayMarking,
      defaultTargetKey: orNull(state.defaultTargetKey),
      fields: {
        id: orNull(state.fields.id ?? ''),
        payload: (state.fields.payload ?? '').trim() || 'payload',
        payloadEncoding: orNull(state.fields.payloadEncoding ?? ''),
        errorClass: orNull(state.fields.errorClass ?? ''),
        errorMessage: orNull(state.fields.errorMessage ?? ''),
        attempts: orNull(state.fields.attempts ?? ''),
        firstFailedAt: orNull(state.fields.firstFailedAt ?? ''),
        lastFailedAt: orNull(state.fields.lastFailedAt ?? ''),
        origin: orNull(state.fields.origin ?? ''),
      },
    }),
    describe: (s) => `Redis list ${s.key}${s.format === 'raw' ? ' (raw)' : ''}`,
  },
  kafka: {
    label: 'Kafka topic',
    checksTopics: true,
    read(settings, state) {
      state.topic = settings.topic;
      state.defaultTargetTopic = text(settings.defaultTargetTopic);
    },
    settings: (state) => ({
      kind: 'kafka',
      topic: state.topic.trim(),
      defaultTargetTopic: orNull(state.defaultTargetTopic),
    }),
    describe: (s) => `Kafka topic ${s.topic}`,
  },
  postgres: {
    label: 'PostgreSQL table',
    checksTopics: false,
    read(settings, state) {
      state.schema = settings.schema;
      state.table = settings.table;
      state.removal = settings.removal;
      state.columns = Object.fromEntries(
        Object.entries(settings.columns).map(([name, value]) => [name, text(value)]),
      );
      state.statusPending = settings.statusValues.pending;
      state.statusReplayed = settings.statusValues.replayed;
      state.statusDiscarded = settings.statusValues.discarded;
      defaultTargetIntoForm(settings.defaultTarget, state);
    },
    settings: (state) => ({
      kind: 'postgres',
      schema: state.schema.trim() || 'public',
      table: state.table.trim(),
      removal: state.removal,
      columns: {
        id: (state.columns.id ?? '').trim() || 'id',
        payload: (state.columns.payload ?? '').trim() || 'payload',
        errorClass: orNull(state.columns.errorClass ?? ''),
        errorMessage: orNull(state.columns.errorMessage ?? ''),
        attempts: orNull(state.columns.attempts ?? ''),
        firstFailedAt: orNull(state.columns.firstFailedAt ?? ''),
        lastFailedAt: orNull(state.columns.lastFailedAt ?? ''),
        origin: orNull(state.columns.origin ?? ''),
        status: orNull(state.columns.status ?? ''),
      },
      statusValues: {
        pending: state.statusPending.trim(),
        replayed: state.statusReplayed.trim(),
        discarded: state.statusDiscarded.trim(),
      },
      defaultTarget: defaultTargetFromForm(state, state.schema.trim() || 'public'),
    }),
    describe: (s) => `PostgreSQL table ${s.schema}.${s.table}`,
  },
};

/**
 * The form of the kind these settings are of. TypeScript cannot follow the
 * kind from the settings to the table entry, hence the one widening here.
 */
function kindFormOf(settings: DeadLetterSourceSettings): SourceKindForm<DeadLetterSourceKind> {
  return SOURCE_KIND_FORMS[settings.kind] as SourceKindForm<DeadLetterSourceKind>;
}

/** The fields formFromSource reads (a stored view has more). */
export type SourceFormInput = Pick<
  DeadLetterSourceView,
  'id' | 'name' | 'settings' | 'jsonSchema' | 'bulkConfirmThreshold'
>;

export function formFromSource(view: SourceFormInput): SourceFormState {
  const state = emptySourceForm();
  state.id = view.id;
  state.name = view.name;
  state.kind = view.settings.kind;
  state.jsonSchema = text(view.jsonSchema);
  state.bulkConfirmThreshold = String(view.bulkConfirmThreshold);
  kindFormOf(view.settings).read(view.settings, state);
  return state;
}

/** The save input; the core validates it (names, identifiers) and answers with issues. */
export function sourceInputFromForm(state: SourceFormState): DeadLetterSourceInput {
  return {
    ...(state.id ? { id: state.id } : {}),
    name: state.name.trim(),
    jsonSchema: orNull(state.jsonSchema),
    bulkConfirmThreshold: Number(state.bulkConfirmThreshold),
    settings: SOURCE_KIND_FORMS[state.kind].settings(state),
  };
}

export function describeSource(view: Pick<DeadLetterSourceView, 'settings'>): string {
  return kindFormOf(view.settings).describe(view.settings);
}

export interface SourceTopicChecks {
  /** The source topic is missing: an error, the form is not saved (nothing could be read). */
  topic: string | null;
  /** The default target is missing: a warning (replays name it only when a record names none). */
  defaultTargetTopic: string | null;
}

/** The topic names of a Kafka source checked against the cluster's catalog (when it is whole). */
export function sourceTopicChecks(
  state: SourceFormState,
  catalog: KafkaCatalog | undefined,
): SourceTopicChecks {
  if (!SOURCE_KIND_FORMS[state.kind].checksTopics) return { topic: null, defaultTargetTopic: null };
  return {
    topic: missingTopic(catalog, state.topic),
    defaultTargetTopic: missingTopic(catalog, state.defaultTargetTopic),
  };
}
