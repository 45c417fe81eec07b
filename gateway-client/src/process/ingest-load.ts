/**
 * Measurement ingestion beside a running job (the soak's background load): LV substations of one
 * slave channel register a two-bus feeder of their own grid (bus ownership is per grid, so it
 * claims nothing of the job's feeders) and submit a measurement of a new slot each, closed loop,
 * until SIGTERM/SIGINT or `--seconds`. Slots start far above the job's interval slots. On exit it
 * prints one JSON line: committed, failed, the first errors and the SDK's retries by reason.
 *
 * Usage: node gateway-client/dist/process/ingest-load.js --channel slave-hv2 --lv Lv2a,Lv2b
 *        [--seconds S] [--first-slot N] [--config DIR]
 */
import type { MeasurementSubmission, TopologySubmission } from '@carbontrace/chaincode';
import { openLvSubstation } from '../clients/open-clients';
import type { OpenedClient } from '../clients/open-clients';
import type { LvSubstationClient } from '../clients/lv-substation-client';
import { newRetryTally } from '../job/retry-tally';

/** What {@link runIngestLoad} did. */
export interface IngestLoadResult {
  readonly committed: number;
  readonly failed: number;
  readonly errors: readonly string[];
  readonly retries: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** Options of {@link runIngestLoad}. */
export interface IngestLoadOptions {
  readonly channel: string;
  readonly lvs: readonly string[];
  readonly firstSlot: number;
  readonly signal: AbortSignal;
  readonly configDir?: string;
}

const LINE = { rPu: 0.01, xPu: 0.03, bPu: 0 } as const;

/** A two-bus feeder of grid `grid` for `lv`: its own slack bus and one load bus. */
function feederOf(lv: string, grid: string, index: number): TopologySubmission {
  const slack = index * 2 + 1;
  return {
    id: `ingest-${grid}-${lv.toLowerCase()}`,
    substation: lv,
    grid,
    baseMva: 100,
    buses: [
      { busId: slack, kind: 'slack', baseKv: 12.66, vmPu: 1, gsMw: 0, bsMvar: 0 },
      { busId: slack + 1, kind: 'pq', baseKv: 12.66, vmPu: 1, gsMw: 0, bsMvar: 0 },
    ],
    branches: [{ fromBusId: slack, toBusId: slack + 1, ...LINE }],
  };
}

/** Submits until `signal` aborts; never throws for a refused submission (counted as failed). */
export async function runIngestLoad(options: Readonly<IngestLoadOptions>): Promise<IngestLoadResult> {
  const started = Date.now();
  const tally = newRetryTally();
  const grid = `ingest${started.toString(36)}`;
  const opened: OpenedClient<LvSubstationClient>[] = [];
  let committed = 0;
  const errors: string[] = [];
  let failed = 0;
  try {
    const feeders = [];
    for (const [index, lv] of options.lvs.entries()) {
      const client = await openLvSubstation({
        org: lv,
        slaveChannel: options.channel,
        retryHooks: tally.hooks,
        ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
      });
      opened.push(client);
      const topology = feederOf(lv, grid, index);
      const ref = await client.client.registerTopology(topology);
      feeders.push({ lv, client: client.client, ref, loadBus: index * 2 + 2 });
    }
    await Promise.all(
      feeders.map(async (f, k) => {
        for (let i = 0; !options.signal.aborted; i += 1) {
          const slot = options.firstSlot + i * feeders.length + k;
          const measurement: MeasurementSubmission = {
            slot,
            substation: f.lv,
            loads: [{ busId: f.loadBus, pMw: 0.05 + (i % 7) * 0.001, qMvar: 0.02 }],
            generators: [],
            switches: [],
            topology: { id: f.ref.id, sha256: f.ref.sha256 },
          };
          try {
            await f.client.submitMeasurement(measurement);
            committed += 1;
          } catch (error: unknown) {
            failed += 1;
            if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
          }
        }
      }),
    );
  } finally {
    for (const o of opened) o.close();
  }
  return { committed, failed, errors, retries: tally.counts(), seconds: (Date.now() - started) / 1000 };
}

function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
}

async function main(argv: readonly string[]): Promise<number> {
  const channel = argValue(argv, '--channel') ?? 'slave-hv2';
  const lvs = (argValue(argv, '--lv') ?? 'Lv2a,Lv2b').split(',').filter((s) => s !== '');
  const seconds = Number(argValue(argv, '--seconds') ?? '0');
  const firstSlot = Number(
    argValue(argv, '--first-slot') ??
      String(3_000_000_000 + (Math.floor(Date.now() / 1000) % 100_000) * 10_000),
  );
  const configDir = argValue(argv, '--config');
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`--seconds: expected seconds, got ${String(seconds)}`);
  if (!Number.isSafeInteger(firstSlot) || firstSlot < 0)
    throw new Error(`--first-slot: expected a slot, got ${String(firstSlot)}`);
  const controller = new AbortController();
  const stop = (): void => {
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (seconds > 0) setTimeout(stop, seconds * 1000).unref();
  const result = await runIngestLoad({
    channel,
    lvs,
    firstSlot,
    signal: controller.signal,
    ...(configDir === undefined ? {} : { configDir }),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`ingest-load: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
