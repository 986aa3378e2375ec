import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GoldService } from './service';
import { openService, testLakeDir } from './test-support';
import { FILTERED_PAGE_CALLS } from './trpc/page-calls';
import { callerFor } from './trpc/server';

let service: GoldService | undefined;
afterEach(() => {
  service?.close();
  service = undefined;
  vi.restoreAllMocks();
});

/** The JSON log lines the service printed while `work` ran. */
async function logged(work: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  await work();
  vi.restoreAllMocks();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('engine warm-up before a gold state is published', () => {
  it('runs every page procedure over the new state without a failure, before the swap, and leaves no trace in the cache or the latency metrics', async () => {
    const lakeDir = await testLakeDir();
    const lines = await logged(async () => {
      service = await openService(lakeDir, { log: 'json', warm: true });
    });
    const warmed = lines.findIndex((l) => l.msg === 'gold state warmed');
    const swapped = lines.findIndex((l) => l.msg === 'gold state swapped');
    expect(warmed).toBeGreaterThanOrEqual(0);
    expect(lines[warmed]).toMatchObject({ failed: 0, skipped: 0 });
    expect(warmed).toBeLessThan(swapped);
    // Warm-up calls are neither requests (no request log lines, no metrics) nor cached answers.
    expect(lines.filter((l) => 'procedure' in l)).toEqual([]);
    expect(service!.metrics.snapshot()).toEqual([]);
    expect(service!.cache.size).toBe(0);
  });

  it('answers exactly as a service without warm-up', async () => {
    const lakeDir = await testLakeDir();
    service = await openService(lakeDir, { warm: true });
    const cold = await openService(lakeDir, { warm: false });
    try {
      for (const [name, call] of Object.entries(FILTERED_PAGE_CALLS)) {
        expect(await call(callerFor(service), {}), name).toEqual(await call(callerFor(cold), {}));
      }
    } finally {
      cold.close();
    }
  });
});
