/**
 * `traces` phase: end-to-end traces of case4_carbon (Hv1's slave channel) and case33bw (split
 * across Hv1 and Hv2, both regions traced at once, as the main job does) through the job's
 * `traceRegionSlot`, with the session's anchor relays and the two bench providers, once with the
 * carbon flow recorded by condition b (the default) and once by GridCo, alternating. Per slot:
 * request → accepted result recorded and its steps, the whole slot from the LV submissions, seal →
 * anchored; then trace latency and anchoring lag percentiles and each peer's ledger growth per trace.
 */
import {
  MASTER_CHAINCODE,
  MASTER_CHANNEL,
  regionSlot,
  startAnswerTracker,
  traceRegionSlot,
  type AnswerTracker,
  type CloudProviderClient,
  type RegionSlot,
} from '@carbontrace/gateway-client';

import { nowSeconds } from '../../timing';
import { answerOwnTask } from '../bench-providers';
import { case4RegionSlot } from '../case4-slot';
import { peerLedgerBytes } from '../ledger-size';
import type { NetworkPlan } from '../network-plan';
import {
  latencyKey,
  percentiles,
  TRACE_STEPS,
  type Percentiles,
  type TraceRecording,
  type TraceSample,
  type TraceStep,
} from '../network-results';
import type { NetworkSession } from '../network-session';

/** What the phase measured. */
export interface TracePhaseResult {
  readonly traces: readonly TraceSample[];
  readonly failures: readonly string[];
  /** By case name, and `all`. */
  readonly latency: Record<string, Percentiles>;
  readonly ledgerBytesBefore: Record<string, number>;
  readonly ledgerBytesAfter: Record<string, number>;
  readonly ledgerGrowthPerTrace: Record<string, number>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The progress step a slot trace reports, as the mark the bench times. */
function markOf(step: string): string {
  if (step.startsWith('sealed')) return 'sealed';
  if (step.startsWith('package anchored')) return 'anchored';
  if (step.startsWith('requested')) return 'requested';
  if (step.startsWith('carbon flow recorded')) return 'recorded';
  return step.split(':')[0] ?? step;
}

/** The marks that end each step of {@link TRACE_STEPS} (the first one starts at 'anchored'). */
const STEP_END: Readonly<Record<TraceStep, string>> = {
  request: 'requested',
  'condition a': 'condition a',
  answers: 'answers',
  'condition b': 'condition b',
  record: 'recorded',
};

/** Traces `plan.traces.perCase` slots of each case; the session's services must be started. */
export async function runTracePhase(
  session: NetworkSession,
  clouds: readonly CloudProviderClient[],
  plan: NetworkPlan,
  log: (line: string) => void,
): Promise<TracePhaseResult> {
  const { regions } = session;
  const gridLedger = session.gridCo.connection.ledger();
  const trackers = new Map<string, AnswerTracker>();
  const providerIds: readonly [string, string] = [plan.traces.providers[0].id, plan.traces.providers[1].id];
  const traces: TraceSample[] = [];
  const failures: string[] = [];
  try {
    for (const r of regions) {
      trackers.set(
        r.region.hv,
        startAnswerTracker(
          r.hv.connection.network(MASTER_CHANNEL),
          MASTER_CHAINCODE,
          await r.hvLedger.height(MASTER_CHANNEL),
        ),
      );
    }
    const traceOne = async (caseName: string, data: RegionSlot, recordBy: TraceRecording): Promise<void> => {
      const region = regions.find((r) => r.region.hv === data.hv);
      const answers = trackers.get(data.hv);
      if (region === undefined || answers === undefined) throw new Error(`no region ${data.hv}`);
      const marks = new Map<string, number>();
      const taskId = `bench-${caseName}-${data.slot}-${data.hv.toLowerCase()}`;
      let finished = false;
      const answering = answerOwnTask(clouds, taskId, plan.traces.providerPollMs, () => finished);
      try {
        const outcome = await traceRegionSlot(
          {
            gridCo: session.gridCo.client,
            hv: region.hv.client,
            lvs: region.lvs,
            answers,
            hvLedger: region.hvLedger,
            gridLedger,
          },
          data,
          taskId,
          providerIds,
          (step) => {
            const key = markOf(step);
            // the last round's mark: a round that waits for recomputed answers counts to its step
            if (!marks.has(key) || key === 'answers' || key === 'condition b') marks.set(key, nowSeconds());
          },
          { recordBy },
        ).finally(() => {
          finished = true;
        });
        await answering;
        session.probe.committed(data.channel, outcome.sealBlock);
        const at = (k: string): number => marks.get(k) ?? Number.NaN;
        const stepSeconds = {} as Record<TraceStep, number>;
        let from = 'anchored';
        for (const step of TRACE_STEPS) {
          stepSeconds[step] = at(STEP_END[step]) - at(from);
          from = STEP_END[step];
        }
        traces.push({
          caseName,
          recordBy,
          stepSeconds,
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
          `network: ${caseName} ${data.hv} slot ${data.slot} (recorded by ${recordBy}): ${(at('recorded') - at('anchored')).toFixed(2)} s request → recorded`,
        );
      } catch (error) {
        await answering;
        failures.push(`${caseName} ${data.hv} slot ${data.slot}: ${message(error).slice(0, 300)}`);
        log(`network: trace failed: ${message(error)}`);
      }
    };

    const ledgerBytesBefore = peerLedgerBytes(plan.paths.nodesDir);
    // both ways of recording in the same run, alternating so that neither gets the quieter minutes
    const modes: readonly TraceRecording[] = ['condition-b', 'gridco'];
    for (let i = 0; i < plan.traces.perCase; i += 1) {
      for (const recordBy of modes) {
        await traceOne(
          'case4_carbon',
          case4RegionSlot(session.takeSlot(), session.case4Topologies),
          recordBy,
        );
      }
    }
    for (let hour = 0; hour < plan.traces.perCase; hour += 1) {
      for (const recordBy of modes) {
        const slot = session.takeSlot();
        await Promise.all(
          regions.map((r) =>
            traceOne('case33bw', regionSlot(r.region, (hour + 12) % 24, slot, r.topologies), recordBy),
          ),
        );
      }
    }
    const ledgerBytesAfter = peerLedgerBytes(plan.paths.nodesDir);
    const ledgerGrowthPerTrace: Record<string, number> = {};
    for (const [peer, after] of Object.entries(ledgerBytesAfter)) {
      ledgerGrowthPerTrace[peer] = (after - (ledgerBytesBefore[peer] ?? 0)) / Math.max(traces.length, 1);
    }
    const latency: Record<string, Percentiles> = {};
    for (const recordBy of modes) {
      const ofMode = traces.filter((t) => t.recordBy === recordBy);
      for (const name of ['case4_carbon', 'case33bw']) {
        latency[latencyKey(name, recordBy)] = percentiles(
          ofMode.filter((t) => t.caseName === name).map((t) => t.requestToRecordedSeconds),
        );
      }
      // 'all' is the product's default (condition b records); the summary's p50 is its
      latency[latencyKey('all', recordBy)] = percentiles(ofMode.map((t) => t.requestToRecordedSeconds));
    }
    return { traces, failures, latency, ledgerBytesBefore, ledgerBytesAfter, ledgerGrowthPerTrace };
  } finally {
    for (const t of trackers.values()) t.close();
  }
}
