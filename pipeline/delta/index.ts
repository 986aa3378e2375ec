/** Public API of ClickLake's Delta Lake library (see README.md in this directory). */
export { DeltaError, isDeltaError, type DeltaErrorCode } from './errors';
export type { AddAction, RemoveAction, TxnAction, Metadata, Protocol, CommitInfo } from './actions';
export {
  type StructType,
  type StructField,
  type DataType,
  type PrimitiveType,
  type ArrayType,
  type MapType,
  deltaTypeToDuckDB,
  duckDBTypeToDelta,
  schemaFromQuery,
  parseSchemaString,
  schemaToString,
  quoteIdentifier,
} from './schema';
export { DeltaTable, type CreateTableOptions, type HistoryEntry } from './table';
export { Snapshot, AddFile, loadSnapshot, type SnapshotOptions, type PruneResult } from './snapshot';
export { commit, type CommitRequest, type CommitResult, type CommitActions, type ReadScope } from './transaction';
export { writeDataFiles, type WriteDataFilesOptions, type WrittenFiles, type QueryParams } from './write';
export { append, overwrite, replacePartitions, type WriteOptions, type OverwriteOptions, type ReplacePartitionsOptions, type WriteResult, type TxnId } from './operations';
export { scanSql, type ScanOptions, type ScanPlan } from './scan';
export { evaluateSkipping, compileSkipping, predicateSql, where, type Predicate, type ComparisonOp } from './skipping';
export type { FileStats } from './stats';
export type { LiteralValue } from './values';
export { writeCheckpoint } from './checkpoint';
export { optimize, type OptimizeOptions, type OptimizeResult } from './optimize';
export { vacuum, MIN_RETENTION_HOURS, type VacuumOptions, type VacuumResult } from './vacuum';
export { filesScanSql } from './scan';
