/**
 * The carbon sidecar (DESIGN.md §4): per-unit carbon parameters in a JSON file beside the case.
 *
 * ```json
 * {"generators":[
 *   {"gen":1,"kind":"coal","pecc":{"a":0.0004,"b":0.12,"c":2.5},"zeta":1.01,
 *    "carbonContentRate":0.8,"oxidationRate":0.98,"captureRate":0.8},
 *   {"gen":2,"kind":"grid","intensityTco2PerMwh":0.58},
 *   {"gen":3,"kind":"fixed","intensityTco2PerMwh":0.4},
 *   {"gen":4,"kind":"zero-carbon"}]}
 * ```
 *
 * `gen` is the 1-based row of `mpc.gen`. Units not listed are zero-carbon. `zeta` defaults to 1 and
 * `captureRate` to 0 (MATH.md C2, C3). Errors are {@link InvalidSidecarError} naming the file, the
 * field and the generator.
 */
import { InvalidSidecarError } from './invalid-case-error';
import type { PowerCase } from './power-case';

/** Coal-consumption curve F(P) = a·P² + b·P + c, t/h of standard coal (MATH.md C1). */
export interface PeccCoefficients {
  /** t/(MW²·h). */
  readonly a: number;
  /** t/MWh. */
  readonly b: number;
  /** t/h. */
  readonly c: number;
}

/** A coal-fired unit whose intensity follows from its PECC (MATH.md §C). */
export interface CoalUnitCarbon {
  readonly kind: 'coal';
  /** 0-based row of `mpc.gen`. */
  readonly genRow: number;
  readonly pecc: PeccCoefficients;
  /** Operating correction factor ζ (default 1). */
  readonly zeta: number;
  /** Carbon content rate η, tC per t of coal. */
  readonly carbonContentRate: number;
  /** Carbon oxidation rate ξ. */
  readonly oxidationRate: number;
  /** Captured fraction μ (default 0). */
  readonly captureRate: number;
}

/** A unit with a given intensity: a grid supply point (`grid`) or a fixed-intensity unit (`fixed`). */
export interface FixedIntensityUnitCarbon {
  readonly kind: 'grid' | 'fixed';
  /** 0-based row of `mpc.gen`. */
  readonly genRow: number;
  readonly intensityTco2PerMwh: number;
}

/** A unit that emits nothing (hydro, wind, PV). */
export interface ZeroCarbonUnitCarbon {
  readonly kind: 'zero-carbon';
  /** 0-based row of `mpc.gen`. */
  readonly genRow: number;
}

/** Carbon parameters of one unit. */
export type UnitCarbon = CoalUnitCarbon | FixedIntensityUnitCarbon | ZeroCarbonUnitCarbon;

/** A parsed sidecar: one entry per listed unit, in file order. */
export interface CarbonSidecar {
  readonly file: string;
  readonly units: readonly UnitCarbon[];
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and validates a sidecar against its case.
 * @param text the JSON text; @param file its name (for messages); @param powerCase the case it describes.
 * @throws InvalidSidecarError on malformed JSON, unknown kinds, missing or non-numeric fields, a
 * `gen` that is not a row of `mpc.gen`, or a unit listed twice.
 */
export function parseCarbonSidecar(text: string, file: string, powerCase: PowerCase): CarbonSidecar {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidSidecarError(file, '$', 0, `not valid JSON (${reason})`);
  }
  if (!isObject(data) || !Array.isArray(data['generators'])) {
    throw new InvalidSidecarError(file, 'generators', 0, 'expected an object with a "generators" array');
  }
  const entries: readonly unknown[] = data['generators'];
  const seen = new Set<number>();
  const units = entries.map((entry, index): UnitCarbon => {
    const path = `generators[${index}]`;
    if (!isObject(entry)) throw new InvalidSidecarError(file, path, 0, 'expected an object');
    const gen = entry['gen'];
    if (typeof gen !== 'number' || !Number.isInteger(gen) || gen < 1) {
      throw new InvalidSidecarError(
        file,
        `${path}.gen`,
        0,
        `must be a 1-based row of mpc.gen (got ${JSON.stringify(gen)})`,
      );
    }
    if (gen > powerCase.generators.length) {
      throw new InvalidSidecarError(
        file,
        `${path}.gen`,
        gen,
        `no such generator: ${powerCase.file} has ${powerCase.generators.length} rows in mpc.gen`,
      );
    }
    if (seen.has(gen)) throw new InvalidSidecarError(file, `${path}.gen`, gen, 'generator listed twice');
    seen.add(gen);
    const genRow = gen - 1;
    const number = (object: JsonObject, key: string, field: string, fallback?: number): number => {
      const value = object[key];
      if (value === undefined && fallback !== undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidSidecarError(
          file,
          field,
          gen,
          `must be a finite number (got ${JSON.stringify(value)})`,
        );
      }
      return value;
    };
    const kind = entry['kind'];
    switch (kind) {
      case 'coal': {
        const pecc = entry['pecc'];
        if (!isObject(pecc))
          throw new InvalidSidecarError(file, `${path}.pecc`, gen, 'expected {"a","b","c"}');
        const unit: CoalUnitCarbon = {
          kind,
          genRow,
          pecc: {
            a: number(pecc, 'a', `${path}.pecc.a`),
            b: number(pecc, 'b', `${path}.pecc.b`),
            c: number(pecc, 'c', `${path}.pecc.c`),
          },
          zeta: number(entry, 'zeta', `${path}.zeta`, 1),
          carbonContentRate: number(entry, 'carbonContentRate', `${path}.carbonContentRate`),
          oxidationRate: number(entry, 'oxidationRate', `${path}.oxidationRate`),
          captureRate: number(entry, 'captureRate', `${path}.captureRate`, 0),
        };
        if (unit.captureRate < 0 || unit.captureRate > 1) {
          throw new InvalidSidecarError(file, `${path}.captureRate`, gen, 'must lie in [0, 1]');
        }
        if (unit.zeta <= 0 || unit.carbonContentRate < 0 || unit.oxidationRate < 0) {
          throw new InvalidSidecarError(
            file,
            path,
            gen,
            'zeta must be positive, carbon content and oxidation rates ≥ 0',
          );
        }
        return unit;
      }
      case 'grid':
      case 'fixed': {
        const intensityTco2PerMwh = number(entry, 'intensityTco2PerMwh', `${path}.intensityTco2PerMwh`);
        if (intensityTco2PerMwh < 0) {
          throw new InvalidSidecarError(file, `${path}.intensityTco2PerMwh`, gen, 'must be ≥ 0');
        }
        return { kind, genRow, intensityTco2PerMwh };
      }
      case 'zero-carbon':
        return { kind, genRow };
      default:
        throw new InvalidSidecarError(
          file,
          `${path}.kind`,
          gen,
          `must be "coal", "grid", "fixed" or "zero-carbon" (got ${JSON.stringify(kind)})`,
        );
    }
  });
  return { file, units };
}
