/**
 * Folding the change of the touched entities into a stored period table (the `merge` of each period
 * model, model.ts): stored − old + new, where old and new are the model evaluated over the touched
 * users' and sessions' rows before and after the change. Every merge is staged in a temp table and
 * checked first: a negative count (a row taken away that the table never held) means the table does
 * not hold what its recorded base says, and the caller rebuilds it whole instead. An additive table
 * (whose readers sum its rows per key) is not rewritten: the change alone is appended to it.
 */
import { PipelineError } from '../../errors';
import { deltaTypeToDuckDB, quoteIdentifier, type StructField } from '../../delta/schema';
import type { GoldModel, MergeInputs, PeriodMerge } from './model';

/** One way to write a merge: stage rows in a temp table, check them, then write the result. */
export interface MergeStep {
  /** SQL of the temp table's rows (STAGED; for custom merges, whatever `result` reads). */
  staged: string;
  /** One row, column n: how many staged rows show that stored was not the recorded base. */
  inconsistent: string;
  /** The table's new rows (`write: 'overwrite'`), or the rows to add to it (`'append'`), read from the staged temp table. */
  result: string;
  write: 'overwrite' | 'append';
}

export interface MergePlan extends MergeStep {
  /**
   * Additive tables: instead of appending the staged change, rewrite the table with one row per key
   * (stored + change, staged in the temp table COMPACTED). The caller decides when that is due.
   */
  compaction?: MergeStep;
}

export const STAGED = 'inc_merged';
export const COMPACTED = 'inc_compacted';

export function mergePlan(model: GoldModel, inputs: MergeInputs, columns: readonly StructField[]): MergePlan {
  const merge = model.merge;
  if (!merge) throw new PipelineError('stage_failed', `gold.${model.name} is a period model without a merge`);
  switch (merge.kind) {
    case 'sums':
      return sumsPlan(merge, inputs, columns);
    case 'additive':
      return additivePlan(merge, inputs, columns);
    case 'rows':
      return rowsPlan(merge.orderBy, inputs, columns);
    case 'custom':
      return { staged: merge.staged(inputs), inconsistent: merge.inconsistent(inputs, STAGED), result: merge.result(STAGED), write: 'overwrite' };
  }
}

/** The touched rows' change: old rows with sign −1, new rows with +1, aligned by name. */
function signedChange({ old, new: now }: Pick<MergeInputs, 'old' | 'new'>, columns: string): string {
  return `SELECT ${columns}, -1 AS __sign FROM ${old}
    UNION ALL BY NAME SELECT ${columns}, 1 AS __sign FROM ${now}`;
}

/** The three inputs with a sign column, aligned by name. */
function signed(inputs: MergeInputs, columns: string): string {
  return `SELECT ${columns}, 1 AS __sign FROM ${inputs.stored}
    UNION ALL BY NAME ${signedChange(inputs, columns)}`;
}

type SumsMerge = Extract<PeriodMerge, { kind: 'sums' | 'additive' }>;
type SumColumn = { id: string; type: string };

/** A sums merge's key and sum columns (every column not summed or derived is a key). */
function sumsColumns(merge: SumsMerge, columns: readonly StructField[]): { keys: string[]; sums: SumColumn[]; selected: string } {
  const derived = new Set(merge.kind === 'sums' ? (merge.derived?.columns ?? []) : []);
  const keys = columns.filter((c) => !merge.sums.includes(c.name) && !derived.has(c.name)).map((c) => quoteIdentifier(c.name));
  const sums = merge.sums.map((name) => {
    const field = columns.find((c) => c.name === name);
    if (!field) throw new PipelineError('stage_failed', `merge sum column '${name}' is not a column of the stored table`);
    return { id: quoteIdentifier(name), type: deltaTypeToDuckDB(field.type) };
  });
  return { keys, sums, selected: [...keys, ...sums.map((s) => s.id)].join(', ') };
}

const anySum = (sums: SumColumn[], test: (id: string) => string) => sums.map((s) => test(s.id)).join(' OR ');

/** An additive table's `rows` summed per key: one row per key (`nonZero`: without keys whose sums are all zero). */
export function additiveTotalsSql(merge: Extract<PeriodMerge, { kind: 'additive' }>, columns: readonly StructField[], rows: string, options: { nonZero: boolean }): string {
  const { keys, sums } = sumsColumns(merge, columns);
  const having = options.nonZero ? ` HAVING ${anySum(sums, (id) => `coalesce(sum(${id}), 0) <> 0`)}` : '';
  return `SELECT ${keys.join(', ')}, ${sums.map((s) => `sum(${s.id}) AS ${s.id}`).join(', ')} FROM (${rows}) GROUP BY ${keys.join(', ')}${having}`;
}

/** new − old per key over the touched rows alone (few keys), without keys whose change is zero. */
function changeSql(merge: SumsMerge, inputs: MergeInputs, columns: readonly StructField[]): string {
  const { keys, sums, selected } = sumsColumns(merge, columns);
  return `
    SELECT ${keys.join(', ')}, ${sums.map((s) => `sum(__sign * ${s.id}) AS ${s.id}`).join(', ')}
    FROM (${signedChange(inputs, selected)})
    GROUP BY ${keys.join(', ')}
    HAVING ${anySum(sums, (id) => `coalesce(sum(__sign * ${id}), 0) <> 0`)}`;
}

