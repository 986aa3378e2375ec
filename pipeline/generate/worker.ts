/**
 * A generator worker thread: builds the model from the options (the same model every worker builds),
 * then writes the days the main thread hands it, one at a time. A day's output depends only on the
 * options and the day, never on which worker writes it or in what order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkWriter, HEADER, fileSink, type Sink } from './csv-writer';
import { writeDay, type DayStats } from './day';
import { buildModel, type GeneratorOptions, type Model } from './model';

export interface WorkerConfig {
  options: GeneratorOptions;
  outDir: string;
  gzip: boolean;
  /** Single-file mode: chunks go to the main thread (transferred), which writes them in day order. */
  transfer: boolean;
}

export type ToWorker = { type: 'day'; index: number } | { type: 'exit' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; index: number; lines: number }
  | { type: 'chunk'; index: number; chunk: Uint8Array }
  | { type: 'done'; index: number; stats: DayStats }
  | { type: 'error'; message: string };

export function dayFileName(date: string, gzip: boolean): string {
  return `${date}.csv${gzip ? '.gz' : ''}`;
}

/** Writes one day to its own file, or (transfer mode) to `send`. Shared by workers and in-process runs. */
export async function runDay(model: Model, config: WorkerConfig, index: number, send: (message: FromWorker, transfer?: ArrayBuffer[]) => void) {
  const day = model.calendar[index];
  const sink: Sink = config.transfer
    ? {
        keepsChunks: true,
        write: (chunk) => send({ type: 'chunk', index, chunk }, [chunk.buffer as ArrayBuffer]),
        close: async () => {},
        abort: () => {},
      }
    : fileSink(config.outDir, dayFileName(day.date, config.gzip), config.gzip);
  try {
    const writer = new ChunkWriter(sink);
    const stats = await writeDay(model, day, writer, config.transfer ? undefined : HEADER, (lines) => send({ type: 'progress', index, lines }));
    await writer.flush();
    await sink.close();
    send({ type: 'done', index, stats });
  } catch (error) {
    sink.abort();
    throw error;
  }
}

if (parentPort) {
  const port = parentPort;
  const config = workerData as WorkerConfig;
  const send = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
  const model = buildModel(config.options);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'exit') {
      port.close();
      return;
    }
    runDay(model, config, message.index, send).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
  });
  send({ type: 'ready' });
}
