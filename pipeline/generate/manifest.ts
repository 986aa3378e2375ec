/**
 * `_faults.json`: what was written and what the pipeline must make of it, so bronze, silver and the
 * quarantine can be reconciled line for line against the generator (natural quirks included, so a
 * `--dirty-rate 0` run reconciles too).
 *
 * Every line ends up in exactly one place: bronze.rejects (`bronze_reject`), silver.quarantine with the
 * one recorded reason (`quarantine:<reason>`), removed as a duplicate of an earlier line (`duplicate`),
 * or silver.events (clean lines and `valid` faults).
 */
import type { DayStats } from './day';
import { ALL_KINDS } from './faults';
import type { FileSummary, GenerateRequest } from './generate';

export const MANIFEST_NAME = '_faults.json';

export interface Manifest {
  generator: 'clicklake generate';
  options: Record<string, string | number | boolean>;
  files: { file: string; lines: number; bytes: number; faults: Record<string, number> }[];
  kinds: { kind: string; count: number; expect: string; description: string }[];
  expected: {
    lines: number;
    bronzeEvents: number;
    bronzeRejects: number;
    quarantined: number;
    quarantineByReason: Record<string, number>;
    duplicatesRemoved: number;
    silverEvents: number;
    /** Lines that are faulty as written but valid after normalisation (kept in silver). */
    validFaults: number;
  };
}

export function buildManifest(request: GenerateRequest, files: FileSummary[], stats: DayStats[]): Manifest {
  const { options } = request;
  const totals = ALL_KINDS.map((_, k) => stats.reduce((sum, s) => sum + s.kinds[k], 0));
  const faultsOf = (counts: number[]) => Object.fromEntries(ALL_KINDS.map((kind, k) => [kind.kind, counts[k]]).filter(([, n]) => n !== 0));
  const perFile = request.singleFile ? [totals] : stats.map((s) => s.kinds);
  const lines = files.reduce((sum, f) => sum + f.lines, 0);
  const count = (match: (expect: string) => boolean) => ALL_KINDS.reduce((sum, kind, k) => sum + (match(kind.expect) ? totals[k] : 0), 0);
  const quarantineByReason: Record<string, number> = {};
  ALL_KINDS.forEach((kind, k) => {
    if (kind.expect.startsWith('quarantine:') && totals[k] > 0) {
      const reason = kind.expect.slice('quarantine:'.length);
      quarantineByReason[reason] = (quarantineByReason[reason] ?? 0) + totals[k];
    }
  });
  const bronzeRejects = count((e) => e === 'bronze_reject');
  const quarantined = count((e) => e.startsWith('quarantine:'));
  const duplicatesRemoved = count((e) => e === 'duplicate');
  return {
    generator: 'clicklake generate',
    options: {
      events: options.events,
      start: new Date(options.startMs).toISOString().slice(0, 10),
      days: options.days,
      seed: options.seed,
      dirtyRate: options.dirtyRate,
      removeRate: options.removeRate,
      singleFile: request.singleFile,
      gzip: request.gzip,
    },
    files: files.map((f, i) => ({ file: f.name, lines: f.lines, bytes: f.bytes, faults: faultsOf(perFile[i]) })),
    kinds: ALL_KINDS.map((kind, k) => ({ kind: kind.kind, count: totals[k], expect: kind.expect, description: kind.description })),
    expected: {
      lines,
      bronzeEvents: lines - bronzeRejects,
      bronzeRejects,
      quarantined,
      quarantineByReason,
      duplicatesRemoved,
      silverEvents: lines - bronzeRejects - quarantined - duplicatesRemoved,
      validFaults: count((e) => e === 'valid'),
    },
  };
}