/**
 * `stored` + `change` per key, without keys whose sums all became zero. Joining the change to the
 * stored rows (unique keys) costs a fraction of re-grouping them all (user_carryover: 1.9 M rows).
 */
function foldSql(keys: string[], sums: SumColumn[], stored: string, change: string): string {
  // A sum that is NULL on both sides stays NULL (a measure without that column).
  const merged = (s: SumColumn) => `CAST(coalesce(t.${s.id} + c.${s.id}, t.${s.id}, c.${s.id}) AS ${s.type})`;
  return `
    SELECT * FROM (
      SELECT ${keys.map((k) => `coalesce(t.${k}, c.${k}) AS ${k}`).join(', ')}, ${sums.map((s) => `${merged(s)} AS ${s.id}`).join(', ')}
      FROM (${stored}) t
      FULL OUTER JOIN (${change}) c ON ${keys.map((k) => `t.${k} IS NOT DISTINCT FROM c.${k}`).join(' AND ')}
    ) WHERE ${anySum(sums, (id) => `coalesce(${id}, 0) <> 0`)}`;
}

/** stored + (new − old) per key, written whole (derived columns recomputed from the merged rows). */
function sumsPlan(merge: Extract<PeriodMerge, { kind: 'sums' }>, inputs: MergeInputs, columns: readonly StructField[]): MergePlan {
  const { keys, sums, selected } = sumsColumns(merge, columns);
  const kept = merge.derived ? `(${merge.derived.sql(STAGED)})` : STAGED;
  return {
    staged: foldSql(keys, sums, `SELECT ${selected} FROM ${inputs.stored}`, changeSql(merge, inputs, columns)),
    inconsistent: `SELECT count(*) AS n FROM ${STAGED} WHERE ${anySum(sums, (id) => `${id} < 0`)}`,
    result: `SELECT ${columns.map((c) => quoteIdentifier(c.name)).join(', ')} FROM ${kept} ORDER BY ${merge.orderBy}`,
    write: 'overwrite',
  };
}

/**
 * An additive table receives the change itself: a few thousand rows appended instead of the whole
 * table rewritten. Only a key whose change is negative can end below zero, so the check sums the
 * stored rows of those keys alone (found by hash, which treats NULL keys alike; grouping by the keys
 * themselves keeps it exact). A compaction folds the staged change into the stored rows grouped per key.
 */
function additivePlan(merge: Extract<PeriodMerge, { kind: 'additive' }>, inputs: MergeInputs, columns: readonly StructField[]): MergePlan {
  const { keys, sums, selected } = sumsColumns(merge, columns);
  const negative = `SELECT ${selected} FROM ${STAGED} WHERE ${anySum(sums, (id) => `${id} < 0`)}`;
  const keyHash = `hash(${keys.join(', ')})`;
  const grouped = (rows: string) => additiveTotalsSql(merge, columns, rows, { nonZero: false });
  const ordered = (table: string) => `SELECT ${columns.map((c) => quoteIdentifier(c.name)).join(', ')} FROM ${table} ORDER BY ${merge.orderBy}`;
  return {
    staged: `SELECT ${keys.join(', ')}, ${sums.map((s) => `CAST(${s.id} AS ${s.type}) AS ${s.id}`).join(', ')} FROM (${changeSql(merge, inputs, columns)})`,
    inconsistent: `
      WITH negative AS (${negative}),
      totals AS (${grouped(`SELECT ${selected} FROM ${inputs.stored} WHERE ${keyHash} IN (SELECT ${keyHash} FROM negative) UNION ALL SELECT ${selected} FROM negative`)})
      SELECT count(*) AS n FROM totals WHERE ${anySum(sums, (id) => `${id} < 0`)}`,
    result: ordered(STAGED),
    write: 'append',
    compaction: {
      staged: foldSql(keys, sums, grouped(`SELECT ${selected} FROM ${inputs.stored}`), `SELECT ${selected} FROM ${STAGED}`),
      inconsistent: `SELECT count(*) AS n FROM ${COMPACTED} WHERE ${anySum(sums, (id) => `${id} < 0`)}`,
      result: ordered(COMPACTED),
      write: 'overwrite',
    },
  };
}

function rowsPlan(orderBy: string, inputs: MergeInputs, columns: readonly StructField[]): MergePlan {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  return {
    staged: `SELECT ${names}, CAST(sum(__sign) AS BIGINT) AS __copies FROM (${signed(inputs, names)}) GROUP BY ALL HAVING sum(__sign) <> 0`,
    inconsistent: `SELECT count(*) AS n FROM ${STAGED} WHERE __copies < 0`,
    // A row held k times stays k times (unnest repeats it).
    result: `SELECT ${names} FROM (SELECT *, unnest(range(__copies)) FROM ${STAGED}) ORDER BY ${orderBy}`,
    write: 'overwrite',
  };
}
