'use client';

import { useMemo, useState } from 'react';
import type { Column } from './csv';

interface DataTableProps<Row> {
  columns: Column<Row>[];
  rows: Row[];
  caption: string;
  pageSize?: number;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  testId?: string;
}

/** A sortable, paginated table; also the accessible alternative to every chart. */
export function DataTable<Row>({ columns, rows, caption, pageSize = 10, initialSort, testId }: DataTableProps<Row>) {
  const [sort, setSort] = useState(initialSort);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    const factor = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * factor;
    });
  }, [rows, columns, sort]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  const visible = sorted.slice(current * pageSize, (current + 1) * pageSize);

  return (
    <div data-testid={testId}>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-700">
              {columns.map((c) => {
                const active = sort?.key === c.key;
                return (
                  <th key={c.key} scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={`px-2 py-2 font-medium ${c.align === 'right' ? 'text-right' : ''}`}>
                    <button
                      type="button"
                      className="inline-flex items-center gap-1 rounded hover:text-brand-600"
                      onClick={() => {
                        setPage(0);
                        setSort(active && sort.dir === 'desc' ? { key: c.key, dir: 'asc' } : { key: c.key, dir: 'desc' });
                      }}
                    >
                      {c.label}
                      <span aria-hidden className="text-xs text-slate-400">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((row, i) => (
              <tr key={i} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                {columns.map((c) => (
                  <td key={c.key} className={`px-2 py-1.5 tabular-nums ${c.align === 'right' ? 'text-right' : ''}`}>
                    {c.render ? c.render(row) : c.format ? c.format(row) : (c.value(row) ?? '—')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <div className="mt-2 flex items-center justify-end gap-2 text-sm">
          <span className="text-slate-500">
            {current * pageSize + 1}–{Math.min(sorted.length, (current + 1) * pageSize)} of {sorted.length}
          </span>
          <button type="button" className="btn" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <button type="button" className="btn" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </div>
      ) : null}
    </div>
  );
}
