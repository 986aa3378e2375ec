/**
 * Errors the CLI maps to exit codes (DESIGN section 6): 1 = runtime failure, 2 = bad usage or bad input.
 * Library code throws its own typed errors (DeltaError, PipelineError); anything that is the caller's
 * fault should be a UsageError so the user sees a one-line message and exit code 2.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
