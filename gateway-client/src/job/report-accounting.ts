/**
 * The main job's accounting from the ledger's recorded carbon flows: energy (MWh) and carbon
 * (tCO2 = rate × interval) per consumer per interval and over the run, and per unit what it
 * supplied to loads and branch losses (from the local engine's trace, which the job has checked
 * against the ledger to 1e-9: the ledger record has per-unit carbon of loads but no per-unit MW
 * and no per-unit loss yet). The run's totals are folds, fed one slot record at a time, so a report
 * of any length is written without holding the run in memory.
 */
import { consumerIntervals, statementTotals } from '@carbontrace/chaincode';
import type { CarbonProposal, ConsumerInterval, SlotRates, StatementTotals } from '@carbontrace/chaincode';
import type { SlotInterval } from './data/wall-clock';
import type { MainJobResult } from './main-job';
import type { SlotRecord } from './slot-log';

/** The accounting view of a recorded proposal. */
export function proposalRates(proposal: CarbonProposal): SlotRates {
  return {
    busIds: proposal.busIds,
    loadMw: proposal.loadMw,
    loadTco2PerH: proposal.loadTco2PerH,
    loadByGeneratorTco2PerH: proposal.loadByGeneratorTco2PerH,
    generators: proposal.generators,
  };
}

/** One consumer's interval, with where and when. */
export interface ConsumerIntervalRow extends ConsumerInterval {
  readonly hv: string;
  readonly channel: string;
  readonly slot: number;
  readonly start: string;
  readonly end: string;
  readonly taskId: string;
}

/** The interval of a traced slot. @throws Error when the job has none for its slot. */
export function intervalOf(
  result: Pick<MainJobResult, 'intervals'>,
  slot: { readonly slot: number },
): SlotInterval {
  const interval = result.intervals.get(slot.slot);
  if (interval === undefined) throw new Error(`no interval for slot ${slot.slot}`);
  return interval;
}

/** Every consumer of one traced slot. */
export function consumerRowsOf(record: SlotRecord, interval: SlotInterval): ConsumerIntervalRow[] {
  return consumerIntervals(proposalRates(record.carbonFlow.proposal), interval.minutes).map((c) => ({
    ...c,
    hv: record.hv,
    channel: record.channel,
    slot: record.slot,
    start: interval.start,
    end: interval.end,
    taskId: record.taskId,
  }));
}

/** A consumer's totals over the run. */
export interface ConsumerTotals extends StatementTotals {
  readonly hv: string;
  readonly busId: number;
}

/** Per consumer over the run, folded row by row (MATH.md interval accounting, `statementTotals`). */
export class ConsumerTotalsFold {
  readonly #groups = new Map<string, ConsumerTotals>();

  /** Adds one consumer interval. */
  add(row: ConsumerIntervalRow): void {
    const key = `${row.hv}/${row.busId}`;
    const before = this.#groups.get(key);
    // the totals so far enter statementTotals as one interval, so the sums run in row order
    const carried: ConsumerInterval[] =
      before === undefined
        ? []
        : [
            {
              busId: row.busId,
              energyMwh: before.energyMwh,
              carbonT: before.carbonT,
              intensityTco2PerMwh: null,
              byUnit: before.byUnit,
            },
          ];
    const totals = statementTotals([...carried, row]);
    this.#groups.set(key, {
      hv: row.hv,
      busId: row.busId,
      ...totals,
      intervals: (before?.intervals ?? 0) + 1,
    });
  }

  /** By region, then bus id (numerically). */
  totals(): ConsumerTotals[] {
    return [...this.#groups.values()].sort((a, b) =>
      a.hv < b.hv ? -1 : a.hv > b.hv ? 1 : a.busId - b.busId,
    );
  }
}

/** What a unit supplied over the run. */
export interface UnitTotals {
  readonly hv: string;
  readonly unitId: string;
  readonly busId: number;
  readonly loadMwh: number;
  readonly loadCarbonT: number;
  readonly lossMwh: number;
  readonly lossCarbonT: number;
}

/** Per unit over the run (local engine's B6–B7/D1/D3 × interval length), folded slot by slot. */
export class UnitTotalsFold {
  readonly #totals = new Map<string, UnitTotals>();

  /** Adds one traced slot of `minutes`. */
  add(record: SlotRecord, minutes: number): void {
    const hours = minutes / 60;
    for (const a of record.attribution) {
      const key = `${record.hv}/${a.busId}/${a.unitId}`;
      const t = this.#totals.get(key) ?? {
        hv: record.hv,
        unitId: a.unitId,
        busId: a.busId,
        loadMwh: 0,
        loadCarbonT: 0,
        lossMwh: 0,
        lossCarbonT: 0,
      };
      this.#totals.set(key, {
        ...t,
        loadMwh: t.loadMwh + a.loadMw * hours,
        loadCarbonT: t.loadCarbonT + a.loadTco2PerH * hours,
        lossMwh: t.lossMwh + a.lossMw * hours,
        lossCarbonT: t.lossCarbonT + a.lossTco2PerH * hours,
      });
    }
  }

  /** By region, bus id, then unit id. */
  totals(): UnitTotals[] {
    return [...this.#totals.values()].sort((a, b) =>
      a.hv < b.hv ? -1 : a.hv > b.hv ? 1 : a.busId - b.busId || (a.unitId < b.unitId ? -1 : 1),
    );
  }
}

/** A region's values at one interval, for the charts. */
export interface RegionPoint {
  readonly hv: string;
  readonly startMs: number;
  readonly start: string;
  /** Load-weighted average intensity of consumption, tCO2/MWh. */
  readonly intensityTco2PerMwh: number;
  /** Emission over the interval, tCO2. */
  readonly emissionT: number;
}

const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);

/** A region's average intensity and emission over one traced interval (a chart point). */
export function regionPointOf(record: SlotRecord, interval: SlotInterval): RegionPoint {
  const p = record.carbonFlow.proposal;
  return {
    hv: record.hv,
    startMs: interval.startMs,
    start: interval.start,
    intensityTco2PerMwh: sum(p.loadTco2PerH) / sum(p.loadMw),
    emissionT: (sum(p.emissionTco2PerH) * interval.minutes) / 60,
  };
}
