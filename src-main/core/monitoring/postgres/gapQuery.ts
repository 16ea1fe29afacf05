import { sqlIdentifierSchema, sqlTableNameSchema, type MonitoringConfig } from '@shared/contract';

export type GapTable = MonitoringConfig['postgres']['tables'][number];

/**
 * Quotes an identifier that already passed sqlIdentifierSchema (letters,
 * digits, underscore): quoting keeps its case and can never end the name
 * early, since the name holds no double quote.
 */
export function quoteIdentifier(name: string): string {
  const checked = sqlIdentifierSchema.parse(name);
  return `"${checked}"`;
}

/** "schema"."table" or "table". */
export function quoteTable(name: string): string {
  const checked = sqlTableNameSchema.parse(name);
  return checked
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** The rows written but not yet synced: never synced, or changed after the last sync. */
export function gapCondition(table: GapTable): string {
  const updated = quoteIdentifier(table.updatedAtColumn);
  const synced = quoteIdentifier(table.syncedAtColumn);
  return `(${synced} IS NULL OR ${updated} > ${synced})`;
}

/** count and the oldest row's age in one scan: min() rides the same index as the count. */
export function gapQuery(table: GapTable): string {
  const updated = quoteIdentifier(table.updatedAtColumn);
  const filter = table.filter === null ? '' : ` AND (${table.filter})`;
  return (
    `SELECT count(*)::bigint AS gap, ` +
    `EXTRACT(EPOCH FROM (now() - min(${updated})))::float8 AS oldest_age_seconds ` +
    `FROM ${quoteTable(table.table)} WHERE ${gapCondition(table)}${filter}`
  );
}

export function explainQuery(table: GapTable): string {
  return `EXPLAIN (FORMAT JSON) ${gapQuery(table)}`;
}

/** Index names are at most 63 bytes; longer ones would be truncated by the server. */
function indexName(table: GapTable): string {
  const base = table.table.split('.').pop()!;
  const name = `${base}_${table.updatedAtColumn}_sync_gap_idx`;
  return name.length <= 63 ? name : `${name.slice(0, 50)}_sync_gap_idx`;
}

/**
 * A partial index holding exactly the rows in the gap, ordered by the
 * updated-at column: a plain index cannot serve a condition comparing two
 * columns of the same row, a partial one with that predicate can, and it stays
 * as small as the gap. CONCURRENTLY so creating it does not block writers.
 */
export function suggestIndex(table: GapTable): string {
  return (
    `CREATE INDEX CONCURRENTLY ${quoteIdentifier(indexName(table))} ` +
    `ON ${quoteTable(table.table)} (${quoteIdentifier(table.updatedAtColumn)}) ` +
    `WHERE ${gapCondition(table).slice(1, -1)};`
  );
}

interface PlanNode {
  'Node Type'?: unknown;
  'Total Cost'?: unknown;
  'Relation Name'?: unknown;
  'Index Name'?: unknown;
  Plans?: unknown;
}

export interface PlanSummary {
  totalCost: number;
  nodeTypes: string[];
  /** The table itself is read by a sequential scan. */
  seqScan: boolean;
}

/** Reads EXPLAIN (FORMAT JSON) output: [{ "Plan": { ... } }]. */
export function summarisePlan(explain: unknown, table: GapTable): PlanSummary {
  const root = Array.isArray(explain) ? (explain[0] as { Plan?: PlanNode } | undefined) : undefined;
  const plan = root?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  const relation = table.table.split('.').pop()!;
  const nodeTypes: string[] = [];
  let seqScan = false;
  const visit = (node: PlanNode): void => {
    const type = typeof node['Node Type'] === 'string' ? node['Node Type'] : 'Unknown';
    nodeTypes.push(type);
    if (type === 'Seq Scan' && node['Relation Name'] === relation) seqScan = true;
    if (Array.isArray(node.Plans)) for (const child of node.Plans) visit(child as PlanNode);
  };
  visit(plan);
  const cost = Number(plan['Total Cost']);
  return { totalCost: Number.isFinite(cost) ? cost : 0, nodeTypes, seqScan };
}

/**
 * Among a table's indexes (name, predicate), one whose predicate is the gap
 * condition: both columns named, one compared with IS NULL. Good enough to
 * not suggest a second copy of the index an operator already made.
 */
export function findGapIndex(
  indexes: readonly { name: string; predicate: string | null }[],
  table: GapTable,
): string | null {
  const mentions = (text: string, column: string) =>
    new RegExp(`(^|[^A-Za-z0-9_])"?${column}"?([^A-Za-z0-9_]|$)`).test(text);
  for (const index of indexes) {
    const predicate = index.predicate;
    if (!predicate) continue;
    if (
      mentions(predicate, table.updatedAtColumn) &&
      mentions(predicate, table.syncedAtColumn) &&
      /IS NULL/i.test(predicate)
    ) {
      return index.name;
    }
  }
  return null;
}
