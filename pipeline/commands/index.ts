/** Every CLI command, in the order `clicklake --help` lists them. */
import type { Command } from '../cli/command';
import { generateCommand } from './generate';
import { benchCommand } from './bench';
import { qualityCommand } from './quality';
import { runCommand } from './run';
import { watchCommand } from './watch';
import { tableHistoryCommand } from './table-history';
import { tableListCommand } from './table-list';
import { tableOptimizeCommand } from './table-optimize';
import { tableScanCommand } from './table-scan';
import { tableShowCommand } from './table-show';
import { tableVacuumCommand } from './table-vacuum';

export const commands: Command<never>[] = [
  generateCommand,
  runCommand,
  watchCommand,
  qualityCommand,
  benchCommand,
  tableListCommand,
  tableShowCommand,
  tableHistoryCommand,
  tableScanCommand,
  tableOptimizeCommand,
  tableVacuumCommand,
] as Command<never>[];
