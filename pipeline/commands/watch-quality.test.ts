import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDB } from '../db';
import { reconcile } from '../quality/reconcile';
import { formatQualityReport, qualityReport } from '../quality/report';
import { runPipeline } from '../run';

const REPO = path.resolve(import.meta.dirname, '../..');
const EXCERPT = path.join(REPO, 'pipeline/fixtures/rees46-excerpt.csv');
const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';

function workspace() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-cmd-'));
  const landingDir = path.join(root, 'landing');
  mkdirSync(landingDir);
  return { landingDir, lakeDir: path.join(root, 'lake') };
}

async function waitFor(check: () => Promise<boolean>, onTimeout?: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting${onTimeout ? `: ${onTimeout()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('clicklake quality', () => {
  it('reports reconciliation, quarantine by rule with examples, rejects and null rates', async () => {
    const ws = workspace();
    copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
    await runPipeline(ws);
    const conn = await (await openDuckDB({ memoryLimit: '1GB' })).connect();
    const report = await qualityReport(conn, ws.lakeDir);
    conn.closeSync();
    expect(report.reconciliation).toMatchObject({ landingLines: 43, bronzeRows: 40, rejects: 3, silverRows: 31, quarantined: 7, duplicatesRemoved: 2, balanced: true });
    expect(report.quarantine.map((q) => [q.reason, q.rows])).toContainEqual(['invalid_price', 1]);
    expect(report.quarantine.find((q) => q.reason === 'invalid_price')?.examples[0]).toMatchObject({ file: '2019-10-01.csv', line: 35, values: { price: '-5.00' } });
    expect(report.rejects.map((r) => r.detail).sort()).toEqual(['empty line', 'expected 9 fields, found 8', 'unbalanced or misplaced quotes']);
    const brand = report.nullRates.find((c) => c.column === 'brand')!;
    expect(brand.raw).toBeCloseTo(4 / 40, 10);
    expect(brand.silver).toBeCloseTo(4 / 31, 10);
    expect(formatQualityReport(report)).toContain('balanced');
  });
});

describe('clicklake watch', () => {
  it('runs a micro-batch per new file, survives a bad file, and stops cleanly on SIGINT', async () => {
    const ws = workspace();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'pipeline/cli.ts'), 'watch', '--interval', '0.3', '--landing', ws.landingDir, '--lake', ws.lakeDir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      writeFileSync(path.join(ws.landingDir, '2019-10-01.csv'), `${HEADER}\n2019-10-01 10:00:00 UTC,view,1,2,,acme,1.00,3,s1\n`);
      let last = '';
      await waitFor(async () => { const r = await reconcile(ws.lakeDir); last = JSON.stringify(r); return r.silverRows === 1; }, () => `${last} ${stderr}`);
      writeFileSync(path.join(ws.landingDir, '2019-10-02.csv'), 'not,a,header\n');
      writeFileSync(path.join(ws.landingDir, '2019-10-03.csv'), `${HEADER}\n2019-10-03 10:00:00 UTC,purchase,1,2,,acme,1.00,3,s2\n`);
      await waitFor(async () => (await reconcile(ws.lakeDir)).silverRows === 2, () => stderr);
      expect(stderr).toContain('2019-10-02.csv: wrong header');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('watch: stopped');
    expect(readFileSync(path.join(ws.landingDir, '2019-10-03.csv'), 'utf8')).toContain('purchase');
  });
});
