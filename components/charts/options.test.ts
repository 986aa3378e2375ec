import { describe, expect, it } from 'vitest';
import { barOption, donutOption, funnelOption, heatmapOption, treemapOption } from './breakdown';
import { DARK, LIGHT } from './theme';
import { timeSeriesOption } from './time-series';

type Loose = Record<string, unknown> & { [k: string]: unknown };
const asObj = (v: unknown) => v as Loose;
const seriesOf = (o: unknown) => asObj(o).series as Loose[];

describe('timeSeriesOption', () => {
  const input = {
    dates: ['2019-10-01', '2019-10-02', '2019-10-03'],
    values: { revenue: [10, 20, 5], orders: [1, 2, 1] },
    series: [
      { key: 'revenue', name: 'Revenue', unit: 'usd' as const, kind: 'bar' as const },
      { key: 'orders', name: 'Orders', unit: 'count' as const },
    ],
    annotations: [
      { dates: ['2019-10-01', '2019-10-02', '2019-10-09'], label: 'run 2: +1,000 rows' },
      { dates: ['2019-09-01'], label: 'outside the range' },
    ],
    incompleteDays: ['2019-10-03'],
  };

  it('puts one series per spec on the axis of its unit', () => {
    const option = timeSeriesOption(input, LIGHT);
    const series = seriesOf(option);
    expect(series.map((s) => [s.type, s.name, s.yAxisIndex])).toEqual([
      ['bar', 'Revenue', 0],
      ['line', 'Orders', 1],
    ]);
    expect(series[0].data).toEqual([10, 20, 5]);
    expect((asObj(option).yAxis as Loose[]).map((a) => a.name)).toEqual(['USD', 'count']);
  });

  it('marks pipeline runs inside the range only and shades the incomplete last day', () => {
    const first = seriesOf(timeSeriesOption(input, LIGHT))[0];
    expect(asObj(first.markLine).data).toEqual([{ xAxis: '2019-10-02', runLabel: 'run 2: +1,000 rows' }]);
    expect(asObj(first.markArea).data).toEqual([[{ xAxis: '2019-10-03' }, { xAxis: '2019-10-03' }]]);
  });

  it('omits marks when there are no runs and every day is complete', () => {
    const first = seriesOf(timeSeriesOption({ ...input, annotations: [], incompleteDays: [] }, DARK))[0];
    expect(first.markLine).toBeUndefined();
    expect(first.markArea).toBeUndefined();
  });

  it('writes readable tooltips with units, runs and the incomplete flag', () => {
    const option = asObj(timeSeriesOption(input, LIGHT));
    const formatter = asObj(option.tooltip).formatter as (p: unknown) => string;
    const html = formatter([
      { axisValue: '2019-10-03', seriesIndex: 0, marker: '', seriesName: 'Revenue', value: 1234.5 },
      { axisValue: '2019-10-03', seriesIndex: 1, marker: '', seriesName: 'Orders', value: 12 },
    ]);
    expect(html).toContain('$1,234.50');
    expect(html).toContain('Orders: <b>12</b>');
    expect(html).toContain('incomplete');
  });
});

describe('barOption', () => {
  it('reverses horizontal bars so the largest is on top and highlights selected names', () => {
    const option = asObj(barOption({ rows: [{ name: 'a', value: 3 }, { name: 'b', value: 2 }], unit: 'usd', seriesName: 'Revenue', horizontal: true, selected: ['a'] }, LIGHT));
    expect(asObj(option.yAxis).data).toEqual(['b', 'a']);
    const data = seriesOf(option)[0].data as Loose[];
    expect(data[1]).toEqual({ value: 3, itemStyle: { color: LIGHT.palette[1] } });
    expect(data[0].itemStyle).toBeUndefined();
  });

  it('adds a previous-period series when comparing', () => {
    const option = barOption({ rows: [{ name: 'a', value: 3 }], unit: 'count', seriesName: 'Now', compare: { seriesName: 'Before', values: [1] } }, DARK);
    expect(seriesOf(option).map((s) => s.name)).toEqual(['Now', 'Before']);
  });
});

describe('funnelOption', () => {
  it('labels each step with its conversion from the previous step', () => {
    const option = asObj(funnelOption([{ name: 'View', sessions: 1000 }, { name: 'Cart', sessions: 250 }, { name: 'Purchase', sessions: 50 }], LIGHT));
    const label = asObj(seriesOf(option)[0].label);
    const format = label.formatter as (p: unknown) => string;
    expect(format({ dataIndex: 0 })).toBe('1,000');
    expect(format({ dataIndex: 1 })).toBe('250  (25.00% of previous)');
    expect(format({ dataIndex: 2 })).toBe('50  (20.00% of previous)');
  });
});

describe('heatmapOption, treemapOption, donutOption', () => {
  it('scales the heatmap to the largest cell', () => {
    const option = asObj(heatmapOption({ rows: ['Mon'], columns: ['00', '01'], cells: [[0, 0, 2], [1, 0, 7]], unit: 'count', valueName: 'Events' }, LIGHT));
    const data = seriesOf(option)[0].data as { itemStyle: { color: string } }[];
    expect(data[1].itemStyle.color).toBe(LIGHT.heat[1]);
    expect(data[0].itemStyle.color).not.toBe(LIGHT.heat[1]);
  });

  it('passes the category tree through and shows two levels at once', () => {
    const tree = [{ name: 'electronics', value: 10, children: [{ name: 'smartphone', value: 10 }] }];
    const series = seriesOf(treemapOption(tree, 'usd', DARK))[0];
    expect(series.data).toBe(tree);
    expect(series.leafDepth).toBe(2);
  });

  it('shows shares in the donut tooltip', () => {
    const option = asObj(donutOption([{ name: 'New', value: 1 }, { name: 'Returning', value: 3 }], 'count', 'Users', LIGHT));
    const formatter = asObj(option.tooltip).formatter as (p: unknown) => string;
    expect(formatter({ name: 'Returning', value: 3 })).toContain('75.00%');
  });
});

describe('stackedBarOption', () => {
  it('stacks every series on one stack and totals the tooltip', async () => {
    const { stackedBarOption } = await import('./breakdown');
    const option = asObj(stackedBarOption({ categories: ['run 1'], series: [{ name: 'bronze', values: [1000] }, { name: 'silver', values: [500] }], unit: 'count' }, LIGHT));
    expect(seriesOf(option).map((s) => s.stack)).toEqual(['total', 'total']);
    const formatter = asObj(option.tooltip).formatter as (p: unknown) => string;
    expect(formatter([{ name: 'run 1', marker: '', seriesName: 'bronze', value: 1000 }, { name: 'run 1', marker: '', seriesName: 'silver', value: 500 }])).toContain('Total: <b>1,500</b>');
  });
});
