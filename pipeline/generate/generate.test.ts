/** `clicklake generate` as users run it: determinism, output modes and bad input (exit 2, one line). */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { clicklake, hashes, tempDir } from './test-support';

const dirs: string[] = [];
function run(...args: string[]): string {
  const dir = tempDir('generate');
  dirs.push(dir);
  const result = clicklake('generate', '--out', dir, ...args);
  expect(result.code, result.stderr).toBe(0);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('clicklake generate', () => {
  it('gives byte-identical files for the same arguments and seed, whatever the worker count', () => {
    const args = ['--events', '30000', '--days', '4', '--seed', '9', '--dirty-rate', '0.01'];
    const first = hashes(run(...args));
    expect(Object.keys(first)).toEqual(['2019-10-01.csv', '2019-10-02.csv', '2019-10-03.csv', '2019-10-04.csv', '_faults.json']);
    expect(hashes(run(...args, '--workers', '0'))).toEqual(first);
    expect(hashes(run(...args, '--workers', '3'))).toEqual(first);
    expect(hashes(run('--events', '30000', '--days', '4', '--seed', '10', '--dirty-rate', '0.01'))['2019-10-01.csv']).not.toBe(first['2019-10-01.csv']);
  });

  it('writes one gzipped file with the same lines as the daily files', () => {
    const daily = run('--events', '20000', '--days', '3', '--start', '2020-02-28');
    const single = run('--events', '20000', '--days', '3', '--start', '2020-02-28', '--single-file', '--gzip');
    expect(readdirSync(single).sort()).toEqual(['2020-02-28_2020-03-01.csv.gz', '_faults.json']);
    const text = gunzipSync(readFileSync(path.join(single, '2020-02-28_2020-03-01.csv.gz'))).toString('latin1');
    const expected = ['2020-02-28.csv', '2020-02-29.csv', '2020-03-01.csv'].map((name, i) => {
      const content = readFileSync(path.join(daily, name), 'latin1');
      return i === 0 ? content : content.slice(content.indexOf('\n') + 1);
    });
    expect(text).toBe(expected.join(''));
  });

  it('supports remove_from_cart events when asked for them', () => {
    const dir = run('--events', '20000', '--days', '2', '--remove-rate', '0.5');
    const text = readFileSync(path.join(dir, '2019-10-01.csv'), 'latin1');
    const removals = text.split('\n').filter((line) => line.includes(',remove_from_cart,')).length;
    const carts = text.split('\n').filter((line) => line.includes(',cart,')).length;
    expect(removals).toBeGreaterThan(carts * 0.3);
    expect(removals).toBeLessThan(carts * 0.7);
  });

  it('leaves no file that looks complete when it cannot finish', () => {
    const dir = tempDir('occupied');
    dirs.push(dir);
    mkdirSync(path.join(dir, '2019-10-02.csv')); // a directory where a file must go: the rename fails
    const result = clicklake('generate', '--events', '5000', '--days', '3', '--out', dir);
    expect(result.code).toBe(1);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(readdirSync(dir)).not.toContain('_faults.json');
  });

  it.each([
    [['--events', '-5'], '--events'],
    [['--events', '12x'], '--events'],
    [['--frobnicate'], 'frobnicate'],
    [['--start', '2019-02-30'], '--start'],
    [['--days', '0'], '--days'],
    [['--days', '400'], '--days'],
    [['--dirty-rate', '2'], '--dirty-rate'],
    [['--seed', 'abc'], '--seed'],
  ])('rejects %j with exit 2 and one line naming the problem', (args, mention) => {
    const dir = tempDir('bad');
    dirs.push(dir);
    const result = clicklake('generate', '--out', dir, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(mention);
  });

  it('rejects an output folder it cannot write to with exit 2', () => {
    const dir = tempDir('file');
    dirs.push(dir);
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const result = clicklake('generate', '--events', '1000', '--out', path.join(file, 'landing'));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not a writable directory');
  });

  it('documents its options in --help', () => {
    const result = clicklake('generate', '--help');
    expect(result.code).toBe(0);
    for (const option of ['--events', '--start', '--days', '--seed', '--dirty-rate', '--out', '--single-file', '--gzip', '--remove-rate', '--workers']) {
      expect(result.stdout).toContain(option);
    }
  });
});
