/**
 * The main job's accounting from the ledger's recorded carbon flows: energy (MWh) and carbon
 * (tCO2 = rate × interval) per consumer per interval and over the run, and per unit what it
 * supplied to loads and branch losses (from the local engine's trace, which the job has checked
 * against the ledger to 1e-9: the ledger record has per-unit carbon of loads but no per-unit MW
 * and no per-unit loss yet).
 */
import { consumerIntervals, statementTotals } from '@carbontrace/chaincode';
import type { CarbonProposal, ConsumerInterval, SlotRates, StatementTotals } from '@carbontrace/chaincode';
import type { SlotInterval } from './data/wall-clock';
import type { MainJobResult } from './main-job';
import type { SlotTraceOutcome } from './slot-trace';

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

/** The interval of an outcome. @throws Error when the job has none for its slot. */
export function intervalOf(result: MainJobResult, outcome: SlotTraceOutcome): SlotInterval {
  const interval = result.intervals.get(outcome.slot);
  if (interval === undefined) throw new Error(`no interval for slot ${outcome.slot}`);
  return interval;
}

/** Every consumer of every traced slot. */
export function consumerRows(result: MainJobResult): ConsumerIntervalRow[] {
  return result.outcomes.flatMap((o) => {
    const interval = intervalOf(result, o);
    return consumerIntervals(proposalRates(o.carbonFlow.proposal), interval.minutes).map((c) => ({
      ...c,
      hv: o.hv,
      channel: o.channel,
      slot: o.slot,
      start: interval.start,
      end: interval.end,
      taskId: o.taskId,
    }));
  });
}

/** A consumer's totals over the run. */
export interface ConsumerTotals extends StatementTotals {
  readonly hv: string;
  readonly busId: number;
}

/** Per consumer over the run, by region then bus id (numerically). */
export function consumerTotals(rows: readonly ConsumerIntervalRow[]): ConsumerTotals[] {
  const groups = new Map<string, { hv: string; busId: number; rows: ConsumerIntervalRow[] }>();
  for (const r of rows) {
    const key = `${r.hv}/${r.busId}`;
    const g = groups.get(key) ?? { hv: r.hv, busId: r.busId, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({ hv: g.hv, busId: g.busId, ...statementTotals(g.rows) }))
    .sort((a, b) => (a.hv < b.hv ? -1 : a.hv > b.hv ? 1 : a.busId - b.busId));
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

/** Per unit over the run (local engine's B6–B7/D1/D3 × interval length). */
export function unitTotals(result: MainJobResult): UnitTotals[] {
  const totals = new Map<string, UnitTotals>();
  for (const o of result.outcomes) {
    const hours = intervalOf(result, o).minutes / 60;
    for (const [key, a] of o.local.attribution) {
      const t = totals.get(`${o.hv}/${key}`) ?? {
        hv: o.hv,
        unitId: a.unitId,
        busId: a.busId,
        loadMwh: 0,
        loadCarbonT: 0,
        lossMwh: 0,
        lossCarbonT: 0,
      };
      totals.set(`${o.hv}/${key}`, {
        ...t,
        loadMwh: t.loadMwh + a.loadMw * hours,
        loadCarbonT: t.loadCarbonT + a.loadTco2PerH * hours,
        lossMwh: t.lossMwh + a.lossMw * hours,
        lossCarbonT: t.lossCarbonT + a.lossTco2PerH * hours,
      });
    }
  }
  return [...totals.values()].sort((a, b) =>
    a.hv < b.hv ? -1 : a.hv > b.hv ? 1 : a.busId - b.busId || (a.unitId < b.unitId ? -1 : 1),
  );
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

/** Per region and interval: average intensity and emission (the charts' points). */
export function regionPoints(result: MainJobResult): RegionPoint[] {
  return result.outcomes.map((o) => {
    const interval = intervalOf(result, o);
    const p = o.carbonFlow.proposal;
    const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
    return {
      hv: o.hv,
      startMs: interval.startMs,
      start: interval.start,
      intensityTco2PerMwh: sum(p.loadTco2PerH) / sum(p.loadMw),
      emissionT: (sum(p.emissionTco2PerH) * interval.minutes) / 60,
    };
  });
}
