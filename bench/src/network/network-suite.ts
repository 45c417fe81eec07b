/**
 * The network half of the benchmark, on the running test network (started or reused by
 * network/scripts/with-network.sh), with our own load generator on the gateway-client role clients:
 *
 * - ingestion: N concurrent LV substation clients (one gateway connection each, one outstanding
 *   `Measurement:Submit` at a time) on slave-hv1, bounded by a transaction count and a time limit;
 *   sustained tx/s and submit→commit latency percentiles;
 * - end-to-end traces of case4_carbon (Hv1's slave channel) and case33bw (split across Hv1 and Hv2,
 *   as the main job does) through the job's `traceRegionSlot`, with our anchor relays running in
 *   this process and two honest providers (CloudA, CloudB) answering only the bench's own tasks;
 *   latency from the trace request to GridCo's recorded carbon flow (the accepted result), and the
 *   whole slot from the LV submissions;
 * - anchoring lag: a slave block's commit (seen by the submitting client) to the relay's report that
 *   the verification block naming it committed on master;
 * - ledger growth: bytes of every peer's ledger directory before and after the traces.
 * Loopback only; everything it starts it stops.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  computeMaskedResult,
  parseCarbonSidecar,
  parseMaskedTask,
  parseMatpowerCase,
  serializeMaskedResult,
  type MeasurementSubmission,
  type TopologyReference,
  type TopologySubmission,
} from '@carbontrace/chaincode';
import {
  CASE4_TOPOLOGY_LV1A,
  CASE4_TOPOLOGY_LV1B,
  CASE4_UNITS,
  case4MeasurementLv1a,
  case4MeasurementLv1b,
} from '@carbontrace/chaincode/testing';
import type { CloudProviderClient } from '@carbontrace/gateway-client/dist/clients/cloud-provider-client';
import type { LvSubstationClient } from '@carbontrace/gateway-client/dist/clients/lv-substation-client';
import {
  openCloudProvider,
  openGridCompany,
  openHvSubstation,
  openLvSubstation,
  type OpenedClient,
} from '@carbontrace/gateway-client/dist/clients/open-clients';
import { startAnswerTracker, type AnswerTracker } from '@carbontrace/gateway-client/dist/job/answer-tracker';
import { splitCase33bw, type HvRegion } from '@carbontrace/gateway-client/dist/job/feeder-split';
import { regionSlot, type RegionSlot } from '@carbontrace/gateway-client/dist/job/slot-data';
import { traceRegionSlot } from '@carbontrace/gateway-client/dist/job/slot-trace';
import type { RunningProcess } from '@carbontrace/gateway-client/dist/process/running-process';
import { startAnchorRelay } from '@carbontrace/gateway-client/dist/process/start-anchor-relay';
import { isContractError } from '@carbontrace/gateway-client/dist/sdk/client-errors';
import { newLedgerWaiter, type LedgerWaiter } from '@carbontrace/gateway-client/dist/sdk/ledger-height';
import { MASTER_CHAINCODE, MASTER_CHANNEL } from '@carbontrace/gateway-client/dist/sdk/network-names';

import { casesFolder, REPO_ROOT } from '../engine/bench-cases';
import { percentile } from '../statistics';
import { nowSeconds } from '../timing';
import { peerLedgerBytes } from './ledger-size';

/** Options of {@link runNetworkSuite}. */
export interface NetworkSuiteOptions {
  readonly quick: boolean;
  readonly outDir: string;
  readonly log: (line: string) => void;
}

/** Latency percentiles, s. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One ingestion level. */
export interface IngestionLevel {
  readonly clients: number;
  readonly committed: number;
  readonly failed: number;
  readonly seconds: number;
  readonly tps: number;
  readonly latency: Percentiles;
  readonly firstError: string | null;
}

/** One traced slot of one region. */
export interface TraceSample {
  readonly caseName: string;
  readonly hv: string;
  readonly slot: number;
  /** Request → carbon flow recorded, s. */
  readonly requestToRecordedSeconds: number;
  /** LV submissions → carbon flow recorded, s. */
  readonly slotSeconds: number;
  /** Seal committed → package anchored seen, s. */
  readonly sealToAnchoredSeconds: number;
  readonly acceptedFrom: string;
  readonly path: readonly string[];
  readonly maxRelErrorVsLocal: number;
}

