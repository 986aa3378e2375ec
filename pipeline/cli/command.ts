/**
 * A CLI command: its options (node's util.parseArgs config), its help text and what it runs.
 * Commands are plain objects so each lives in its own file under pipeline/commands/ and the
 * dispatcher (pipeline/cli.ts) stays ignorant of what they do.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext<V> {
  values: V;
  positionals: string[];
  /** Standard output: results (JSON, tables, rows). */
  out: NodeJS.WritableStream;
  /** Standard error: progress, logs, warnings. */
  err: NodeJS.WritableStream;
}

export interface Command<V = Record<string, string | boolean | undefined>> {
  /** Full name as typed, e.g. `generate` or `table show`. */
  name: string;
  summary: string;
  /** Usage line(s) after the command name, e.g. `<table-dir> [--version N]`. */
  usage: string;
  /** One line per option, shown by --help. */
  optionHelp: string[];
  options: OptionSpec;
  positionals?: { min: number; max: number; names: string };
  run(ctx: CommandContext<V>): Promise<void>;
}

export function defineCommand<V>(command: Command<V>): Command<V> {
  return command;
}

export function helpText(command: Command<never>): string {
  const lines = [`usage: clicklake ${command.name} ${command.usage}`.trimEnd(), '', command.summary];
  const options = [...command.optionHelp, '--help                 show this help'];
  lines.push('', 'options:', ...options.map((line) => `  ${line}`));
  return lines.join('\n') + '\n';
}

export function parseCommandArgs(command: Command<never>, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs messages are multi-line and mention internals; keep the first sentence.
    const message = error instanceof Error ? error.message.split('\n')[0].replace(/\. To specify.*$/, '') : String(error);
    throw new UsageError(`${command.name}: ${message}`);
  }
  const positionals = parsed.positionals;
  if (!parsed.values.help) {
    const spec = command.positionals ?? { min: 0, max: 0, names: '' };
    if (positionals.length < spec.min) throw new UsageError(`${command.name}: missing ${spec.names}`);
    if (positionals.length > spec.max) throw new UsageError(`${command.name}: unexpected argument '${positionals[spec.max]}'`);
  }
  return { values: parsed.values, positionals };
}
