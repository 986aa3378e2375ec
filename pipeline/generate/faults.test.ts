/**
 * `--dirty-rate`: every line of a dirty run is classified here by an independent implementation of
 * DESIGN section 2 (9-field CSV check, the seven rules, normalisation, exact-duplicate removal across
 * files), and the outcome must match `_faults.json` exactly — per primary reason, with exactly one
 * failing rule per quarantined line.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from './manifest';
import { clicklake, csvFiles, tempDir } from './test-support';

const WS = /^[ \t\r\n\v\f]+|[ \t\r\n\v\f]+$/g;
const trim = (s: string) => s.replace(WS, '');
const FIELD = /("([^"]|"")*"|[^,"]*)/y;

/** RFC 4180 fields of one line, or undefined when it is not a row of exactly 9 fields. */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let pos = 0;
  for (;;) {
    FIELD.lastIndex = pos;
    const match = FIELD.exec(line);
    if (!match) return undefined;
    const text = match[0];
    out.push(text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text);
    pos += text.length;
    if (pos === line.length) break;
    if (line[pos] !== ',') return undefined;
    pos++;
  }
  return out.length === 9 ? out : undefined;
}

function utc(time: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}( UTC)?$/.test(time)) {
    const iso = `${time.slice(0, 10)}T${time.slice(11, 19)}Z`;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== iso.slice(0, 19) ? undefined : iso.slice(0, 19);
  }
  const iso = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)$/.exec(time);
  if (!iso) return undefined;
  const zone = iso[3] === 'Z' ? 'Z' : iso[3].length === 3 ? `${iso[3]}:00` : iso[3].length === 5 ? `${iso[3].slice(0, 3)}:${iso[3].slice(3)}` : iso[3];
  const ms = Date.parse(`${iso[1]}${zone}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 19);
}

/** Failing reason codes in the contract's order, and the normalised row when valid. */
function check(f: string[]): { reasons: string[]; key: string } {
  const [time, type, product, category, code, brand, price, user, session] = f.map(trim);
  const positive = (s: string) => /^[0-9]+$/.test(s) && BigInt(s) > 0n && BigInt(s) < 2n ** 63n;
  const t = utc(time);
  const reasons = [
    t ? '' : 'invalid_event_time',
    ['view', 'cart', 'remove_from_cart', 'purchase'].includes(type.toLowerCase()) ? '' : 'invalid_event_type',
    positive(product) ? '' : 'invalid_product_id',
    positive(user) ? '' : 'invalid_user_id',
    /^[0-9]+(\.[0-9]+)?$/.test(price) ? '' : 'invalid_price',
    session ? '' : 'missing_session',
    category === '' || positive(category) ? '' : 'invalid_category_id',
  ].filter(Boolean);
  if (reasons.length > 0) return { reasons, key: '' };
  const cents = (Math.round(Number(price) * 100) / 100).toFixed(2);
  return { reasons, key: [t, type.toLowerCase(), BigInt(product), category && BigInt(category), code.toLowerCase(), brand.toLowerCase(), cents, BigInt(user), session].join('\u0001') };
}

let dir: string;
let manifest: Manifest;

beforeAll(() => {
  dir = tempDir('faults');
  const run = clicklake('generate', '--events', '120000', '--days', '5', '--seed', '5', '--dirty-rate', '0.05', '--out', dir);
  expect(run.code, run.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(path.join(dir, '_faults.json'), 'utf8')) as Manifest;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('generate --dirty-rate', () => {
  it('injects every fault kind and records it in _faults.json', () => {
    for (const kind of manifest.kinds.filter((k) => !k.kind.startsWith('natural_'))) expect(kind.count, kind.kind).toBeGreaterThan(0);
    expect(manifest.expected.lines).toBe(120_000);
  });

  it('reconciles line for line: rejects, quarantine per reason (one rule each), duplicates, valid events', () => {
    const seen = new Set<string>();
    const byReason: Record<string, number> = {};
    let rejects = 0;
    let duplicates = 0;
    let valid = 0;
    let lines = 0;
    for (const file of csvFiles(dir)) {
      const text = readFileSync(file, 'latin1').split('\n').slice(1, -1);
      for (const line of text) {
        lines++;
        const row = fields(line);
        if (!row) {
          rejects++;
          continue;
        }
        const { reasons, key } = check(row);
        if (reasons.length > 0) {
          expect(reasons, line).toHaveLength(1);
          byReason[reasons[0]] = (byReason[reasons[0]] ?? 0) + 1;
        } else if (seen.has(key)) duplicates++;
        else {
          seen.add(key);
          valid++;
        }
      }
    }
    const expected = manifest.expected;
    expect(lines).toBe(expected.lines);
    expect(rejects).toBe(expected.bronzeRejects);
    expect(byReason).toEqual(expected.quarantineByReason);
    expect(duplicates).toBe(expected.duplicatesRemoved);
    expect(valid).toBe(expected.silverEvents);
  });

  it('counts lines per file so that each file reconciles on its own', () => {
    for (const file of manifest.files) {
      const text = readFileSync(path.join(dir, file.file), 'latin1');
      expect(text.split('\n').length - 2, file.file).toBe(file.lines);
      expect(Buffer.byteLength(text, 'latin1')).toBe(file.bytes);
    }
    expect(manifest.files.slice(1).every((f) => (f.faults.duplicate_cross_file ?? 0) > 0)).toBe(true);
  });
});
