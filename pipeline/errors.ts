/**
 * PipelineError: a failure of a pipeline stage or input, with a code that says what kind. Landing-file
 * problems (wrong header, unreadable gzip, …) are expected outcomes: the run reports the file by name,
 * skips it and commits the rest, so they are returned as values where possible and thrown only where
 * the caller cannot go on.
 */
export type PipelineErrorCode =
  | 'wrong_header'
  | 'empty_file'
  | 'unreadable_gzip'
  | 'not_csv'
  | 'changed_file'
  | 'io_error'
  | 'stage_failed'
  | 'reconciliation_failed'
  | 'bad_input';

export class PipelineError extends Error {
  readonly exitCode: 1 | 2;

  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    options: { cause?: unknown; exitCode?: 1 | 2 } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PipelineError';
    this.exitCode = options.exitCode ?? 1;
  }
}
