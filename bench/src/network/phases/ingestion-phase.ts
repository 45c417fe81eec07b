/**
 * `ingestion` phase: closed-loop LV substation clients on slave-hv1 (one gateway connection each,
 * one outstanding `Measurement:Submit` at a time, case33bw feeder data of Lv1a and Lv1b) at each
 * concurrency level of the plan, bounded by a transaction count and a time limit: sustained tx/s,
 * submit→commit latency percentiles, and peer ledger bytes per committed measurement.
 */
import { regionSlot, type LvSubstationClient } from '@carbontrace/gateway-client';

import { nowSeconds } from '../../timing';
import { peerLedgerBytes } from '../ledger-size';
import type { NetworkPlan } from '../network-plan';
import { percentiles, type IngestionLevel } from '../network-results';
import type { NetworkSession } from '../network-session';

/** What the phase measured. */
export interface IngestionPhaseResult {
  readonly levels: readonly IngestionLevel[];
  /** Ledger bytes per committed measurement, by peer. */
  readonly bytesPerTx: Record<string, number>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runLevel(
  session: NetworkSession,
  clients: number,
  limits: NetworkPlan['ingestion'],
): Promise<IngestionLevel> {
  const { region, topologies } = session.hv1;
  const lvOrgs = region.feeders.map((f) => f.lv);
  const orgOf = (c: number): string => lvOrgs[c % lvOrgs.length] ?? 'Lv1a';
  const connections: LvSubstationClient[] = [];
  for (let c = 0; c < clients; c += 1) connections.push(await session.openLv(orgOf(c), region.channel));
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let issued = 0;
  const started = nowSeconds();
  const deadline = started + limits.maxSeconds;
  await Promise.all(
    connections.map(async (client, c) => {
      const org = orgOf(c);
      while (issued < limits.maxTx && nowSeconds() < deadline) {
        issued += 1;
        const slot = session.takeSlot();
        const measurement = regionSlot(region, slot % 24, slot, topologies).measurements.find(
          (m) => m.substation === org,
        );
        if (measurement === undefined) throw new Error(`no measurement for ${org}`);
        const t0 = nowSeconds();
        try {
          const submitted = await client.submitMeasurement(measurement);
          session.probe.committed(region.channel, submitted.blockNumber);
          latencies.push(nowSeconds() - t0);
        } catch (error) {
          failed += 1;
          firstError ??= message(error).slice(0, 200);
        }
      }
    }),
  );
  const seconds = nowSeconds() - started;
  return {
    clients,
    committed: latencies.length,
    failed,
    seconds,
    tps: latencies.length / seconds,
    latency: percentiles(latencies),
    firstError,
  };
}

/** Runs every concurrency level of `plan.ingestion`, one after the other. */
export async function runIngestionPhase(
  session: NetworkSession,
  plan: NetworkPlan,
  log: (line: string) => void,
): Promise<IngestionPhaseResult> {
  const bytesBefore = peerLedgerBytes(plan.paths.nodesDir);
  const levels: IngestionLevel[] = [];
  for (const clients of plan.ingestion.clientLevels) {
    log(`network: ingestion with ${clients} concurrent clients`);
    levels.push(await runLevel(session, clients, plan.ingestion));
  }
  const committed = levels.reduce((sum, l) => sum + l.committed, 0);
  const bytesPerTx: Record<string, number> = {};
  for (const [peer, after] of Object.entries(peerLedgerBytes(plan.paths.nodesDir))) {
    bytesPerTx[peer] = (after - (bytesBefore[peer] ?? 0)) / Math.max(committed, 1);
  }
  return { levels, bytesPerTx };
}