/** Everything the network half measured. */
export interface NetworkResults {
  readonly ran: boolean;
  readonly reason: string;
  readonly ingestion: readonly IngestionLevel[];
  readonly ingestionBytesPerTx: Record<string, number>;
  readonly traces: readonly TraceSample[];
  readonly traceFailures: readonly string[];
  readonly traceLatency: Record<string, Percentiles>;
  readonly anchorLag: Percentiles;
  readonly ledgerBytesBefore: Record<string, number>;
  readonly ledgerBytesAfter: Record<string, number>;
  readonly ledgerGrowthPerTrace: Record<string, number>;
  readonly summary: {
    readonly ingestTps: number | null;
    readonly traceLatencyP50Seconds: number | null;
    readonly anchorLagP50Seconds: number | null;
  };
}

const NETWORK_DIR = process.env['CARBONTRACE_NETWORK_DIR'] ?? join(REPO_ROOT, '.run', 'network');
const CONFIG_DIR = join(NETWORK_DIR, 'config');
const NODES_DIR = join(NETWORK_DIR, 'nodes');
/** The two providers asked for every bench trace (honest, computing in this process). */
const PROVIDERS = [
  { id: 'CloudA', feePerTask: 1.0 },
  { id: 'CloudB', feePerTask: 1.2 },
] as const;
const PROVIDER_IDS: readonly [string, string] = [PROVIDERS[0].id, PROVIDERS[1].id];

/**
 * Honest providers that answer only the bench's own tasks (a shared network may have other
 * workers running for other tasks; ours must not answer theirs): poll what each owes for
 * `taskId` every 250 ms, compute on the masked task with the engine's worker library, submit.
 */
