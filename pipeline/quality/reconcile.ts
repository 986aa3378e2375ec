/**
 * Reconciliation (DESIGN section 2, contract): after every run
 *   landing lines = bronze.events rows + bronze.rejects rows
 *   bronze.events rows = silver.events rows + silver.quarantine rows + duplicates_removed
 * Row counts come from the Delta logs' file statistics (no data file is read); duplicates_removed is
 * summed from silver.events commits since its last overwrite, where the silver stage records it.
 */
import { DeltaTable } from '../delta/table';
import { TABLES, tableDir } from '../layers/tables';

export interface Reconciliation {
  bronzeRows: number;
  rejects: number;
  silverRows: number;
  quarantined: number;
  duplicatesRemoved: number;
  /** bronze.events + bronze.rejects: every landing data line accounted for. */
  landingLines: number;
  balanced: boolean;
  /** bronze − (silver + quarantine + duplicates); 0 when balanced. */
  difference: number;
}

async function countRows(dir: string): Promise<number> {
  if (!DeltaTable.exists(dir)) return 0;
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  return snapshot.numRecords ?? 0;
}

export async function duplicatesRemoved(silverEventsDir: string): Promise<number> {
  if (!DeltaTable.exists(silverEventsDir)) return 0;
  let total = 0;
  for (const entry of (await DeltaTable.open(silverEventsDir)).history()) {
    const value = Number(entry.operationParameters?.duplicatesRemoved ?? 0);
    if (Number.isFinite(value)) total += value;
    if (entry.operationParameters?.mode === 'Overwrite') break;
  }
  return total;
}

export async function reconcile(lakeDir: string): Promise<Reconciliation> {
  const [bronzeRows, rejects, silverRows, quarantined] = await Promise.all([
    countRows(tableDir(lakeDir, TABLES.bronzeEvents)),
    countRows(tableDir(lakeDir, TABLES.bronzeRejects)),
    countRows(tableDir(lakeDir, TABLES.silverEvents)),
    countRows(tableDir(lakeDir, TABLES.silverQuarantine)),
  ]);
  const duplicates = await duplicatesRemoved(tableDir(lakeDir, TABLES.silverEvents));
  const difference = bronzeRows - (silverRows + quarantined + duplicates);
  return { bronzeRows, rejects, silverRows, quarantined, duplicatesRemoved: duplicates, landingLines: bronzeRows + rejects, balanced: difference === 0, difference };
}
