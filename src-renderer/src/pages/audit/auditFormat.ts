import type { AuditRecordSummary, AuditTarget } from '@shared/contract';

/** "2026-05-01 12:03:04.123 UTC": audit times stay in UTC, as they are recorded and exported. */
export function formatUtc(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

export function operatorLabel(operator: AuditRecordSummary['operator']): string {
  return operator.displayName ? `${operator.osUser} (${operator.displayName})` : operator.osUser;
}

export function targetLabel(target: AuditTarget): string {
  const name = target.name && target.name !== target.id ? ` “${target.name}”` : '';
  return `${target.type} ${target.id}${name}`;
}

export function targetsLabel(targets: readonly AuditTarget[]): string {
  return targets.map(targetLabel).join(', ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const formatCount = (count: number): string => count.toLocaleString('en-US');

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * JSON with keys sorted at every level and one value per line, so a line diff
 * of before and after lines up field by field whatever order they were
 * recorded in. null/undefined give "" (nothing recorded on that side).
 */
export function diffableJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}
