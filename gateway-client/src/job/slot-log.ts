/**
 * The main job's per-slot records, spilled to a JSON-lines file as each region's slot is traced.
 * The job keeps only a small digest per trace in memory (what its summary, the anchor checks and
 * the tests need); the report is written by streaming the file (job-report.ts). Before, the job kept
 * every outcome (local trace maps, carbon-flow record, arbitration) until the end of the run, so its
 * live heap grew by about 33 KB per trace: unbounded for a long-running job (issue 15).
 */
import { createReadStream, promises as fs } from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';
import type { ArbitrationSummary, CarbonFlowRecord } from '@carbontrace/chaincode';
import type { SlotInterval } from './data/wall-clock';
import type { LedgerComparison, LocalTrace, UnitAttribution } from './local-reference';
import type { SlotTraceOutcome } from './slot-trace';

/** One region's traced slot as written to the log: `report.json`'s slot entry without `consumers`. */
export interface SlotRecord {
  readonly start: string;
  readonly end: string;
  readonly hour: number;
  readonly slot: number;
  readonly hv: string;
  readonly channel: string;
  readonly taskId: string;
  readonly packageSha256: string;
  readonly sealBlock: number;
  readonly seconds: number;
  readonly arbitration: ArbitrationSummary;
  readonly carbonFlow: CarbonFlowRecord;
  readonly localTotals: LocalTrace['totals'];
  readonly comparison: LedgerComparison;
  readonly attribution: readonly UnitAttribution[];
}

/** What the job keeps in memory of one trace. */
export interface SlotDigest {
  readonly hv: string;
  readonly channel: string;
  readonly slot: number;
  readonly taskId: string;
  readonly packageSha256: string;
  /** Slave block that sealed the package (anchored on master). */
  readonly sealBlock: number;
  /** Final arbitration stage (`END` when settled). */
  readonly stage: string;
  /** Whose result was accepted, or null. */
  readonly acceptedFrom: string | null;
  /** Providers struck in this task. */
  readonly struck: readonly string[];
  /** Largest relative error against the local engine. */
  readonly maxRelError: number;
}

/** The record of an outcome in its interval. */
export function slotRecordOf(outcome: SlotTraceOutcome, interval: SlotInterval): SlotRecord {
  return {
    start: interval.start,
    end: interval.end,
    hour: outcome.hour,
    slot: outcome.slot,
    hv: outcome.hv,
    channel: outcome.channel,
    taskId: outcome.taskId,
    packageSha256: outcome.packageSha256,
    sealBlock: outcome.sealBlock,
    seconds: outcome.seconds,
    arbitration: outcome.arbitration,
    carbonFlow: outcome.carbonFlow,
    localTotals: outcome.local.totals,
    comparison: outcome.comparison,
    attribution: [...outcome.local.attribution.values()],
  };
}

function digestOf(outcome: SlotTraceOutcome): SlotDigest {
  return {
    hv: outcome.hv,
    channel: outcome.channel,
    slot: outcome.slot,
    taskId: outcome.taskId,
    packageSha256: outcome.packageSha256,
    sealBlock: outcome.sealBlock,
    stage: outcome.arbitration.stage,
    acceptedFrom: outcome.arbitration.acceptedFrom,
    struck: Object.entries(outcome.arbitration.strikesThisTask)
      .filter(([, count]) => count > 0)
      .map(([provider]) => provider)
      .sort(),
    maxRelError: outcome.comparison.maxRelError,
  };
}

/** An append-only log of a run's slot records, and the digests of what it holds. */
export class SlotLog {
  readonly file: string;
  readonly #digests: SlotDigest[] = [];

  private constructor(file: string) {
    this.file = file;
  }

  /** Creates (or empties) `file`. */
  static async create(file: string): Promise<SlotLog> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '');
    return new SlotLog(file);
  }

  /** Appends one trace; the line is on disk when the promise resolves. */
  async append(outcome: SlotTraceOutcome, interval: SlotInterval): Promise<void> {
    await fs.appendFile(this.file, `${JSON.stringify(slotRecordOf(outcome, interval))}\n`);
    this.#digests.push(digestOf(outcome));
  }

  /** The digests, in the order the traces were logged. */
  get digests(): readonly SlotDigest[] {
    return this.#digests;
  }
}

/**
 * Reads a slot log record by record (one line in memory at a time).
 * @throws Error naming the file and line of a line that is not a JSON object.
 */
export async function* readSlotRecords(file: string): AsyncGenerator<SlotRecord> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error: unknown) {
      throw new Error(
        `${file}:${line}: not a JSON slot record (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${file}:${line}: a slot record must be a JSON object`);
    }
    yield value as SlotRecord;
  }
}
