/**
 * A consumer's statement for a period, read from the ledger as the regulator (through
 * {@link RegulatorClient} only): for every interval of the period the bus's recorded intensity
 * entry (which names the task), the task's recorded carbon flow (per-unit rates) and its
 * provenance (the anchored slave block of the package). Energy and carbon are computed here from
 * the rates and the interval length (`interval-accounting.ts`); the ledger's records carry rates,
 * not interval lengths, so the interval length is given or detected from which slots exist.
 */
import { consumerIntervals, statementTotals } from '@carbontrace/chaincode';
import type { CarbonFlowRecord, ConsumerInterval, StatementTotals } from '@carbontrace/chaincode';
import type { RegulatorClient } from '../clients/regulator-client';
import { isContractError } from '../sdk/client-errors';
import { proposalRates } from './report-accounting';
import type { SlotInterval } from './data/wall-clock';
import { formatWithOffset, intervalAt, slotOfMs } from './data/wall-clock';
import { CANDIDATE_MINUTES } from './slot-label';

/** One interval of a statement. */
export interface StatementInterval extends ConsumerInterval {
  readonly slot: number;
  readonly start: string;
  readonly end: string;
  readonly taskId: string;
}

/** Where one task's numbers come from. */
export interface StatementProvenance {
  readonly taskId: string;
  readonly slot: number;
  /** Slave block that sealed the package (anchored on master), or null. */
  readonly anchoredSlaveBlock: number | null;
  readonly packageSha256: string | null;
  /** Master's anchored header hash of that block, or null. */
  readonly anchoredHeaderHash: string | null;
  readonly packageMatchesAnchor: boolean;
  readonly acceptedFrom: string;
}

/** A consumer's statement. */
export interface ConsumerStatement {
  readonly channel: string;
  readonly busId: number;
  readonly from: string;
  readonly to: string;
  readonly intervalMinutes: number;
  /** GHG Protocol Scope 2 method of the figures. */
  readonly method: 'location-based';
  readonly totals: StatementTotals;
  readonly intervals: readonly StatementInterval[];
  /** Intervals of the period with no trace on the ledger. */
  readonly missing: readonly { readonly start: string; readonly slot: number }[];
  readonly provenance: readonly StatementProvenance[];
}

/** Options of {@link consumerStatement}. */
export interface StatementOptions {
  readonly channel: string;
  readonly busId: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** UTC offset of the labels, minutes. @default 0 */
  readonly offsetMinutes?: number;
  /** Interval length, minutes. @default detected from the slots after `fromMs` */
  readonly intervalMinutes?: number;
}

async function busEntry(
  client: RegulatorClient,
  channel: string,
  slot: number,
  busId: number,
): Promise<{ taskId: string } | undefined> {
  try {
    return await client.busIntensity(channel, slot, busId);
  } catch (error: unknown) {
    if (isContractError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

/**
 * The interval length of the traces starting at `slot`: the smallest candidate length at which
 * the next slot is traced too (a single traced interval gets `fallbackMinutes`).
 * @throws Error when `slot` itself is not traced.
 */
export async function detectIntervalMinutes(
  client: RegulatorClient,
  channel: string,
  slot: number,
  busId: number,
  fallbackMinutes: number,
): Promise<number> {
  if ((await busEntry(client, channel, slot, busId)) === undefined) {
    throw new Error(
      `bus ${busId} of ${channel} has no trace at slot ${slot}; give the interval length (--interval)`,
    );
  }
  for (const minutes of CANDIDATE_MINUTES) {
    if ((await busEntry(client, channel, slot + minutes, busId)) !== undefined) return minutes;
  }
  return fallbackMinutes;
}

function provenanceOf(
  taskId: string,
  slot: number,
  flow: CarbonFlowRecord,
  raw: unknown,
): StatementProvenance {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const pkg = (o['anchoredPackage'] ?? null) as Record<string, unknown> | null;
  const block = (o['anchoredBlock'] ?? null) as Record<string, unknown> | null;
  return {
    taskId,
    slot,
    anchoredSlaveBlock: typeof pkg?.['blockNumber'] === 'number' ? pkg['blockNumber'] : null,
    packageSha256: typeof pkg?.['sha256'] === 'string' ? pkg['sha256'] : null,
    anchoredHeaderHash: typeof block?.['headerHash'] === 'string' ? block['headerHash'] : null,
    packageMatchesAnchor: o['packageMatchesAnchor'] === true,
    acceptedFrom: flow.acceptedFrom,
  };
}

/**
 * Builds the statement of bus `busId` on `channel` for [from, to).
 * @throws the client's typed errors; Error when the interval length cannot be detected.
 */
export async function consumerStatement(
  client: RegulatorClient,
  options: Readonly<StatementOptions>,
): Promise<ConsumerStatement> {
  const offset = options.offsetMinutes ?? 0;
  const firstSlot = slotOfMs(options.fromMs);
  const minutes =
    options.intervalMinutes ??
    (await detectIntervalMinutes(
      client,
      options.channel,
      firstSlot,
      options.busId,
      Math.max(1, Math.min(60, Math.round((options.toMs - options.fromMs) / 60_000))),
    ));
  const intervals: StatementInterval[] = [];
  const missing: { start: string; slot: number }[] = [];
  const provenance: StatementProvenance[] = [];
  const flows = new Map<string, CarbonFlowRecord>();
  for (let startMs = options.fromMs; startMs < options.toMs; startMs += minutes * 60_000) {
    const interval: SlotInterval = intervalAt(startMs, minutes, offset);
    const entry = await busEntry(client, options.channel, interval.slot, options.busId);
    if (entry === undefined) {
      missing.push({ start: interval.start, slot: interval.slot });
      continue;
    }
    let flow = flows.get(entry.taskId);
    if (flow === undefined) {
      flow = await client.carbonFlow(entry.taskId);
      flows.set(entry.taskId, flow);
      provenance.push(provenanceOf(entry.taskId, interval.slot, flow, await client.provenance(entry.taskId)));
    }
    const consumer = consumerIntervals(proposalRates(flow.proposal), minutes).find(
      (c) => c.busId === options.busId,
    );
    if (consumer === undefined) {
      missing.push({ start: interval.start, slot: interval.slot });
      continue;
    }
    intervals.push({
      ...consumer,
      slot: interval.slot,
      start: interval.start,
      end: interval.end,
      taskId: entry.taskId,
    });
  }
  return {
    channel: options.channel,
    busId: options.busId,
    from: formatWithOffset(options.fromMs, offset),
    to: formatWithOffset(options.toMs, offset),
    intervalMinutes: minutes,
    method: 'location-based',
    totals: statementTotals(intervals),
    intervals,
    missing,
    provenance,
  };
}
