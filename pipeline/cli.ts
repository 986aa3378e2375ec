/**
 * `clicklake` — the command-line entry point (DESIGN section 6).
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input; errors are one line on stderr.
 */
import { type Command, helpText, parseCommandArgs } from './cli/command';
import { CliError, UsageError } from './cli/errors';
import { ConfigError } from './config';
import { commands } from './commands/index';

type AnyCommand = Command<never>;

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: clicklake <command> [options]', '', 'commands:', ...rows, '', "Run 'clicklake <command> --help' for a command's options."].join('\n') + '\n';
}

/** Longest command name that prefixes argv (so `table show x` finds `table show`). */
function findCommand(argv: string[]): { command: AnyCommand; rest: string[] } | undefined {
  let best: { command: AnyCommand; rest: string[] } | undefined;
  for (const command of commands as AnyCommand[]) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(overview());
    return argv.length === 0 ? 2 : 0;
  }
  try {
    const found = findCommand(argv);
    if (!found) {
      const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
      if (group.length > 0) {
        const names = group.map((c) => c.name.split(' ')[1]).join(', ');
        if (argv.length === 1 || argv[1] === '--help') {
          process.stdout.write(`usage: clicklake ${argv[0]} <${names.replaceAll(', ', '|')}> ...\n`);
          return argv.length === 1 ? 2 : 0;
        }
        throw new UsageError(`unknown ${argv[0]} command '${argv[1]}' (expected one of: ${names})`);
      }
      throw new UsageError(`unknown command '${argv[0]}' (run 'clicklake --help' for the list)`);
    }
    const { command, rest } = found;
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help) {
      process.stdout.write(helpText(command));
      return 0;
    }
    await command.run({ values: values as never, positionals, out: process.stdout, err: process.stderr });
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`clicklake: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`clicklake: ${error.message}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  // Errors that carry an exit code of their own (DeltaError, PipelineError) choose it; the rest are runtime failures.
  const exitCode = typeof error === 'object' && error !== null && 'exitCode' in error && error.exitCode === 2 ? 2 : 1;
  process.stderr.write(`clicklake: ${message.split('\n')[0]}\n`);
  if (process.env.CLICKLAKE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}

// Flush stdout before exiting so piped output (`table scan | head`) is complete; EPIPE just ends quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});
const code = await main(process.argv.slice(2));
process.exitCode = code;
