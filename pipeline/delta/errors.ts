/**
 * The one error type of the Delta library. Messages carry the data (table, version, what was found and
 * what was expected); `code` lets callers branch without parsing text, and `exitCode` tells the CLI
 * whether the caller (2: not a table, bad version, bad argument) or the table/runtime (1) is at fault.
 */
export type DeltaErrorCode =
  | 'NOT_A_TABLE'
  | 'TABLE_EXISTS'
  | 'VERSION_NOT_FOUND'
  | 'TIMESTAMP_NOT_FOUND'
  | 'VERSION_GAP'
  | 'MISSING_PROTOCOL'
  | 'MISSING_METADATA'
  | 'CORRUPT_LOG'
  | 'CORRUPT_CHECKPOINT'
  | 'UNSUPPORTED_PROTOCOL'
  | 'UNSUPPORTED_FEATURE'
  | 'UNSUPPORTED_TYPE'
  | 'SCHEMA_MISMATCH'
  | 'CONCURRENT_MODIFICATION'
  | 'INVALID_ARGUMENT'
  | 'WRITE_FAILED';

/** Codes that mean "you asked for something that is not there / not valid", not "the table is broken". */
const CALLER_MISTAKES: ReadonlySet<DeltaErrorCode> = new Set([
  'NOT_A_TABLE',
  'TABLE_EXISTS',
  'VERSION_NOT_FOUND',
  'TIMESTAMP_NOT_FOUND',
  'INVALID_ARGUMENT',
  'SCHEMA_MISMATCH',
]);

export interface DeltaErrorOptions {
  table?: string;
  version?: number;
  cause?: unknown;
}

export class DeltaError extends Error {
  readonly table?: string;
  readonly version?: number;
  readonly exitCode: 1 | 2;

  constructor(
    readonly code: DeltaErrorCode,
    message: string,
    options: DeltaErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeltaError';
    this.table = options.table;
    this.version = options.version;
    this.exitCode = CALLER_MISTAKES.has(code) ? 2 : 1;
  }
}

export function isDeltaError(error: unknown, code?: DeltaErrorCode): error is DeltaError {
  return error instanceof DeltaError && (code === undefined || error.code === code);
}
