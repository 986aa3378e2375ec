/** Helpers for the generator's tests: run the real CLI in a child process, hash outputs. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function clicklake(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'pipeline/cli.ts', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `clicklake-${label}-`));
}

/** sha256 of every file in a directory, by name. */
export function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex')]),
  );
}

export function csvFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^[^._].*\.csv$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}
