/**
 * A writer process for the concurrency and crash tests (run with `node --import tsx`):
 *   append <dir> <batch>... [--txn appId:version]   append 10 rows per batch, one commit each
 *   loop <dir> <firstBatch>                          append batches forever (to be SIGKILLed)
 *   crash-before-link <dir> <batch>                  write data files and a temp commit, then hang
 * Prints one JSON line per commit on stdout.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { logDir } from './log-paths';
import { append } from './operations';
import { writeDataFiles } from './write';

const batchQuery = (batch: number) => `SELECT ${batch}::BIGINT AS batch, range::BIGINT AS i FROM range(10)`;

async function main(): Promise<void> {
  const [mode, dir, ...rest] = process.argv.slice(2);
  const conn = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  if (mode === 'append') {
    const txnIndex = rest.indexOf('--txn');
    const txnSpec = txnIndex >= 0 ? rest.splice(txnIndex, 2)[1] : undefined;
    const txn = txnSpec ? { appId: txnSpec.split(':')[0], version: Number(txnSpec.split(':')[1]) } : undefined;
    for (const batch of rest.map(Number)) {
      const result = await append(conn, dir, batchQuery(batch), { txn });
      process.stdout.write(`${JSON.stringify({ batch, ...result })}\n`);
    }
  } else if (mode === 'loop') {
    for (let batch = Number(rest[0]); ; batch++) {
      const result = await append(conn, dir, batchQuery(batch));
      process.stdout.write(`${JSON.stringify({ batch, ...result })}\n`);
    }
  } else if (mode === 'crash-before-link') {
    const written = await writeDataFiles(conn, { tableDir: dir, query: batchQuery(Number(rest[0])), partitionColumns: [] });
    const temp = path.join(logDir(dir), `.${crypto.randomUUID()}.json.tmp`);
    fs.writeFileSync(temp, written.adds.map((add) => JSON.stringify({ add })).join('\n') + '\n');
    process.stdout.write(`${JSON.stringify({ ready: true, files: written.adds.map((a) => a.path) })}\n`);
    await new Promise(() => setInterval(() => {}, 1000));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

await main();
