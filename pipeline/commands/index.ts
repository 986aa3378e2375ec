/** Every CLI command, in the order `clicklake --help` lists them. */
import type { Command } from '../cli/command';

export const commands: Command<never>[] = [];
