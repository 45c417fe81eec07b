/**
 * The main job's network: MATPOWER's `case33bw` (Baran & Wu 12.66 kV feeder) split between the two
 * HV substations' slave channels, four LV feeders, six distributed generators and a carbon sidecar.
 *
 * ```
 *  Hv1 (slave-hv1)                          Hv2 (slave-hv2)
 *  bus 1 = Hv1 grid supply (slack)          bus 34 = Hv2 grid supply (slack, new)
 *   ├─ Lv1a: trunk 1–18, coal CHP @12,       ├─ Lv2a: 34–23–24–25 (old branch 3–23), PV @25
 *   │        PV @18                          └─ Lv2b: 34–26–…–33 (old branch 6–26), PV @33,
 *   └─ Lv1b: lateral 2–19–22, wind @22                   diesel evening peaker @30
 * ```
 *
 * The laterals that leave the trunk at buses 3 and 6 are re-fed from a second substation (bus 34)
 * through their original first-section impedances, so each HV substation's slave channel holds one
 * self-contained radial feeder (condition a solves each on its own). Normally-open tie lines are
 * left out. Loads are case33bw's, scaled per hour by a residential (Lv1a, Lv1b, Lv2a) or commercial
 * (Lv2b) profile. Carbon (sidecar of our choosing, stated here): Hv1's grid supply 0.581 tCO2/MWh,
 * Hv2's 0.650 tCO2/MWh; the CHP is a coal unit with PECC F = 0.02·P² + 0.30·P + 0.01 t/h, ζ = 1.0,
 * carbon content 0.60, oxidation 0.98, no capture; the diesel peaker a fixed 0.75 tCO2/MWh; PV and
 * wind zero-carbon.
 */
import { CarbonTraceError } from '@carbontrace/chaincode';
import type { PowerCase, TopologySubmission, UnitCarbonSpec } from '@carbontrace/chaincode';
import {
  COMMERCIAL_LOAD,
  EVENING_PEAKER,
  FLAT,
  PV_OUTPUT,
  RESIDENTIAL_LOAD,
  WIND_OUTPUT,
} from './day-profiles';

/** Carbon parameters of a unit without its name (the name is the unit's bus and id). */
export type UnitCarbon = UnitCarbonSpec extends infer U
  ? U extends unknown
    ? Omit<U, 'busId' | 'unitId'>
    : never
  : never;

/** A generating unit of an LV feeder. */
export interface FeederUnit {
  readonly busId: number;
  readonly unitId: string;
  /** Rating, MW (the slack unit's output is solved, its rating is 0 here). */
  readonly ratingMw: number;
  /** Output as a fraction of the rating, per hour. */
  readonly profile: readonly number[];
  /** True for the substation's grid supply at the slack bus. */
  readonly slack: boolean;
  /** Carbon parameters. */
  readonly carbon: UnitCarbon;
}

/** One LV feeder (one LV organization). */
export interface LvFeeder {
  /** LV organization id, e.g. `Lv1a`. */
  readonly lv: string;
  /** Its network fragment, registered once. */
  readonly topology: TopologySubmission;
  /** Base loads (case33bw's Pd/Qd) of its buses. */
  readonly loads: readonly { readonly busId: number; readonly pMw: number; readonly qMvar: number }[];
  /** Load profile of the feeder. */
  readonly loadProfile: readonly number[];
  /** Units connected to it. */
  readonly units: readonly FeederUnit[];
}

/** One HV substation's part of the network. */
export interface HvRegion {
  /** HV organization id, e.g. `Hv1`. */
  readonly hv: string;
  /** Its slave channel. */
  readonly channel: string;
  /** Its LV feeders, ordered by id. */
  readonly feeders: readonly LvFeeder[];
}

/** The split network. */
export interface SplitFeeder {
  /** The case file it was built from. */
  readonly source: string;
  readonly baseMva: number;
  readonly regions: readonly HvRegion[];
}

/** The bus added as Hv2's substation. */
export const HV2_SLACK_BUS = 34;

interface FeederPlan {
  readonly lv: string;
  readonly buses: readonly number[];
  /** Branches by their case33bw end buses; `feedFrom` re-feeds a lateral from another bus. */
  readonly branches: readonly { readonly from: number; readonly to: number; readonly feedFrom?: number }[];
  readonly slackBus?: number;
  readonly loadProfile: readonly number[];
  readonly units: readonly FeederUnit[];
}

const chain = (buses: readonly number[]): { from: number; to: number }[] =>
  buses.slice(1).map((to, i) => ({ from: buses[i] ?? 0, to }));

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

