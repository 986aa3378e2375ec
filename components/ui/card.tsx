'use client';

import { useId, useState } from 'react';
import { downloadCsv, slugify, toCsv, type Column } from './csv';
import { DataTable } from './data-table';
import { EmptyState, ErrorState, Skeleton } from './states';

export interface Shown<Row> {
  rows: Row[];
  columns: Column<Row>[];
}

/** The parts of a query result a card needs (tRPC errors are not `Error`s, hence not UseQueryResult). */
export interface QueryState<Data> {
  data: Data | undefined;
  error: { message: string } | null;
  isPending: boolean;
  isPlaceholderData?: boolean;
  refetch: () => unknown;
}

interface CardProps<Data, Row> {
  title: string;
  /** Units and scope, e.g. "USD per day, UTC". */
  subtitle?: string;
  query: QueryState<Data>;
  /** The rows shown (also exported as CSV and offered as the data table). */
  rows: (data: Data) => Row[];
  columns: Column<Row>[];
  /** Why there is nothing to show, given the current filters. */
  emptyMessage: string;
  takeaway?: (data: Data, shown: Shown<Row>) => string | null;
  height?: number;
  className?: string;
  testId?: string;
  /** Render the visual (chart); without it the card is a table. */
  children?: (data: Data, shown: Shown<Row>) => React.ReactNode;
  tablePageSize?: number;
  /** Controls shown beside the title (e.g. a picker of what the card shows). */
  headerExtra?: React.ReactNode;
}

/**
 * The frame every chart and table sits in: title that says what it shows, loading skeleton of the
 * final height, empty state that says why, error state with retry, CSV export of exactly the rows
 * shown, and a data-table alternative to the chart.
 */
export function Card<Data, Row>({ title, subtitle, query, rows, columns, emptyMessage, takeaway, height = 300, className = '', testId, children, tablePageSize = 10, headerExtra }: CardProps<Data, Row>) {
  const [asTable, setAsTable] = useState(false);
  const headingId = useId();
  const shown: Shown<Row> | undefined = query.data !== undefined ? { rows: rows(query.data), columns } : undefined;
  const empty = shown !== undefined && shown.rows.length === 0;
  const note = query.data !== undefined && shown && !empty && takeaway ? takeaway(query.data, shown) : null;
  return (
    <section aria-labelledby={headingId} data-testid={testId} data-card-state={query.error ? 'error' : shown === undefined ? 'loading' : empty ? 'empty' : 'ready'} className={`card flex min-w-0 flex-col ${className}`}>
      <div className="mb-2 flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="text-base font-semibold">
            {title}
          </h2>
          {subtitle ? <p className="text-xs text-slate-500 dark:text-slate-400">{subtitle}</p> : null}
        </div>
        {headerExtra}
        {shown && !empty ? (
          <div className="flex shrink-0 gap-1">
            {children ? (
              <button type="button" className="btn" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
                {asTable ? 'Chart' : 'Table'}
              </button>
            ) : null}
            <button type="button" className="btn" onClick={() => downloadCsv(`${slugify(title)}.csv`, toCsv(shown.columns, shown.rows))}>
              CSV
            </button>
          </div>
        ) : null}
      </div>
      {note ? (
        <p className="mb-2 text-sm text-slate-700 dark:text-slate-300" data-testid="takeaway">
          {note}
        </p>
      ) : takeaway && shown === undefined && !query.error ? (
        // The takeaway's line, kept while the data streams in, so the chart below does not jump.
        <p aria-hidden className="mb-2 text-sm">
          {'\u00a0'}
        </p>
      ) : null}
      {query.error ? (
        <ErrorState height={height} message={query.error.message} onRetry={() => void query.refetch()} />
      ) : shown === undefined || query.data === undefined ? (
        <Skeleton height={height} label={`Loading ${title}`} />
      ) : empty ? (
        <EmptyState height={height} message={emptyMessage} />
      ) : children && !asTable ? (
        <div style={{ minHeight: height }} className={query.isPlaceholderData ? 'opacity-60 transition-opacity' : 'transition-opacity'} aria-busy={query.isPlaceholderData ? true : undefined}>
          {children(query.data, shown)}
        </div>
      ) : (
        <div style={{ minHeight: children ? height : undefined }}>
          <DataTable columns={shown.columns} rows={shown.rows} caption={title} pageSize={tablePageSize} />
        </div>
      )}
    </section>
  );
}
