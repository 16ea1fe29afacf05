import type { AuditTarget, DeadLetterSourceView } from '@shared/contract';

/** A source as audit records name it; with a count once a call has counted its selection. */
export function sourceTarget(source: DeadLetterSourceView, count?: number): AuditTarget {
  return {
    type: 'dead-letter-source',
    id: source.id,
    name: count === undefined ? source.name : `${source.name} (${count} entries)`,
  };
}

/** One entry of a source as audit records name it. */
export function entryTarget(source: DeadLetterSourceView, key: string): AuditTarget {
  return { type: 'dead-letter', id: `${source.id}/${key}`, name: `${source.name} ${key}` };
}
