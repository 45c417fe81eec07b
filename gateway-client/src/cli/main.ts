#!/usr/bin/env node
/**
 * `carbontrace` — the command-line entry point. Sub-commands live in `commands/`, one per file,
 * and are registered in `commands/index.ts`.
 */
import type { CliIo } from './command';
import { EXIT_BAD_INPUT } from './command';
import { COMMANDS } from './commands';

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'carbontrace — carbon emission flow tracing on Hyperledger Fabric',
    '',
    'Usage: carbontrace <command> [options]   (carbontrace <command> --help for its options)',
    '',
    'Commands:',
    ...lines,
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`carbontrace: unknown command '${name}' (see carbontrace --help)\n`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(`carbontrace: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
