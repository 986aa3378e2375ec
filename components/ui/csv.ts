/** CSV (RFC 4180) of exactly the rows a chart or table shows. */
import type { ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  label: string;
  /** Raw value for CSV and sorting (numbers stay numbers). */
  value: (row: Row) => string | number | null;
  /** Display text; defaults to the raw value. */
  format?: (row: Row) => string;
  /** Rich cell content (a link, …) on screen; CSV keeps the raw value. */
  render?: (row: Row) => ReactNode;
  align?: 'left' | 'right';
}

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<Row>(columns: Column<Row>[], rows: Row[]): string {
  const lines = [columns.map((c) => cell(c.label)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

export function downloadCsv(filename: string, csv: string): void {
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

type Cell = string | number | null;

export function textCol<Row>(key: string, label: string, get: (row: Row) => string | null): Column<Row> {
  return { key, label, value: get };
}

export function numCol<Row>(key: string, label: string, get: (row: Row) => number | null, format: (value: number | null) => string): Column<Row> {
  return { key, label, value: get as (row: Row) => Cell, format: (row) => format(get(row)), align: 'right' };
}
