import type { ReactNode } from 'react';

/**
 * The studio's one list table: caption for screen readers, header row, rows, an empty state, a
 * loading row and an optional pager. Dashboard, jobs, generated PDFs and API keys all use it.
 */

export interface Column<T> {
  header: string;
  /** Header read by screen readers only (e.g. "Actions" over a column of buttons). */
  hideHeader?: boolean;
  cell: (row: T) => ReactNode;
}

export interface Paging {
  /** Names the pager landmark, e.g. "Pages of templates". */
  label: string;
  page: number;
  /** Known for numbered pages; cursor pages only know whether there is a next one. */
  totalPages?: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

interface Props<T> {
  caption: string;
  columns: readonly Column<T>[];
  /** null/undefined while nothing is loaded yet: neither rows nor the empty state show. */
  rows: readonly T[] | null | undefined;
  rowKey: (row: T) => string;
  empty: ReactNode;
  loading?: boolean;
  paging?: Paging;
}

export function DataTable<T>({ caption, columns, rows, rowKey, empty, loading = false, paging }: Props<T>) {
  return (
    <>
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.hideHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows?.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
          {rows && rows.length === 0 && !loading && (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          )}
          {loading && (
            <tr>
              <td colSpan={columns.length} role="status">
                Loading…
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {paging && (
        <nav className="pager" aria-label={paging.label}>
          <button type="button" disabled={paging.page <= 1} onClick={paging.onPrevious}>
            Previous
          </button>
          <span>
            Page {paging.page}
            {paging.totalPages !== undefined && ` of ${paging.totalPages}`}
          </span>
          <button type="button" disabled={!paging.hasNext} onClick={paging.onNext}>
            Next
          </button>
        </nav>
      )}
    </>
  );
}
