import { describe, expect, it } from 'vitest';
import { parseView, previousPeriod, serializeView } from './url-state';

describe('URL filter state', () => {
  it('round-trips a full view through the URL', () => {
    const params = new URLSearchParams('from=2019-10-08&to=2019-10-14&category=electronics&brand=samsung&brand=apple&compare=1&asOf=3');
    const parsed = parseView(params);
    expect(parsed).toEqual({
      ok: true,
      view: { filters: { from: '2019-10-08', to: '2019-10-14', categories: ['electronics'], brands: ['apple', 'samsung'], asOf: 3 }, compare: true },
    });
    if (!parsed.ok) throw new Error('unreachable');
    expect(serializeView(parsed.view)).toBe('from=2019-10-08&to=2019-10-14&category=electronics&brand=apple&brand=samsung&compare=1&asOf=3');
  });

  it('accepts an empty URL as the whole period', () => {
    expect(parseView({})).toEqual({ ok: true, view: { filters: {}, compare: false } });
  });

  it('reports garbage dates and versions without throwing, naming the parameter', () => {
    const parsed = parseView({ from: 'garbage', asOf: '-1' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) throw new Error('unreachable');
    expect(parsed.problems.join(' ')).toContain('"from"');
    expect(parsed.problems.join(' ')).toContain('"asOf"');
  });

  it('rejects impossible calendar dates and reversed ranges', () => {
    expect(parseView({ from: '2019-02-30' }).ok).toBe(false);
    expect(parseView({ from: '2019-10-10', to: '2019-10-01' }).ok).toBe(false);
  });

  it('computes the previous period as the same number of days before from', () => {
    expect(previousPeriod('2019-10-08', '2019-10-14')).toEqual({ from: '2019-10-01', to: '2019-10-07' });
    expect(previousPeriod('2019-11-01', '2019-11-01')).toEqual({ from: '2019-10-31', to: '2019-10-31' });
  });
});
