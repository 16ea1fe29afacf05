import { diffLines } from 'diff';
import { useMemo, useState } from 'react';

export type DiffRowKind = 'added' | 'removed' | 'same';

export interface DiffRow {
  kind: DiffRowKind;
  /** 1-based line numbers; null on the side the line does not exist. */
  oldLine: number | null;
  newLine: number | null;
  text: string;
}

export type DiffItem = { type: 'row'; row: DiffRow } | { type: 'gap'; hidden: number };

/** One row per line: a change's value holds several lines ending in "\n". */
export function diffRows(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const change of diffLines(before, after)) {
    const lines = change.value.split('\n');
    // "a\nb\n" splits into ["a", "b", ""]: the last empty piece is not a line.
    if (lines[lines.length - 1] === '') lines.pop();
    const kind: DiffRowKind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    for (const text of lines) {
      rows.push({
        kind,
        oldLine: kind === 'added' ? null : oldLine++,
        newLine: kind === 'removed' ? null : newLine++,
        text,
      });
    }
  }
  return rows;
}

/**
 * Keeps `context` unchanged lines around each change and folds the longer
 * unchanged stretches into a gap, so a one-line edit in a long runbook is
 * easy to find.
 */
export function foldUnchanged(rows: readonly DiffRow[], context: number): DiffItem[] {
  const near = new Array<boolean>(rows.length).fill(false);
  rows.forEach((row, index) => {
    if (row.kind === 'same') return;
    for (let i = Math.max(0, index - context); i <= Math.min(rows.length - 1, index + context); i++)
      near[i] = true;
  });
  const items: DiffItem[] = [];
  let hidden = 0;
  rows.forEach((row, index) => {
    if (row.kind !== 'same' || near[index]) {
      if (hidden > 0) items.push({ type: 'gap', hidden });
      hidden = 0;
      items.push({ type: 'row', row });
    } else {
      hidden += 1;
    }
  });
  if (hidden > 0) items.push({ type: 'gap', hidden });
  return items;
}

const SIGN: Record<DiffRowKind, string> = { added: '+', removed: '-', same: ' ' };

export interface LineDiffProps {
  before: string;
  after: string;
  /** Labels of the two sides, e.g. "version 1" and "version 2". */
  beforeLabel: string;
  afterLabel: string;
  /** Unchanged lines kept around each change; the rest fold away until expanded. */
  context?: number;
  testId?: string;
}

/**
 * A line diff rendered as text rows with +/- markers. Every line is a React
 * text node: whatever the compared text holds (markdown, JSON from an audit
 * record, markup) is shown as text, never interpreted.
 */
export function LineDiff({
  before,
  after,
  beforeLabel,
  afterLabel,
  context = 3,
  testId = 'line-diff',
}: LineDiffProps) {
  const [expanded, setExpanded] = useState(false);
  const rows = useMemo(() => diffRows(before, after), [before, after]);
  const items = useMemo(
    () =>
      expanded ? rows.map((row): DiffItem => ({ type: 'row', row })) : foldUnchanged(rows, context),
    [rows, expanded, context],
  );
  const added = rows.filter((row) => row.kind === 'added').length;
  const removed = rows.filter((row) => row.kind === 'removed').length;
  const folded = items.some((item) => item.type === 'gap');

  return (
    <div className="line-diff" data-testid={testId}>
      <div className="line-diff-header">
        <span>
          <span className="line-diff-removed-label">- {beforeLabel}</span>{' '}
          <span className="line-diff-added-label">+ {afterLabel}</span>
        </span>
        <span className="muted" data-testid={`${testId}-stats`}>
          {added === 0 && removed === 0
            ? 'no differences'
            : `${added} line${added === 1 ? '' : 's'} added, ${removed} removed`}
        </span>
        {folded || expanded ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => setExpanded((value) => !value)}
          >
            {expanded ? 'Fold unchanged lines' : 'Show all lines'}
          </button>
        ) : null}
      </div>
      <div className="line-diff-rows" role="table" aria-label={`${beforeLabel} to ${afterLabel}`}>
        {items.map((item, index) =>
          item.type === 'gap' ? (
            <div key={`gap-${index}`} className="line-diff-gap" role="row">
              <span role="cell">
                … {item.hidden} unchanged line{item.hidden === 1 ? '' : 's'}
              </span>
            </div>
          ) : (
            <div
              key={`row-${index}`}
              className={`line-diff-row line-diff-${item.row.kind}`}
              data-kind={item.row.kind}
              role="row"
            >
              <span className="line-diff-number" role="cell">
                {item.row.oldLine ?? ''}
              </span>
              <span className="line-diff-number" role="cell">
                {item.row.newLine ?? ''}
              </span>
              <span className="line-diff-sign" role="cell" aria-label={item.row.kind}>
                {SIGN[item.row.kind]}
              </span>
              <span className="line-diff-text" role="cell">
                {item.row.text}
              </span>
            </div>
          ),
        )}
      </div>
    </div>
  );
}
