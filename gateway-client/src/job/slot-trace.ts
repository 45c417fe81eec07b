/**
 * One region's trace of one slot, end to end on the network (DESIGN.md §3): LV substations submit,
 * the HV substation seals the package, waits until its relay has anchored it, GridCo requests the
 * trace, the HV substation runs condition a, the cloud workers answer (separately), condition b
 * runs each time the expected answers are in until the arbitration ends, and the carbon flow is
 * recorded: by the condition b that accepts (the request's `recordOnAccept`, the default: one
 * commit fewer) or by GridCo's own `RecordCarbonFlow`. The result is compared with the local engine.
 */
import type { ArbitrationSummary, CarbonFlowHeader, CarbonFlowRecord } from '@carbontrace/chaincode';
import type { GridCompanyClient } from '../clients/grid-company-client';
import type { HvSubstationClient } from '../clients/hv-substation-client';
import type { LvSubstationClient } from '../clients/lv-substation-client';
import type { LedgerWaiter } from '../sdk/ledger-height';
import { MASTER_CHANNEL } from '../sdk/network-names';
import { isContractError } from '../sdk/client-errors';
import type { AnswerTracker, ExpectedAnswer } from './answer-tracker';
import type { LedgerComparison, LocalTrace } from './local-reference';
import { compareWithLedger, localTrace } from './local-reference';
import type { RegionSlot } from './slot-data';
import { pollUntil } from '../sdk/polling';

/** The clients one region's trace needs. */
export interface RegionClients {
  readonly gridCo: GridCompanyClient;
  readonly hv: HvSubstationClient;
  /** By LV organization id. */
  readonly lvs: ReadonlyMap<string, LvSubstationClient>;
  /** Answers as the HV substation's own peer commits them. */
  readonly answers: AnswerTracker;
  /** Blocks committed on the HV substation's peer. */
  readonly hvLedger: LedgerWaiter;
  /** Blocks committed on GridCo's peer. */
  readonly gridLedger: LedgerWaiter;
}

/** Timing, limits and recording of a slot trace. */
export interface SlotTraceLimits {
  /** Longest wait for the relay to anchor a sealed package, ms. @default 120000 */
  readonly anchorTimeoutMs?: number;
  /** Longest wait for the expected provider answers of one round, ms. @default 600000 */
  readonly answerTimeoutMs?: number;
  /**
   * Who records the carbon flow: the condition b that accepts the result, in the same transaction
   * (`'condition-b'`, the request's `recordOnAccept`), or GridCo afterwards (`'gridco'`,
   * `RecordCarbonFlow`, one more dependent commit). @default 'condition-b'
   */
  readonly recordBy?: 'condition-b' | 'gridco';
}

/** Outcome of one region's slot. */
export interface SlotTraceOutcome {
  readonly hv: string;
  readonly channel: string;
  readonly hour: number;
  readonly slot: number;
  readonly taskId: string;
  readonly packageSha256: string;
  /** Slave block that sealed the package (anchored on master). */
  readonly sealBlock: number;
  readonly arbitration: ArbitrationSummary;
  readonly carbonFlow: CarbonFlowRecord;
  readonly local: LocalTrace;
  readonly comparison: LedgerComparison;
  /** Wall-clock seconds of the whole slot. */
  readonly seconds: number;
}

/**
 * Traces one region's slot.
 * @throws the typed errors of the clients; Error on a timeout (naming what was awaited).
 */