async function answerOwnTask(
  clouds: readonly CloudProviderClient[],
  taskId: string,
  done: () => boolean,
): Promise<void> {
  const answered = new Set<string>();
  while (!done()) {
    for (const cloud of clouds) {
      let owed: Awaited<ReturnType<CloudProviderClient['owed']>> = [];
      try {
        owed = await cloud.owed(taskId);
      } catch {
        owed = [];
      }
      for (const o of owed) {
        const key = `${cloud.providerId}/${o.role}/${o.kind}`;
        if (answered.has(key)) continue;
        try {
          const record = await cloud.maskedTask(taskId, o.role);
          const result = serializeMaskedResult(computeMaskedResult(parseMaskedTask(record.taskJson)));
          await cloud.submitResult(taskId, o.role, result);
          answered.add(key);
        } catch (error) {
          if (isContractError(error, 'ALREADY_EXISTS')) answered.add(key);
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function percentiles(values: readonly number[]): Percentiles {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

async function registerTopology(
  lv: LvSubstationClient,
  topology: TopologySubmission,
): Promise<TopologyReference> {
  try {
    return await lv.registerTopology(topology);
  } catch (error: unknown) {
    if (isContractError(error, 'ALREADY_EXISTS')) return lv.topology(topology.id);
    throw error;
  }
}

/** Records when each slave block was first seen committed and when the relay anchored it. */
class AnchorLagProbe {
  readonly #committed = new Map<string, number>();
  readonly #anchored = new Map<string, number>();

  committed(channel: string, block: bigint | number): void {
    const key = `${channel}/${String(block)}`;
    if (!this.#committed.has(key)) this.#committed.set(key, nowSeconds());
  }

  anchored(channel: string, blocks: readonly number[]): void {
    const at = nowSeconds();
    for (const b of blocks) {
      const key = `${channel}/${b}`;
      if (!this.#anchored.has(key)) this.#anchored.set(key, at);
    }
  }

  lags(): number[] {
    const lags: number[] = [];
    for (const [key, committedAt] of this.#committed) {
      const anchoredAt = this.#anchored.get(key);
      if (anchoredAt !== undefined) lags.push(Math.max(0, anchoredAt - committedAt));
    }
    return lags;
  }
}

/** case4_carbon as one region slot of Hv1 (the integration tests' split: Lv1a and Lv1b). */
function case4RegionSlot(slot: number, topologies: ReadonlyMap<string, TopologyReference>): RegionSlot {
  const folder = casesFolder();
  const localCase = parseMatpowerCase(readFileSync(join(folder, 'case4_carbon.m'), 'utf8'), 'case4_carbon.m');
  const sidecarFile = join(folder, 'case4_carbon.carbon.json');
  const localSidecar = parseCarbonSidecar(readFileSync(sidecarFile, 'utf8'), sidecarFile, localCase);
  const sha = (lv: string): string => topologies.get(lv)?.sha256 ?? '';
  return {
    hv: 'Hv1',
    channel: 'slave-hv1',
    hour: 0,
    slot,
    measurements: [
      case4MeasurementLv1a(slot, sha('Lv1a')) as unknown as MeasurementSubmission,
      case4MeasurementLv1b(slot, sha('Lv1b')) as unknown as MeasurementSubmission,
    ],
    units: CASE4_UNITS,
    localCase,
    localSidecar,
    localUnits: CASE4_UNITS.map((u) => ({ busId: u.busId, unitId: u.unitId })),
  };
}

/** Results of a network phase that did not run. */
export function emptyNetworkResults(reason: string): NetworkResults {
  return {
    ran: false,
    reason,
    ingestion: [],
    ingestionBytesPerTx: {},
    traces: [],
    traceFailures: [],
    traceLatency: {},
    anchorLag: percentiles([]),
    ledgerBytesBefore: {},
    ledgerBytesAfter: {},
    ledgerGrowthPerTrace: {},
    summary: { ingestTps: null, traceLatencyP50Seconds: null, anchorLagP50Seconds: null },
  };
}

/** Runs the network measurements. */
export async function runNetworkSuite(options: NetworkSuiteOptions): Promise<NetworkResults> {
  const { quick, log } = options;
  const empty = emptyNetworkResults;
  const opened: OpenedClient<unknown>[] = [];
  const processes: RunningProcess[] = [];
  const trackers: AnswerTracker[] = [];
  const probe = new AnchorLagProbe();
  const slotBase = 700_000_000_000 + (Math.floor(Date.now() / 1000) % 100_000_000) * 1000;
  try {
    let gridCoClient;
    try {
      gridCoClient = await openGridCompany({ org: 'GridCo', configDir: CONFIG_DIR });
    } catch (error) {
      return empty(`cannot connect to the test network (${message(error)})`);
    }
    opened.push(gridCoClient);
    const split = splitCase33bw(
      parseMatpowerCase(readFileSync(join(casesFolder(), 'case33bw.m'), 'utf8'), 'case33bw.m'),
    );
    const regions = await Promise.all(
      split.regions.map(async (region: HvRegion) => {
        const hv = await openHvSubstation({ org: region.hv, configDir: CONFIG_DIR });
        opened.push(hv);
        const lvs = new Map<string, LvSubstationClient>();
        const topologies = new Map<string, TopologyReference>();
        for (const f of region.feeders) {
          const lv = await openLvSubstation({
            org: f.lv,
            slaveChannel: region.channel,
            configDir: CONFIG_DIR,
          });
          opened.push(lv);
          lvs.set(f.lv, lv.client);
          topologies.set(f.lv, await registerTopology(lv.client, f.topology));
        }
        const hvLedger: LedgerWaiter = newLedgerWaiter((channel) => hv.connection.network(channel));
        return { region, hv, lvs, topologies, hvLedger };
      }),
    );
    const hv1 = regions.find((r) => r.region.hv === 'Hv1');
    if (hv1 === undefined) return empty('the case33bw split has no Hv1 region');
    const case4Topologies = new Map<string, TopologyReference>();
    for (const [lv, topology] of [
      ['Lv1a', CASE4_TOPOLOGY_LV1A],
      ['Lv1b', CASE4_TOPOLOGY_LV1B],
    ] as const) {
      const client = hv1.lvs.get(lv);
      if (client === undefined) return empty(`no ${lv} client in the Hv1 region`);
      // grid case4: bus ownership and baseMva are per grid, and case33bw is on slave-hv1 too
      case4Topologies.set(
        lv,
        await registerTopology(client, { ...topology, grid: 'case4' } as unknown as TopologySubmission),
      );
    }
    log('network: clients connected, topologies registered');

    for (const r of regions) {
      processes.push(
        await startAnchorRelay({
          hv: r.region.hv,
          checkpointPath: join(options.outDir, `relay-${r.region.hv}-${slotBase}.json`),
          configDir: CONFIG_DIR,
          onEvent: (event) => {
            if (event.kind === 'anchored') {
              probe.anchored(
                r.region.channel,
                event.entries.map((e) => e.blockNumber),
              );
            }
          },
        }),
      );
    }
    const clouds: CloudProviderClient[] = [];
    for (const p of PROVIDERS) {
      const cloud = await openCloudProvider({ org: p.id, configDir: CONFIG_DIR });
      opened.push(cloud);
      await cloud.client.register(p.feePerTask);
      clouds.push(cloud.client);
    }
    log('network: anchor relays started, providers registered');

    // --- ingestion ---
    const ingestion: IngestionLevel[] = [];
    const levels = quick ? [8] : [1, 4, 16];
    const maxTx = quick ? 600 : 2000;
    const maxSeconds = quick ? 25 : 60;
    let nextSlot = slotBase;
    const hv1Region = hv1.region;
    const lvOrgs = hv1Region.feeders.map((f) => f.lv);
    const bytesBeforeIngest = peerLedgerBytes(NODES_DIR);
    let ingestedTotal = 0;
    for (const clients of levels) {
      log(`network: ingestion with ${clients} concurrent clients`);
      const connections: LvSubstationClient[] = [];
      for (let c = 0; c < clients; c += 1) {
        const org = lvOrgs[c % lvOrgs.length] ?? 'Lv1a';
        const lv = await openLvSubstation({ org, slaveChannel: hv1Region.channel, configDir: CONFIG_DIR });
        opened.push(lv);
        connections.push(lv.client);
      }
      const latencies: number[] = [];
      let failed = 0;
      let firstError: string | null = null;
      let issued = 0;
      const started = nowSeconds();
      const deadline = started + maxSeconds;
      const perOrgSlot = new Map<string, number>();
      await Promise.all(
        connections.map(async (client, c) => {
          const org = lvOrgs[c % lvOrgs.length] ?? 'Lv1a';
          while (issued < maxTx && nowSeconds() < deadline) {
            issued += 1;
            const slot = (perOrgSlot.get(org) ?? nextSlot) + 1;
            perOrgSlot.set(org, slot);
            const data = regionSlot(hv1Region, slot % 24, slot, hv1.topologies);
            const measurement = data.measurements.find((m) => m.substation === org);
            if (measurement === undefined) throw new Error(`no measurement for ${org}`);
            const t0 = nowSeconds();
            try {
              const submitted = await client.submitMeasurement(measurement);
              probe.committed(hv1Region.channel, submitted.blockNumber);
              latencies.push(nowSeconds() - t0);
            } catch (error) {
              failed += 1;
              firstError ??= message(error).slice(0, 200);
            }
          }
        }),
      );
      const seconds = nowSeconds() - started;
      nextSlot = Math.max(nextSlot, ...perOrgSlot.values()) + 1;
      ingestedTotal += latencies.length;
      ingestion.push({
        clients,
        committed: latencies.length,
        failed,
        seconds,
        tps: latencies.length / seconds,
        latency: percentiles(latencies),
        firstError,
      });
    }
    const bytesAfterIngest = peerLedgerBytes(NODES_DIR);
    const ingestionBytesPerTx: Record<string, number> = {};
    for (const [peer, after] of Object.entries(bytesAfterIngest)) {
      ingestionBytesPerTx[peer] = (after - (bytesBeforeIngest[peer] ?? 0)) / Math.max(ingestedTotal, 1);
    }

    // --- end-to-end traces ---
    const gridLedger = newLedgerWaiter((channel) => gridCoClient.connection.network(channel));
    for (const r of regions) {
      const tracker = startAnswerTracker(
        r.hv.connection.network(MASTER_CHANNEL),
        MASTER_CHAINCODE,
        await r.hvLedger.height(MASTER_CHANNEL),
      );
      trackers.push(tracker);
    }
    const trackerOf = (hv: string): AnswerTracker => {
      const i = regions.findIndex((r) => r.region.hv === hv);
      const t = trackers[i];
      if (t === undefined) throw new Error(`no answer tracker for ${hv}`);
      return t;
    };
    const traces: TraceSample[] = [];
    const traceFailures: string[] = [];
    const ledgerBytesBefore = peerLedgerBytes(NODES_DIR);
    const traceOne = async (caseName: string, data: RegionSlot): Promise<void> => {
      const region = regions.find((r) => r.region.hv === data.hv);
      if (region === undefined) throw new Error(`no region ${data.hv}`);
      const marks = new Map<string, number>();
      const mark = (step: string): void => {
        const key = step.startsWith('sealed')
          ? 'sealed'
          : step.startsWith('package anchored')
            ? 'anchored'
            : step.startsWith('carbon flow recorded')
              ? 'recorded'
              : (step.split(':')[0] ?? step);
        if (!marks.has(key)) marks.set(key, nowSeconds());
      };
      const taskId = `bench-${caseName}-${data.slot}-${data.hv.toLowerCase()}`;
      let finished = false;
      const answering = answerOwnTask(clouds, taskId, () => finished);
      try {
        const outcome = await traceRegionSlot(
          {
            gridCo: gridCoClient.client,
            hv: region.hv.client,
            lvs: region.lvs,
            answers: trackerOf(data.hv),
            hvLedger: region.hvLedger,
            gridLedger,
          },
          data,
          taskId,
          PROVIDER_IDS,
          mark,
        ).finally(() => {
          finished = true;
        });
        await answering;
        probe.committed(data.channel, outcome.sealBlock);
        const at = (k: string): number => marks.get(k) ?? Number.NaN;
        traces.push({
          caseName,
          hv: data.hv,
          slot: data.slot,
          requestToRecordedSeconds: at('recorded') - at('anchored'),
          slotSeconds: outcome.seconds,
          sealToAnchoredSeconds: at('anchored') - at('sealed'),
          acceptedFrom: outcome.carbonFlow.acceptedFrom,
          path: outcome.arbitration.path,
          maxRelErrorVsLocal: outcome.comparison.maxRelError,
        });
        log(
          `network: ${caseName} ${data.hv} slot ${data.slot}: ${(at('recorded') - at('anchored')).toFixed(2)} s request → recorded`,
        );
      } catch (error) {
        await answering;
        traceFailures.push(`${caseName} ${data.hv} slot ${data.slot}: ${message(error).slice(0, 300)}`);
        log(`network: trace failed: ${message(error)}`);
      }
    };
    const tracesPerCase = quick ? 2 : 5;
    for (let i = 0; i < tracesPerCase; i += 1) {
      nextSlot += 1;
      await traceOne('case4_carbon', case4RegionSlot(nextSlot, case4Topologies));
    }
    for (let hour = 0; hour < tracesPerCase; hour += 1) {
      nextSlot += 1;
      const slot = nextSlot;
      await Promise.all(
        regions.map((r) => traceOne('case33bw', regionSlot(r.region, (hour + 12) % 24, slot, r.topologies))),
      );
    }
    const ledgerBytesAfter = peerLedgerBytes(NODES_DIR);
    const ledgerGrowthPerTrace: Record<string, number> = {};
    for (const [peer, after] of Object.entries(ledgerBytesAfter)) {
      ledgerGrowthPerTrace[peer] = (after - (ledgerBytesBefore[peer] ?? 0)) / Math.max(traces.length, 1);
    }
    // give the relays a moment to report the last anchors
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const traceLatency: Record<string, Percentiles> = {};
    for (const name of ['case4_carbon', 'case33bw']) {
      traceLatency[name] = percentiles(
        traces.filter((t) => t.caseName === name).map((t) => t.requestToRecordedSeconds),
      );
    }
    const all = percentiles(traces.map((t) => t.requestToRecordedSeconds));
    const anchorLag = percentiles(probe.lags());
    return {
      ran: true,
      reason: '',
      ingestion,
      ingestionBytesPerTx,
      traces,
      traceFailures,
      traceLatency: { ...traceLatency, all },
      anchorLag,
      ledgerBytesBefore,
      ledgerBytesAfter,
      ledgerGrowthPerTrace,
      summary: {
        ingestTps: finiteOrNull(
          ingestion.length === 0 ? Number.NaN : Math.max(...ingestion.map((l) => l.tps)),
        ),
        traceLatencyP50Seconds: finiteOrNull(all.p50),
        anchorLagP50Seconds: finiteOrNull(anchorLag.p50),
      },
    };
  } catch (error) {
    return empty(`the network phase stopped: ${message(error).slice(0, 300)}`);
  } finally {
    for (const t of trackers) t.close();
    await Promise.all(processes.map((p) => p.stop()));
    for (const o of opened) o.close();
  }
}
