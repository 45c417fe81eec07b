/**
 * `ingestion-matrix` phase (also `npm run bench:ingest`): single `Measurement:Submit` against
 * batched `Measurement:SubmitBatch`, every mode of the plan in turn on a fresh grid. Each mode runs
 * closed-loop clients of the plan's LV organizations (one gateway connection each, one transaction
 * outstanding), every write endorsed as the trust model requires (the LV's peer and its verifier,
 * alternately the plan's verifiers), bounded by a transaction count and a time limit. Per mode:
 * committed tx/s, meter readings/s, submit→commit latency, and the CPU time of every network
 * process (/proc/<pid>/stat of the run directory's pids) and of this process per committed
 * transaction. Loopback only; it starts nothing and stops nothing but its own connections.
 */
import { availableParallelism, loadavg } from 'node:os';

import type { TopologyReference, TopologySubmission } from '@carbontrace/chaincode';
import { openLvSubstation, type LvSubstationClient, type OpenedClient } from '@carbontrace/gateway-client';

import { percentile } from '../../statistics';
import { nowSeconds } from '../../timing';
import { meteredFeeder, meteredSlot } from '../metered-feeder';
import type { IngestionMatrixPlan, IngestionMode, NetworkPaths } from '../network-plan';
import type { IngestionMatrixResult, IngestionModeResult } from '../network-results';
import { cpuDelta, sampleNetworkCpu, type ProcessKind } from '../process-cpu';

