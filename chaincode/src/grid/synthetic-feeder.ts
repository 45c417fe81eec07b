/**
 * A deterministic synthetic radial feeder for scale tests and benchmarks: n buses, K distributed
 * generators, a seed. Bus 1 is the substation (slack, supplied by a `grid` unit); every other bus
 * hangs off a uniformly drawn earlier bus (a random recursive tree, depth about ln n), carries a
 * PQ load, and K of them host a DG modelled as a generator at a PQ bus. Impedances are scaled with
 * the total load so that the voltage stays within a few percent at any size.
 *
 * The same (n, K, seed) always gives the same case (SHA-256 counter-mode {@link SeededRandom}).
 */
import { CarbonTraceError } from '../common/errors';
import { SeededRandom } from '../common/prng';
import type { CarbonSidecar, UnitCarbon } from './carbon-sidecar';
import type { Branch, Bus, Generator, PowerCase } from './power-case';

/** Options of {@link generateRadialFeeder}. */
export interface RadialFeederOptions {
  /** Number of buses n (≥ 2). */
  readonly busCount: number;
  /** Number of distributed generators K (0 ≤ K < n). */
  readonly dgCount: number;
  /** Seed of the generator. */
  readonly seed: string;
  /**
   * Mean active load per bus, MW.
   * @default 0.02
   */
  readonly meanLoadMw?: number;
  /**
   * Total DG output as a fraction of total load.
   * @default 0.3
   */
  readonly dgShare?: number;
}

/** A generated feeder and a matching carbon sidecar. */
export interface GeneratedFeeder {
  readonly powerCase: PowerCase;
  /** Grid supply at 0.58 tCO2/MWh; DGs alternate zero-carbon and fixed 0.45 tCO2/MWh. */
  readonly sidecar: CarbonSidecar;
}

/**
 * Generates a radial feeder.
 * @throws CarbonTraceError INVALID_ARGUMENT for n < 2, K < 0 or K ≥ n.
 */
export function generateRadialFeeder(options: Readonly<RadialFeederOptions>): GeneratedFeeder {
  const { busCount: n, dgCount: k, seed } = options;
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(k) || k < 0 || k >= n) {
    throw new CarbonTraceError('INVALID_ARGUMENT', `need integers n ≥ 2 and 0 ≤ K < n (got n=${n}, K=${k})`, {
      n,
      k,
    });
  }
  const meanLoadMw = options.meanLoadMw ?? 0.02;
  const dgShare = options.dgShare ?? 0.3;
  const baseMva = 10;
  const rng = new SeededRandom(seed, 'radial-feeder');

  const buses: Bus[] = [];
  let totalLoadMw = 0;
  for (let i = 1; i <= n; i += 1) {
    const pdMw = i === 1 ? 0 : meanLoadMw * (0.5 + rng.nextFloat());
    const qdMvar = pdMw * (0.3 + 0.3 * rng.nextFloat());
    totalLoadMw += pdMw;
    buses.push({
      id: i,
      type: i === 1 ? 3 : 1,
      pdMw,
      qdMvar,
      gsMw: 0,
      bsMvar: 0,
      vmPu: 1,
      vaDeg: 0,
      baseKv: 12.66,
    });
  }
  // Series impedance scale: a root-to-leaf path of about ln n branches, each carrying at most the
  // total load, should drop a few percent: r · (load in pu) · depth ≈ 0.03.
  let depth = 1;
  for (let m = n; m > 1; m /= 2.718281828459045) depth += 1;
  const rScalePu = 0.03 / ((totalLoadMw / baseMva) * depth);
  const branches: Branch[] = [];
  for (let i = 2; i <= n; i += 1) {
    const parent = 1 + rng.nextInt(i - 1);
    const rPu = rScalePu * (0.5 + rng.nextFloat());
    const xPu = rPu * (0.5 + rng.nextFloat());
    branches.push({
      row: i - 2,
      fromBusId: parent,
      toBusId: i,
      rPu,
      xPu,
      bPu: 0,
      tapRatio: 1,
      shiftDeg: 0,
      inService: true,
    });
  }
  const generators: Generator[] = [{ row: 0, busId: 1, pgMw: 0, qgMvar: 0, vgPu: 1, inService: true }];
  const units: UnitCarbon[] = [{ kind: 'grid', genRow: 0, intensityTco2PerMwh: 0.58 }];
  const dgBuses = rng
    .permutation(n - 1)
    .slice(0, k)
    .map((index) => index + 2);
  dgBuses.forEach((busId, d) => {
    const pgMw = ((dgShare * totalLoadMw) / Math.max(k, 1)) * (0.5 + rng.nextFloat());
    generators.push({ row: d + 1, busId, pgMw, qgMvar: 0, vgPu: 1, inService: true });
    units.push(
      d % 2 === 0
        ? { kind: 'zero-carbon', genRow: d + 1 }
        : { kind: 'fixed', genRow: d + 1, intensityTco2PerMwh: 0.45 },
    );
  });
  const name = `radial-n${n}-k${k}-${seed}`;
  return {
    powerCase: { name, file: `${name}.m`, baseMva, buses, generators, branches },
    sidecar: { file: `${name}.carbon.json`, units },
  };
}