export async function traceRegionSlot(
  clients: RegionClients,
  slot: RegionSlot,
  taskId: string,
  providers: readonly [string, string] | undefined,
  progress: (step: string) => void,
  limits: Readonly<SlotTraceLimits> = {},
): Promise<SlotTraceOutcome> {
  const started = Date.now();
  const submitted = await Promise.all(
    slot.measurements.map(async (m) => {
      const lv = clients.lvs.get(m.substation);
      if (lv === undefined) throw new Error(`no client for LV substation ${m.substation}`);
      try {
        return (await lv.submitMeasurement(m)).blockNumber;
      } catch (error: unknown) {
        // A submit retried after a transport timeout may find its own first attempt committed:
        // accept it when the stored version is exactly this measurement.
        if (!isContractError(error, 'ALREADY_EXISTS')) throw error;
        const stored = await lv.getMeasurement(m.slot);
        const same = (x: unknown): string => JSON.stringify(x);
        if (
          stored.version !== 1 ||
          same(stored.loads) !== same(m.loads) ||
          same(stored.generators) !== same(m.generators)
        ) {
          throw error;
        }
        progress(`${m.substation}: the retried submission had committed (version 1 matches)`);
        return 0n;
      }
    }),
  );
  // The HV peer must hold every LV submission before it seals the slot. (A peer reports a block's
  // height a moment before its state database holds the writes, hence the state-level check too.)
  await clients.hvLedger.waitForBlock(
    slot.channel,
    submitted.reduce((a, b) => (a > b ? a : b), 0n),
  );
  await pollUntil(
    async () =>
      (await clients.hv.slotSubmissions(slot.slot)) >= slot.measurements.length ? true : undefined,
    {
      what: `${slot.hv} to see every LV submission of slot ${slot.slot}`,
      timeoutMs: 60_000,
      initialIntervalMs: 50,
    },
  );
  progress(`${slot.measurements.length} LV submissions`);
  const sealed = await clients.hv.sealSlot(slot.slot);
  progress(`sealed in ${slot.channel} block ${sealed.blockNumber}`);
  await pollUntil(
    async () =>
      (await clients.hv.packageAnchored(slot.channel, slot.slot, sealed.result.sha256)) ? true : undefined,
    {
      what: `the anchoring of the package of slot ${slot.slot} on ${slot.channel}`,
      timeoutMs: limits.anchorTimeoutMs ?? 120_000,
      initialIntervalMs: 250,
      maxIntervalMs: 250,
    },
  );
  progress('package anchored on master');
  const recordOnAccept = (limits.recordBy ?? 'condition-b') === 'condition-b';
  const request = await clients.gridCo.requestTrace({
    taskId,
    channel: slot.channel,
    slot: slot.slot,
    units: slot.units,
    profile: 'monomial',
    intervalMinutes: slot.intervalMinutes,
    ...(recordOnAccept ? { recordOnAccept } : {}),
    ...(providers === undefined ? {} : { providers }),
  });
  progress(`requested in master block ${request.blockNumber}`);
  // Condition a runs on the HV peer: it must hold GridCo's request first.
  await clients.hvLedger.waitForBlock(MASTER_CHANNEL, request.blockNumber);
  await pollUntil(async () => ((await clients.hv.hasTask(taskId)) ? true : undefined), {
    what: `${slot.hv} to see task ${taskId}`,
    timeoutMs: 60_000,
    initialIntervalMs: 50,
  });
  const conditionA = await clients.hv.conditionA(taskId);
  const { I, II } = conditionA.result.assignment;
  progress(`condition a: I=${I ?? '-'} II=${II ?? '-'}`);
  let summary: ArbitrationSummary = await clients.hv.arbitration(taskId);
  let lastBlock = conditionA.blockNumber;
  let recorded: CarbonFlowHeader | undefined;
  for (let round = 0; summary.stage !== 'END'; round++) {
    if (round > 12)
      throw new Error(`task ${taskId} did not settle after ${round} rounds (stage ${summary.stage})`);
    const expected: ExpectedAnswer[] = summary.expected.flatMap((e) =>
      e.type === 'submit' || e.type === 'recompute'
        ? [
            {
              taskId,
              role: e.role,
              kind: e.type === 'recompute' ? ('recompute' as const) : ('first' as const),
            },
          ]
        : [],
    );
    await clients.answers.waitFor(expected, limits.answerTimeoutMs ?? 600_000);
    progress(`answers: ${expected.map((e) => `${e.role} (${e.kind})`).join(', ') || 'none awaited'}`);
    const conditionB = await clients.hv.conditionB(taskId);
    const { carbonFlow: header, ...arbitration } = conditionB.result;
    summary = arbitration;
    recorded = header ?? recorded;
    lastBlock = conditionB.blockNumber;
    progress(`condition b: ${summary.path.join('→')}`);
  }
  const carbonFlow =
    recorded === undefined
      ? await recordByGridCo(clients, taskId, lastBlock, progress)
      : await readRecorded(clients, taskId, lastBlock, progress);
  const local = localTrace(slot);
  const comparison = compareWithLedger(carbonFlow.proposal, local);
  progress(
    `compared with the local engine: accepted from ${carbonFlow.acceptedFrom}, max rel. error ${comparison.maxRelError.toExponential(2)}`,
  );
  return {
    hv: slot.hv,
    channel: slot.channel,
    hour: slot.hour,
    slot: slot.slot,
    taskId,
    packageSha256: sealed.result.sha256,
    sealBlock: Number(sealed.blockNumber),
    arbitration: summary,
    carbonFlow,
    local,
    comparison,
    seconds: (Date.now() - started) / 1000,
  };
}

/** GridCo records the carbon flow of a settled task once its peer holds the accepted result. */
async function recordByGridCo(
  clients: RegionClients,
  taskId: string,
  settledBlock: bigint,
  progress: (step: string) => void,
): Promise<CarbonFlowRecord> {
  await clients.gridLedger.waitForBlock(MASTER_CHANNEL, settledBlock);
  await pollUntil(async () => ((await clients.gridCo.hasAccepted(taskId)) ? true : undefined), {
    what: `GridCo to see the accepted result of ${taskId}`,
    timeoutMs: 60_000,
    initialIntervalMs: 50,
  });
  const submitted = await clients.gridCo.recordCarbonFlow(taskId);
  progress(`carbon flow recorded by GridCo in master block ${submitted.blockNumber}`);
  return submitted.result;
}

/** Reads, on GridCo's peer, the carbon flow that condition b recorded in `block`. */
async function readRecorded(
  clients: RegionClients,
  taskId: string,
  block: bigint,
  progress: (step: string) => void,
): Promise<CarbonFlowRecord> {
  progress(`carbon flow recorded by condition b in master block ${block}`);
  await clients.gridLedger.waitForBlock(MASTER_CHANNEL, block);
  return pollUntil(
    async () => {
      try {
        return await clients.gridCo.carbonFlow(taskId);
      } catch (error: unknown) {
        if (isContractError(error, 'NOT_FOUND')) return undefined;
        throw error;
      }
    },
    { what: `GridCo to see the carbon flow of ${taskId}`, timeoutMs: 60_000, initialIntervalMs: 50 },
  );
}
