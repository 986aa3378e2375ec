import { describe, expect, it } from 'vitest';
import { sparklinePath } from './sparkline';

describe('sparklinePath', () => {
  it('scales values into the box, highest at the top', () => {
    expect(sparklinePath([0, 10], 100, 28)).toBe('M0.0 26.0L100.0 2.0');
  });
  it('breaks the line at missing values and needs two points', () => {
    expect(sparklinePath([1, null, 3], 100, 28)).toBe('M0.0 26.0M100.0 2.0');
    expect(sparklinePath([5], 100, 28)).toBe('');
  });
});
