import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run';
import { generateLanding } from '../../pipeline/testing/test-lake';
import type { GoldService } from '../service';
import { openService, Silver, TEST_LAKE } from '../test-support';
import { buildTestLake } from '../../pipeline/testing/test-lake';
import { callerFor } from '../trpc/server';

let work: string;
let service: GoldService;

beforeAll(async () => {
  const lake = await buildTestLake(TEST_LAKE);
  work = mkdtempSync(path.join(os.tmpdir(), 'clicklake-catalog-'));
  // A private copy: this test commits new versions. `preserveTimestamps` keeps log mtimes meaningful.
  cpSync(lake.landingDir, path.join(work, 'landing'), { recursive: true, preserveTimestamps: true });
  cpSync(lake.lakeDir, path.join(work, 'lake'), { recursive: true, preserveTimestamps: true });
  service = await openService(path.join(work, 'lake'), { poll: true, pollMs: 200 });
});

afterAll(() => {
  service?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('gold versions while the server runs', () => {
  it('sees a new gold version without a restart, and asOf still answers the old one', async () => {
    const caller = callerFor(service);
    const oldState = await service.catalog.current();
    const before = await caller.executive.kpis({});
    const oldFilters = await caller.meta.filters();

    // Commit new data: another landing file (a different seed: new events) through the real pipeline.
    const extra = path.join(work, 'extra');
    generateLanding(extra, { events: 5_000, seed: 99, dirtyRate: 0, days: 31 });
    for (const name of readdirSync(extra)) cpSync(path.join(extra, name), path.join(work, 'landing', `extra-${name}`));
    await runPipeline({ landingDir: path.join(work, 'landing'), lakeDir: path.join(work, 'lake') });

    // Polling (every 200 ms here, 2 s by default) swaps the views once the new state's tables are
    // loaded; no call to refresh().
    const deadline = Date.now() + 60_000;
    while ((await service.catalog.current()).goldVersion === oldState.goldVersion && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const newState = await service.catalog.current();
    expect(newState.goldVersion).toBeGreaterThan(oldState.goldVersion);

    const after = await caller.executive.kpis({});
    const silver = await Silver.open(path.join(work, 'lake'));
    expect(after.current).toEqual(await silver.kpis({ from: after.range.from, to: after.range.to }));
    expect(after.current.views).toBeGreaterThan(before.current.views);

    const past = await caller.executive.kpis({ asOf: oldState.goldVersion });
    expect(past).toEqual(before);
    const pastFilters = await caller.meta.filters({ asOf: oldState.goldVersion });
    expect(pastFilters.tables).toEqual(oldFilters.tables);
    expect((await caller.meta.filters()).goldVersions.map((v) => v.version)).toContain(newState.goldVersion);
  });
});