const PLANS: readonly { readonly hv: string; readonly feeders: readonly FeederPlan[] }[] = [
  {
    hv: 'Hv1',
    feeders: [
      {
        lv: 'Lv1a',
        buses: range(1, 18),
        branches: chain(range(1, 18)),
        slackBus: 1,
        loadProfile: RESIDENTIAL_LOAD,
        units: [
          {
            busId: 1,
            unitId: 'grid',
            ratingMw: 0,
            profile: FLAT,
            slack: true,
            carbon: { kind: 'grid', intensityTco2PerMwh: 0.581 },
          },
          {
            busId: 12,
            unitId: 'chp12',
            ratingMw: 0.3,
            profile: FLAT,
            slack: false,
            carbon: {
              kind: 'coal',
              pecc: { a: 0.02, b: 0.3, c: 0.01 },
              zeta: 1,
              carbonContentRate: 0.6,
              oxidationRate: 0.98,
              captureRate: 0,
            },
          },
          {
            busId: 18,
            unitId: 'pv18',
            ratingMw: 0.4,
            profile: PV_OUTPUT,
            slack: false,
            carbon: { kind: 'zero-carbon' },
          },
        ],
      },
      {
        lv: 'Lv1b',
        buses: range(19, 22),
        branches: [{ from: 2, to: 19 }, ...chain(range(19, 22))],
        loadProfile: RESIDENTIAL_LOAD,
        units: [
          {
            busId: 22,
            unitId: 'wt22',
            ratingMw: 0.25,
            profile: WIND_OUTPUT,
            slack: false,
            carbon: { kind: 'zero-carbon' },
          },
        ],
      },
    ],
  },
  {
    hv: 'Hv2',
    feeders: [
      {
        lv: 'Lv2a',
        buses: [HV2_SLACK_BUS, 23, 24, 25],
        branches: [{ from: 3, to: 23, feedFrom: HV2_SLACK_BUS }, ...chain([23, 24, 25])],
        slackBus: HV2_SLACK_BUS,
        loadProfile: RESIDENTIAL_LOAD,
        units: [
          {
            busId: HV2_SLACK_BUS,
            unitId: 'grid',
            ratingMw: 0,
            profile: FLAT,
            slack: true,
            carbon: { kind: 'grid', intensityTco2PerMwh: 0.65 },
          },
          {
            busId: 25,
            unitId: 'pv25',
            ratingMw: 0.3,
            profile: PV_OUTPUT,
            slack: false,
            carbon: { kind: 'zero-carbon' },
          },
        ],
      },
      {
        lv: 'Lv2b',
        buses: range(26, 33),
        branches: [{ from: 6, to: 26, feedFrom: HV2_SLACK_BUS }, ...chain(range(26, 33))],
        loadProfile: COMMERCIAL_LOAD,
        units: [
          {
            busId: 30,
            unitId: 'dg30',
            ratingMw: 0.2,
            profile: EVENING_PEAKER,
            slack: false,
            carbon: { kind: 'fixed', intensityTco2PerMwh: 0.75 },
          },
          {
            busId: 33,
            unitId: 'pv33',
            ratingMw: 0.35,
            profile: PV_OUTPUT,
            slack: false,
            carbon: { kind: 'zero-carbon' },
          },
        ],
      },
    ],
  },
];

/**
 * Splits case33bw as documented above.
 * @throws CarbonTraceError INVALID_CASE when the case is not case33bw's topology (a planned branch
 * or bus is missing or out of service).
 */
export function splitCase33bw(powerCase: PowerCase): SplitFeeder {
  const fail = (message: string, details: Record<string, number | string> = {}): never => {
    throw new CarbonTraceError('INVALID_CASE', `${powerCase.file}: ${message} (expected case33bw)`, {
      file: powerCase.file,
      ...details,
    });
  };
  const busById = new Map(powerCase.buses.map((b) => [b.id, b]));
  const refBus = busById.get(1) ?? fail('bus 1 is missing', { bus: 1 });
  const regions: HvRegion[] = PLANS.map((plan) => ({
    hv: plan.hv,
    channel: `slave-${plan.hv.toLowerCase()}`,
    feeders: plan.feeders.map((f): LvFeeder => {
      const buses = f.buses.map((id) => {
        const bus =
          id === HV2_SLACK_BUS ? refBus : (busById.get(id) ?? fail(`bus ${id} is missing`, { bus: id }));
        return {
          busId: id,
          kind: id === f.slackBus ? ('slack' as const) : ('pq' as const),
          baseKv: bus.baseKv,
          vmPu: 1,
          gsMw: 0,
          bsMvar: 0,
        };
      });
      const branches = f.branches.map((p) => {
        const branch =
          powerCase.branches.find(
            (b) =>
              b.inService &&
              ((b.fromBusId === p.from && b.toBusId === p.to) ||
                (b.fromBusId === p.to && b.toBusId === p.from)),
          ) ?? fail(`branch ${p.from}-${p.to} is missing or out of service`, { bus: p.from });
        return {
          fromBusId: p.feedFrom ?? p.from,
          toBusId: p.to,
          rPu: branch.rPu,
          xPu: branch.xPu,
          bPu: branch.bPu,
        };
      });
      const loads = f.buses.flatMap((id) => {
        const bus = id === HV2_SLACK_BUS ? undefined : busById.get(id);
        return bus === undefined || (bus.pdMw === 0 && bus.qdMvar === 0)
          ? []
          : [{ busId: id, pMw: bus.pdMw, qMvar: bus.qdMvar }];
      });
      return {
        lv: f.lv,
        topology: {
          id: `${f.lv.toLowerCase()}-case33bw`,
          substation: f.lv,
          baseMva: powerCase.baseMva,
          buses,
          branches,
        },
        loads,
        loadProfile: f.loadProfile,
        units: f.units,
      };
    }),
  }));
  return { source: powerCase.file, baseMva: powerCase.baseMva, regions };
}
