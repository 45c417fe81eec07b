/**
 * The shape every `carbontrace` sub-command implements. A command reads its own flags, writes to
 * `io.out` / `io.err`, and returns the process exit code: 0 ok, 1 failure, 2 bad input.
 */
export interface CliIo {
  /** Writes to standard output (a newline is not added). */
  readonly out: (text: string) => void;
  /** Writes to standard error (progress, warnings, one-line errors). */
  readonly err: (text: string) => void;
}

/** One sub-command of the CLI. */
export interface CliCommand {
  /** Name typed after `carbontrace`. */
  readonly name: string;
  /** One-line summary shown in `carbontrace --help`. */
  readonly summary: string;
  /** Usage text shown in `carbontrace <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
}

/** Exit code for bad input (missing file, malformed case, unknown flag). */
export const EXIT_BAD_INPUT = 2;