/** A registered feeder of one LV organization. */
interface Feeder {
  readonly topology: TopologySubmission;
  readonly reference: TopologyReference;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

async function runMode(
  mode: IngestionMode,
  plan: IngestionMatrixPlan,
  paths: NetworkPaths,
  feeders: ReadonlyMap<string, Feeder>,
  slotBase: number,
  log: (line: string) => void,
): Promise<IngestionModeResult> {
  const opened: OpenedClient<LvSubstationClient>[] = [];
  const lvOf = (c: number): string => plan.lvs[c % plan.lvs.length] ?? 'Lv1a';
  try {
    for (let c = 0; c < mode.clients; c += 1) {
      const verifier = plan.verifiers[Math.floor(c / plan.lvs.length) % plan.verifiers.length];
      opened.push(
        await openLvSubstation({
          org: lvOf(c),
          slaveChannel: plan.channel,
          configDir: paths.configDir,
          ...(verifier === undefined ? {} : { verifierOrg: verifier }),
        }),
      );
    }
    const latencies: number[] = [];
    let failed = 0;
    let firstError: string | null = null;
    let issued = 0;
    let readings = 0;
    const load0 = loadavg()[0] ?? Number.NaN;
    const cpuBefore = sampleNetworkCpu(paths.networkDir);
    const clientBefore = process.cpuUsage();
    const started = nowSeconds();
    const deadline = started + plan.maxSeconds;
    await Promise.all(
      opened.map(async ({ client }, c) => {
        const f = feeders.get(lvOf(c));
        if (f === undefined) throw new Error(`no feeder of ${lvOf(c)}`);
        let next = slotBase + c * 1_000_000;
        while (issued < plan.maxTx && nowSeconds() < deadline) {
          issued += 1;
          const batch = Array.from({ length: mode.slotsPerTx }, (_, k) =>
            meteredSlot(f.topology, f.reference, next + k),
          );
          next += mode.slotsPerTx;
          const t0 = nowSeconds();
          try {
            const [only] = batch;
            if (mode.slotsPerTx === 1 && only !== undefined) {
              await client.submitMeasurement(only);
              readings += mode.metersPerSlot;
            } else {
              // Await first: `readings += await …` would read `readings` before the await and lose the
              // other clients' increments made meanwhile.
              const { result } = await client.submitMeasurements(batch);
              readings += result.readings;
            }
            latencies.push(nowSeconds() - t0);
          } catch (error) {
            failed += 1;
            firstError ??= message(error).slice(0, 200);
          }
        }
      }),
    );
    const seconds = nowSeconds() - started;
    const clientUsed = process.cpuUsage(clientBefore);
    const delta = cpuDelta(cpuBefore, sampleNetworkCpu(paths.networkDir));
    const committed = latencies.length;
    const perTx = (cpuSeconds: number): number | null =>
      committed === 0 ? null : finiteOrNull((1000 * cpuSeconds) / committed);
    const result: IngestionModeResult = {
      ...mode,
      committed,
      failed,
      firstError,
      seconds,
      txPerSecond: committed / seconds,
      readingsPerSecond: readings / seconds,
      latencyP50Seconds: finiteOrNull(percentile(latencies, 50)),
      latencyP90Seconds: finiteOrNull(percentile(latencies, 90)),
      cpuMsPerTx: {
        orderer: perTx(delta.byKind.orderer),
        peer: perTx(delta.byKind.peer),
        chaincode: perTx(delta.byKind.chaincode),
        client: perTx((clientUsed.user + clientUsed.system) / 1e6),
      },
      loadAverage: [load0, loadavg()[0] ?? Number.NaN],
    };
    log(
      `${mode.name}: ${committed} tx in ${seconds.toFixed(1)} s = ${result.txPerSecond.toFixed(1)} tx/s, ` +
        `${result.readingsPerSecond.toFixed(0)} readings/s, ${failed} failed${failed === 0 ? '' : ` (first: ${String(firstError)})`}`,
    );
    return result;
  } finally {
    for (const o of opened) o.close();
  }
}

/** Registers one feeder per LV organization and meter count on a grid of its own. */
async function registerFeeders(
  plan: IngestionMatrixPlan,
  paths: NetworkPaths,
  grid: string,
): Promise<Map<number, Map<string, Feeder>>> {
  const meterCounts = [...new Set(plan.modes.map((m) => m.metersPerSlot))];
  const byMeters = new Map<number, Map<string, Feeder>>();
  for (const [i, lv] of plan.lvs.entries()) {
    const admin = await openLvSubstation({ org: lv, slaveChannel: plan.channel, configDir: paths.configDir });
    try {
      for (const [j, meters] of meterCounts.entries()) {
        const topology = meteredFeeder(lv, `${grid}-${meters}`, 1 + i * 100_000 + j * 10_000, meters);
        const reference = await admin.client.registerTopology(topology);
        const byLv = byMeters.get(meters) ?? new Map<string, Feeder>();
        byLv.set(lv, { topology, reference });
        byMeters.set(meters, byLv);
      }
    } finally {
      admin.close();
    }
  }
  return byMeters;
}

function processCount(paths: NetworkPaths): Record<ProcessKind, number> {
  const count: Record<ProcessKind, number> = { orderer: 0, peer: 0, chaincode: 0 };
  for (const p of sampleNetworkCpu(paths.networkDir)) if (Number.isFinite(p.cpuSeconds)) count[p.kind] += 1;
  return count;
}

/**
 * Runs every mode of `plan` against the network of `paths`.
 * @throws the gateway client's errors when the network cannot be reached or refuses a topology.
 */
export async function runIngestionMatrixPhase(
  plan: IngestionMatrixPlan,
  paths: NetworkPaths,
  log: (line: string) => void,
): Promise<IngestionMatrixResult> {
  const grid = `ingest-${Date.now().toString(36)}`;
  const slotBase = 800_000_000_000 + (Math.floor(Date.now() / 1000) % 100_000) * 1_000_000;
  const feeders = await registerFeeders(plan, paths, grid);
  log(
    `ingestion matrix: topologies registered on grids ${grid}-*; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const modes: IngestionModeResult[] = [];
  for (const [i, mode] of plan.modes.entries()) {
    const byLv = feeders.get(mode.metersPerSlot);
    if (byLv === undefined) throw new Error(`no feeders of ${mode.metersPerSlot} meters`);
    modes.push(await runMode(mode, plan, paths, byLv, slotBase + i * 10_000_000, log));
  }
  return {
    modes,
    cores: availableParallelism(),
    processCount: processCount(paths),
    maxTx: plan.maxTx,
    maxSeconds: plan.maxSeconds,
    goal: plan.goal,
    at: new Date().toISOString(),
  };
}
