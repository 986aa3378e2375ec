import { describe, expect, it } from 'vitest';
import { mixColor } from '@/components/charts/base';
import { emptyBecause } from './empty';
import { change, fmtAxis, fmtPct, fmtUnit } from './format';

describe('formatting', () => {
  it('shows rates as percentages and a null rate as a dash, never NaN', () => {
    expect(fmtPct(0.067604)).toBe('6.76%');
    expect(fmtPct(null)).toBe('—');
    expect(fmtUnit(Number.NaN, 'rate')).toBe('—');
  });

  it('keeps axis labels short', () => {
    expect(fmtAxis(5000, 'usd')).toBe('$5K');
    expect(fmtAxis(0, 'usd')).toBe('$0');
    expect(fmtAxis(0.05, 'rate')).toBe('5.0%');
  });

  it('has no change against a zero or missing previous value', () => {
    expect(change(10, 0)).toBeNull();
    expect(change(10, null)).toBeNull();
    expect(change(15, 10)).toBeCloseTo(0.5);
  });
});

describe('empty states', () => {
  it('say what is missing, for which filters, and what to do', () => {
    expect(emptyBecause({ brands: ['acme'], from: '2019-10-01', to: '2019-10-02' }, 'purchases')).toBe('No purchases for brand acme between 2019-10-01 and 2019-10-02 — widen the dates or remove a filter.');
  });
});

describe('mixColor', () => {
  it('interpolates between two colours and clamps', () => {
    expect(mixColor('#000000', '#ffffff', 0.5)).toBe('#808080');
    expect(mixColor('#000000', '#ffffff', 2)).toBe('#ffffff');
  });
});
