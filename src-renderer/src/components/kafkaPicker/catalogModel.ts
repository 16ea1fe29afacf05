import type { KafkaCatalog, KafkaCatalogGroup, KafkaCatalogTopic } from '@shared/contract';

/**
 * What the topic and group pickers know about names: what to offer while
 * typing, and whether a typed name is missing from the cluster. A name is
 * only called missing against a catalog that holds the whole cluster (not
 * cut at its limit): from a partial list, absence proves nothing.
 */

export type PickerKind = 'topic' | 'group';

/** One name as the picker offers it: the name and a line about it. */
export interface PickerOption {
  name: string;
  detail: string;
  /** Kafka's own topics: offered after the others. */
  internal: boolean;
}

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "3 partitions · 1,204 records". */
export function topicDetail(topic: KafkaCatalogTopic): string {
  const partitions = count(topic.partitions, 'partition', 'partitions');
  const records =
    topic.records === null
      ? 'size unknown (a partition has no leader)'
      : count(topic.records, 'record', 'records');
  return `${partitions} · ${records}${topic.internal ? ' · internal' : ''}`;
}

/** The protocol type, or what an empty one means. */
export function groupDetail(group: KafkaCatalogGroup): string {
  return group.protocolType === '' ? 'commits offsets only' : group.protocolType;
}

export function pickerOptions(catalog: KafkaCatalog, kind: PickerKind): PickerOption[] {
  return kind === 'topic'
    ? catalog.topics.map((t) => ({ name: t.name, detail: topicDetail(t), internal: t.internal }))
    : catalog.groups.map((g) => ({ name: g.groupId, detail: groupDetail(g), internal: false }));
}

/** The names of a list field, split as the monitoring form splits them (commas, spaces). */
export function listNames(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * The name being typed: the whole value, or in a list field the part after
 * the last separator (empty right after a comma: offer everything).
 */
export function currentToken(text: string, multiple: boolean): string {
  if (!multiple) return text.trim();
  const parts = text.split(/[\s,]+/);
  return parts[parts.length - 1] ?? '';
}

/** The value with the name being typed replaced by `name` (a list gets a separator after it). */
export function completeWith(text: string, name: string, multiple: boolean): string {
  if (!multiple) return name;
  const token = currentToken(text, true);
  return `${text.slice(0, text.length - token.length)}${name}, `;
}

export const SHOWN_OPTIONS = 50;

/**
 * The options matching what is typed, names that start with it first, then
 * names that contain it; Kafka's own topics after the rest; names a list
 * field holds already left out. At most SHOWN_OPTIONS, with the count of
 * the others.
 */
export function matchOptions(
  options: readonly PickerOption[],
  typed: string,
  exclude: ReadonlySet<string> = new Set(),
): { shown: PickerOption[]; more: number } {
  const needle = typed.toLowerCase();
  const starts: PickerOption[] = [];
  const contains: PickerOption[] = [];
  for (const option of options) {
    if (exclude.has(option.name)) continue;
    const name = option.name.toLowerCase();
    if (name.startsWith(needle)) starts.push(option);
    else if (name.includes(needle)) contains.push(option);
  }
  const ranked = [...starts, ...contains].sort((a, b) => Number(a.internal) - Number(b.internal));
  return {
    shown: ranked.slice(0, SHOWN_OPTIONS),
    more: Math.max(0, ranked.length - SHOWN_OPTIONS),
  };
}

export function missingTopicMessage(name: string): string {
  return `topic "${name}" does not exist on this cluster`;
}

export function missingGroupMessage(name: string): string {
  return `no group "${name}" is known to the cluster yet (it appears once it commits offsets)`;
}

/** The message for a topic name the whole catalog lacks, or null (found, empty, or unknowable). */
export function missingTopic(catalog: KafkaCatalog | undefined, name: string): string | null {
  const wanted = name.trim();
  if (!catalog || catalog.truncated.topics || wanted === '') return null;
  return catalog.topics.some((t) => t.name === wanted) ? null : missingTopicMessage(wanted);
}

export function missingGroup(catalog: KafkaCatalog | undefined, name: string): string | null {
  const wanted = name.trim();
  if (!catalog || catalog.truncated.groups || wanted === '') return null;
  return catalog.groups.some((g) => g.groupId === wanted) ? null : missingGroupMessage(wanted);
}

/** One message per missing topic of a list field, joined; null when none is missing. */
export function missingTopics(catalog: KafkaCatalog | undefined, text: string): string | null {
  const messages = [...new Set(listNames(text))]
    .map((name) => missingTopic(catalog, name))
    .filter((message): message is string => message !== null);
  return messages.length === 0 ? null : messages.join('; ');
}
