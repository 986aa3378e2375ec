/**
 * `clicklake generate` orchestration: splits the days over worker threads (each day from a seed
 * derived from (seed, day), so the output does not depend on the worker count), reports progress, and
 * writes the fault manifest `_faults.json` once every file is in place.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HEADER, fileSink, type Sink } from './csv-writer';
import type { DayStats } from './day';
import { buildManifest, MANIFEST_NAME } from './manifest';
import { buildModel, buildWindow, type GeneratorOptions } from './model';
import { dayFileName, runDay, type FromWorker, type ToWorker, type WorkerConfig } from './worker';

export interface GenerateRequest {
  options: GeneratorOptions;
  outDir: string;
  gzip: boolean;
  singleFile: boolean;
  /** Worker threads; 0 generates in the calling thread. */
  workers: number;
  onProgress?: (lines: number, total: number) => void;
  onFile?: (file: FileSummary) => void;
}

export interface FileSummary {
  name: string;
  lines: number;
  bytes: number;
}

export interface GenerateSummary {
  files: FileSummary[];
  lines: number;
  bytes: number;
  durationMs: number;
  manifest: string;
}

export async function generate(request: GenerateRequest): Promise<GenerateSummary> {
  const started = performance.now();
  const { calendar } = buildWindow(request.options);
  const singleName = `${calendar[0].date}_${calendar[calendar.length - 1].date}.csv${request.gzip ? '.gz' : ''}`;
  const names = request.singleFile ? [singleName] : calendar.map((day) => dayFileName(day.date, request.gzip));
  const removeTemps = () => names.forEach((name) => rmSync(path.join(request.outDir, `.${name}.part`), { force: true }));
  const onSignal = () => {
    removeTemps();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const stats = await runAllDays(request, calendar.length, singleName);
    const files = request.singleFile
      ? [{ name: singleName, lines: sum(stats, 'lines'), bytes: sum(stats, 'bytes') + HEADER.length }]
      : stats.map((s, i) => ({ name: names[i], lines: s.lines, bytes: s.bytes }));
    const manifest = buildManifest(request, files, stats);
    const manifestPath = path.join(request.outDir, MANIFEST_NAME);
    writeFileSync(`${manifestPath}.part`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${manifestPath}.part`, manifestPath);
    return { files, lines: sum(stats, 'lines'), bytes: files.reduce((a, f) => a + f.bytes, 0), durationMs: performance.now() - started, manifest: manifestPath };
  } catch (error) {
    removeTemps();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function sum(stats: DayStats[], key: 'lines' | 'bytes'): number {
  return stats.reduce((a, s) => a + s[key], 0);
}

/** Runs every day on the workers (or in this thread) and returns their stats in day order. */
async function runAllDays(request: GenerateRequest, dayCount: number, singleName: string): Promise<DayStats[]> {
  const config: WorkerConfig = { options: request.options, outDir: request.outDir, gzip: request.gzip, transfer: request.singleFile };
  const single = request.singleFile ? new OrderedFile(fileSink(request.outDir, singleName, request.gzip)) : undefined;
  const stats: DayStats[] = new Array(dayCount);
  const progress = new Map<number, number>();
  let finished = 0;
  const report = () => request.onProgress?.(finished + [...progress.values()].reduce((a, b) => a + b, 0), request.options.events);
  const handle = async (message: FromWorker) => {
    if (message.type === 'progress') progress.set(message.index, message.lines);
    else if (message.type === 'chunk') await single?.add(message.index, message.chunk);
    else if (message.type === 'done') {
      stats[message.index] = message.stats;
      progress.delete(message.index);
      finished += message.stats.lines;
      await single?.finishDay(message.index);
      if (!single) request.onFile?.({ name: dayFileName(message.stats.date, request.gzip), lines: message.stats.lines, bytes: message.stats.bytes });
    }
    report();
  };
  try {
    if (request.workers === 0) {
      const model = buildModel(request.options);
      for (let index = 0; index < dayCount; index++) {
        const queue: Promise<void>[] = [];
        await runDay(model, config, index, (message) => queue.push(handle(message)));
        await Promise.all(queue);
      }
    } else {
      await runOnWorkers(config, dayCount, Math.min(request.workers, dayCount), handle);
    }
    await single?.close();
  } catch (error) {
    single?.abort();
    throw error;
  }
  return stats;
}

function runOnWorkers(config: WorkerConfig, dayCount: number, workerCount: number, handle: (message: FromWorker) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    const workers: Worker[] = [];
    let chain = Promise.resolve();
    const fail = (error: unknown) => {
      for (const w of workers) void w.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const assign = (worker: Worker) => {
      if (next < dayCount) worker.postMessage({ type: 'day', index: next++ } satisfies ToWorker);
      else worker.postMessage({ type: 'exit' } satisfies ToWorker);
    };
    for (let w = 0; w < workerCount; w++) {
      const worker = startWorker(config);
      workers.push(worker);
      worker.on('error', fail);
      worker.on('message', (message: FromWorker) => {
        // Messages are handled one after another so single-file chunks are written in order.
        chain = chain.then(async () => {
          if (message.type === 'error') return fail(new Error(message.message));
          await handle(message);
          if (message.type === 'ready') assign(worker);
          if (message.type === 'done') {
            if (++done === dayCount) {
              for (const w of workers) void w.terminate();
              resolve();
            } else assign(worker);
          }
        }, fail);
      });
    }
  });
}

/**
 * Workers run TypeScript: Node 20 does not carry tsx's module hooks (`--import tsx`) into worker
 * threads, so the worker first registers tsx itself, then imports worker.ts.
 */
function startWorker(config: WorkerConfig): Worker {
  const workerUrl = new URL('./worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: config });
}

/** Single-file mode: chunks arrive per day from several workers and are written strictly in day order. */
class OrderedFile {
  private current = 0;
  private readonly pending = new Map<number, Uint8Array[]>();
  private readonly complete = new Set<number>();

  constructor(private readonly sink: Sink) {
    void sink.write(Buffer.from(HEADER, 'latin1'));
  }

  async add(day: number, chunk: Uint8Array): Promise<void> {
    if (day === this.current) await this.sink.write(chunk);
    else this.pending.set(day, [...(this.pending.get(day) ?? []), chunk]);
  }

  async finishDay(day: number): Promise<void> {
    this.complete.add(day);
    while (this.complete.has(this.current)) {
      this.current++;
      for (const chunk of this.pending.get(this.current) ?? []) await this.sink.write(chunk);
      this.pending.delete(this.current);
    }
  }

  close(): Promise<void> {
    return this.sink.close();
  }

  abort(): void {
    this.sink.abort();
  }
}
