import { describe, expect, it } from 'vitest';
import { toCsv, type Column } from './csv';

interface Row {
  name: string;
  revenue: number | null;
}

const columns: Column<Row>[] = [
  { key: 'name', label: 'Brand', value: (r) => r.name },
  { key: 'revenue', label: 'Revenue (USD)', value: (r) => r.revenue },
];

describe('toCsv', () => {
  it('writes a header and one line per row, quoting commas and quotes', () => {
    expect(toCsv(columns, [{ name: 'a,b', revenue: 1.5 }, { name: 'say "hi"', revenue: null }])).toBe(
      'Brand,Revenue (USD)\r\n"a,b",1.5\r\n"say ""hi""",\r\n',
    );
  });
});
