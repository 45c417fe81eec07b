/** The registry of `carbontrace` sub-commands, in the order `--help` lists them. */
import type { CliCommand } from '../command';
import { powerflowCommand } from './powerflow';
import { outsourceCommand } from './outsource';
import { traceCommand } from './trace';
import { regulatorCommand } from './regulator';
import { relayCommand, workerCommand } from './process-commands';
import { dashboardCommand } from './dashboard';
import { traceIntervalCommand } from './trace-interval';

export const COMMANDS: readonly CliCommand[] = [
  powerflowCommand,
  traceCommand,
  outsourceCommand,
  regulatorCommand,
  dashboardCommand,
  traceIntervalCommand,
  relayCommand,
  workerCommand,
];
