import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GoldService } from '../service';
import { openService, testLakeDir } from '../test-support';
import { callerFor } from './server';

let service: GoldService;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  service = await openService(await testLakeDir());
  caller = callerFor(service);
});

afterAll(() => service?.close());

/** The call fails with BAD_REQUEST and a ZodError naming `field`. */
async function expectBadRequest(call: Promise<unknown>, field: string): Promise<TRPCError> {
  const error = await call.then(
    () => {
      throw new Error(`expected BAD_REQUEST for ${field}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpc = error as TRPCError;
  expect(trpc.code).toBe('BAD_REQUEST');
  expect(trpc.cause).toBeInstanceOf(z.ZodError);
  const paths = (trpc.cause as z.ZodError).issues.map((i) => String(i.path[0]));
  expect(paths).toContain(field);
  return trpc;
}

const badInputs: Array<[string, string, Record<string, unknown>]> = [
  ['from', 'a wrong date format', { from: '10/08/2019' }],
  ['from', 'an impossible date', { from: '2019-02-30' }],
  ['to', 'a number', { to: 20191008 }],
  ['from', 'a date before the data', { from: '2018-01-01' }],
  ['to', 'a date after the data', { to: '2030-01-01' }],
  ['from', 'from after to', { from: '2019-10-14', to: '2019-10-08' }],
  ['categories', 'an unknown category', { categories: ['no-such-category'] }],
  ['categories', 'too many categories', { categories: Array.from({ length: 51 }, (_, i) => `c${i}`) }],
  ['categories', 'a string instead of a list', { categories: 'electronics' }],
  ['brands', 'an unknown brand', { brands: ['no-such-brand'] }],
  ['brands', 'too many brands', { brands: Array.from({ length: 51 }, (_, i) => `b${i}`) }],
  ['brands', 'an empty brand', { brands: [''] }],
  ['asOf', 'an unknown gold version', { asOf: 10_000 }],
  ['asOf', 'a negative version', { asOf: -1 }],
  ['asOf', 'a fractional version', { asOf: 1.5 }],
];

describe('filter validation', () => {
  for (const [field, what, input] of badInputs) {
    it(`rejects ${what} with BAD_REQUEST naming ${field}`, async () => {
      await expectBadRequest(caller.executive.kpis(input as never), field);
    });
  }

  it('validates procedure-specific fields too', async () => {
    await expectBadRequest(caller.products.top({ sort: 'price; DROP TABLE x' as never }), 'sort');
    await expectBadRequest(caller.products.top({ pageSize: 1000 }), 'pageSize');
    await expectBadRequest(caller.funnel.byDimension({ dimension: 'user_id' as never }), 'dimension');
    await expectBadRequest(caller.temporal.heatmap({ metric: 'price' as never }), 'metric');
    await expectBadRequest(caller.meta.brandSearch({ q: 'x'.repeat(101) }), 'q');
  });
});

describe('SQL-injection-shaped input', () => {
  const payloads = ["'; DROP VIEW gold_session_facts_v0; --", "electronics' OR '1'='1", '"); SELECT * FROM silver; --', 'x\u0000y', "2019-10-08' OR 1=1 --"];

  it('is a clean 400 in every string field and breaks nothing', async () => {
    const before = await caller.executive.kpis({});
    for (const p of payloads) {
      await expectBadRequest(caller.executive.kpis({ from: p }), 'from');
      await expectBadRequest(caller.executive.kpis({ to: p }), 'to');
      await expectBadRequest(caller.executive.kpis({ categories: [p] }), 'categories');
      await expectBadRequest(caller.executive.kpis({ brands: [p] }), 'brands');
      await expectBadRequest(caller.products.top({ sort: p as never }), 'sort');
      await expectBadRequest(caller.products.top({ order: p as never }), 'order');
      // Brand search takes free text: it is only ever compared in memory, never put into SQL.
      expect(await caller.meta.brandSearch({ q: p })).toEqual([]);
    }
    service.cache.clear();
    expect(await caller.executive.kpis({})).toEqual(before);
  });
});
