/** The registry of `carbontrace` sub-commands, in the order `--help` lists them. */
import type { CliCommand } from '../command';

export const COMMANDS: readonly CliCommand[] = [];
