/**
 * The one table every view draws: column headers with scope, an optional row header cell (the
 * row's name, for screen readers), right-aligned numbers, per-row attributes for tests and styling,
 * and the view's designed empty state when there are no rows.
 */
import type { HTMLAttributes, ReactNode } from 'react';

export interface Column<T> {
  header: ReactNode;
  cell(row: T): ReactNode;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /**
   * Free text that may hold long unbroken tokens (names, URLs, error messages): it may break
   * anywhere, so the table fits a narrow window instead of overflowing it.
   */
  longText?: boolean;
  /** This column names the row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Extra attributes of the cell, e.g. a title with the exact time. */
  cellProps?(row: T): HTMLAttributes<HTMLTableCellElement>;
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowProps,
  empty,
  testId,
  label,
}: {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey(row: T, index: number): string;
  /** data-* attributes and classes per row. */
  rowProps?(row: T): HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  /** Shown instead of the table when there are no rows (an <Empty> with what to do). */
  empty?: ReactNode;
  testId?: string;
  /** Accessible name when the table has no visible heading right before it. */
  label?: string;
}) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  const num = (c: Column<T>) => (c.numeric ? 'num' : c.longText ? 'long-text' : undefined);
  return (
    <table data-testid={testId} aria-label={label}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" className={num(c)}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={rowKey(row, r)} {...rowProps?.(row)}>
            {columns.map((c, i) =>
              c.rowHeader ? (
                <th key={i} scope="row" className={num(c)} {...c.cellProps?.(row)}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={i} className={num(c)} {...c.cellProps?.(row)}>
                  {c.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
