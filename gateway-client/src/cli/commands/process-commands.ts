/**
 * `carbontrace relay` and `carbontrace worker`: run an HV substation's anchor relay or a cloud
 * provider's worker as its own long-running process, resuming from its checkpoint file, until
 * SIGINT or SIGTERM (then it stops cleanly, closing its connection).
 */
import * as path from 'path';
import type { RunningProcess } from '../../process/running-process';
import { startAnchorRelay } from '../../process/start-anchor-relay';
import { startCloudWorker } from '../../process/start-cloud-worker';
import type { CliCommand, CliIo } from '../command';
import { EXIT_BAD_INPUT } from '../command';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** Reads `--name value` options; returns an error message on anything else. */
function readOptions(args: readonly string[], allowed: readonly string[]): Map<string, string> | string {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] ?? '';
    const value = args[i + 1];
    if (!allowed.includes(name)) return `unknown option ${name}`;
    if (value === undefined) return `${name} needs a value`;
    options.set(name, value);
  }
  return options;
}

async function untilSignal(started: RunningProcess, io: CliIo): Promise<number> {
  const stop = (signal: string) => {
    io.err(`${started.name}: ${signal}, stopping\n`);
    void started.stop();
  };
  const onInt = () => {
    stop('SIGINT');
  };
  const onTerm = () => {
    stop('SIGTERM');
  };
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    await started.done;
    return 0;
  } catch (error: unknown) {
    io.err(`${started.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

const RELAY_USAGE = `Usage: carbontrace relay --hv <Hv1|Hv2|...> [--checkpoint FILE] [--config DIR]

Follows the HV substation's slave channel and records every block header on master as a
verification block, in EA-DPoS slot order. Resumes from its checkpoint (default
.run/relay-<hv>.json). Runs until SIGINT/SIGTERM.`;

/** The `relay` sub-command. */
export const relayCommand: CliCommand = {
  name: 'relay',
  summary: "run an HV substation's anchor relay (slave blocks -> master verification blocks)",
  usage: RELAY_USAGE,
  async run(args, io) {
    const options = readOptions(args, ['--hv', '--checkpoint', '--config']);
    const hv = typeof options === 'string' ? undefined : options.get('--hv');
    if (typeof options === 'string' || hv === undefined || !/^Hv[A-Za-z0-9]+$/.test(hv)) {
      io.err(
        `carbontrace relay: ${typeof options === 'string' ? options : '--hv <HvN> is required'}\n${RELAY_USAGE}\n`,
      );
      return EXIT_BAD_INPUT;
    }
    const configDir = options.get('--config');
    const started = await startAnchorRelay({
      hv,
      checkpointPath: options.get('--checkpoint') ?? path.join(repoRoot, '.run', `relay-${hv}.json`),
      ...(configDir === undefined ? {} : { configDir }),
      onEvent: (e) => {
        if (e.kind === 'anchored') {
          io.err(`relay ${hv}: anchored blocks ${e.entries.map((x) => x.blockNumber).join(',')}\n`);
        } else if (e.kind === 'resumed') {
          io.err(
            `relay ${hv}: resumed at block ${e.nextBlock} (${e.from}; master head ${e.ledgerHead ?? 'none'})\n`,
          );
        } else io.err(`relay ${hv}: reconnecting in ${e.delayMs} ms (${e.error.message})\n`);
      },
    });
    return untilSignal(started, io);
  },
};

const WORKER_USAGE = `Usage: carbontrace worker --provider <CloudA|...> [--fee N] [--cheat-rate R --cheat-seed S]
                          [--checkpoint FILE] [--config DIR]

Registers the provider (fee per task, default 1) if needed, then answers every task assigned to it
from carbon-master's Trace events, on masked data only. --cheat-rate makes it corrupt a seeded
fraction R of its tasks (for demonstrations). Resumes from its checkpoint (default
.run/worker-<provider>.json). Runs until SIGINT/SIGTERM.`;

/** The `worker` sub-command. */
export const workerCommand: CliCommand = {
  name: 'worker',
  summary: "run a cloud provider's worker (task events -> masked computation -> result)",
  usage: WORKER_USAGE,
  async run(args, io) {
    const options = readOptions(args, [
      '--provider',
      '--fee',
      '--cheat-rate',
      '--cheat-seed',
      '--checkpoint',
      '--config',
    ]);
    const provider = typeof options === 'string' ? undefined : options.get('--provider');
    if (typeof options === 'string' || provider === undefined || !/^Cloud[A-Za-z0-9]+$/.test(provider)) {
      io.err(
        `carbontrace worker: ${typeof options === 'string' ? options : '--provider <CloudX> is required'}\n${WORKER_USAGE}\n`,
      );
      return EXIT_BAD_INPUT;
    }
    const fee = Number(options.get('--fee') ?? '1');
    const rate = options.get('--cheat-rate');
    if (!(fee >= 0) || (rate !== undefined && !(Number(rate) >= 0 && Number(rate) <= 1))) {
      io.err(`carbontrace worker: --fee must be ≥ 0 and --cheat-rate within [0, 1]\n`);
      return EXIT_BAD_INPUT;
    }
    const configDir = options.get('--config');
    const started = await startCloudWorker({
      provider,
      feePerTask: fee,
      conduct:
        rate === undefined
          ? { kind: 'honest' }
          : {
              kind: 'cheats-sometimes',
              rate: Number(rate),
              seed: options.get('--cheat-seed') ?? 'carbontrace',
            },
      checkpointPath: options.get('--checkpoint') ?? path.join(repoRoot, '.run', `worker-${provider}.json`),
      ...(configDir === undefined ? {} : { configDir }),
      onEvent: (e) => {
        if (e.kind === 'submitted') io.err(`worker ${provider}: submitted ${e.taskId} round ${e.round}\n`);
        else if (e.kind === 'skipped') io.err(`worker ${provider}: skipped ${e.taskId} (${e.reason})\n`);
        else if (e.kind === 'endorsers-behind')
          io.err(`worker ${provider}: ${e.taskId} again in ${e.delayMs} ms (${e.error.message})\n`);
        else io.err(`worker ${provider}: reconnecting in ${e.delayMs} ms (${e.error.message})\n`);
      },
    });
    io.err(`worker ${provider}: running\n`);
    return untilSignal(started, io);
  },
};
