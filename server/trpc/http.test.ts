/**
 * HTTP-level tests: the Next.js route handler called with a Request exactly as a browser sends it
 * (GET with the input as URL-encoded JSON), checking status codes and the JSON envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLakeDir } from '../test-support';

type Handler = (req: Request) => Promise<Response>;
let GET: Handler;

beforeAll(async () => {
  process.env.CLICKLAKE_LAKE = await testLakeDir();
  process.env.CLICKLAKE_API_LOG = 'off';
  ({ GET } = (await import('../../app/api/trpc/[trpc]/route')) as unknown as { GET: Handler });
});

afterAll(async () => {
  const { getGoldService } = await import('../service');
  (await getGoldService()).close();
});

const get = (procedure: string, input?: unknown) =>
  GET(new Request(`http://localhost/api/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`));

describe('GET /api/trpc', () => {
  it('answers executive.kpis with { current, previous } and the section 3 names', async () => {
    const res = await get('executive.kpis', { from: '2019-10-08', to: '2019-10-14' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { result: { data: { current: Record<string, unknown>; previous: Record<string, unknown> | null } } };
    expect(Object.keys(body.result.data.current).sort()).toEqual(
      ['views', 'carts', 'removals', 'purchases', 'revenue', 'users', 'buyers', 'sessions', 'orders', 'conversionRate', 'aov', 'cartAbandonmentRate', 'revenuePerUser'].sort(),
    );
    expect(body.result.data.previous).not.toBeNull();
  });

  it('answers 400 naming the field, with zod field errors and no stack', async () => {
    const res = await get('executive.kpis', { from: '2019-10-14', to: '2019-10-08' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { code: string; httpStatus: number; stack?: string; zodError: { fieldErrors: Record<string, string[]> } } } };
    expect(body.error.message).toMatch(/^from: /);
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.zodError.fieldErrors.from?.length).toBeGreaterThan(0);
    expect(body.error.data.stack).toBeUndefined();

    const unknown = await get('executive.kpis', { brands: ["x' OR 1=1 --"] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^brands\.0: unknown brand/);

    const broken = await GET(new Request('http://localhost/api/trpc/executive.kpis?input=%7Bnot-json'));
    expect(broken.status).toBe(400);
  });

  it('answers 404 for an unknown procedure and serves meta.filters without input', async () => {
    expect((await get('executive.nope', {})).status).toBe(404);
    const res = await get('meta.filters');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { minDate: string; maxDate: string; categories: unknown[]; tables: Record<string, number> } } };
    expect(body.result.data.minDate).toBe('2019-10-01');
    expect(Object.keys(body.result.data.tables)).toContain('gold.session_facts');
  });

  it('batches several procedures in one request like the client does', async () => {
    const input = { 0: { from: '2019-10-08', to: '2019-10-14' }, 1: { from: '2019-10-08', to: '2019-10-14' } };
    const res = await GET(new Request(`http://localhost/api/trpc/funnel.steps,temporal.heatmap?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Array<{ result: { data: unknown } }>;
    expect(body).toHaveLength(2);
  });
});
