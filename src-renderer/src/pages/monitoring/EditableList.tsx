import type { ReactNode } from 'react';

/**
 * The rows of one list in the monitoring config form, each followed by its
 * Remove button. The caller draws a row's fields and gets a way to patch it.
 */
export function EditableList<Row>({
  rows,
  onChange,
  rowTestId,
  children,
}: {
  rows: Row[];
  onChange: (change: (rows: Row[]) => Row[]) => void;
  rowTestId?: (index: number) => string;
  children: (row: Row, patch: (patch: Partial<Row>) => void, index: number) => ReactNode;
}) {
  return (
    <>
      {rows.map((row, i) => (
        <div className="config-row" key={i} data-testid={rowTestId?.(i)}>
          {children(
            row,
            (patch) =>
              onChange((current) =>
                current.map((other, j) => (j === i ? { ...other, ...patch } : other)),
              ),
            i,
          )}
          <button
            type="button"
            className="button button-small"
            onClick={() => onChange((current) => current.filter((_, j) => j !== i))}
            aria-label="Remove"
          >
            Remove
          </button>
        </div>
      ))}
    </>
  );
}
