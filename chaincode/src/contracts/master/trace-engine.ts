/**
 * The engine steps of the Trace contract, on the HV peer: the plaintext problem of a slot
 * (case → AC power flow → extended network → outsourcing problem), the masked task of each
 * provider role, the decryption and verification of a provider's answer, and the carbon-flow
 * proposal of an accepted result. Pure functions of their inputs (no ledger access).
 */
import { assertCarbonConservation } from '../../carbon/conservation-checks';
import { carbonFlowRates } from '../../carbon/carbon-flow-rates';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import type { Submission } from '../../outsourcing/arbitration';
import { computeLocalTrace } from '../../outsourcing/local-trace';
import type { MaskKey, MaskProfile } from '../../outsourcing/mask-key';
import { generateTaskKey, maskTask } from '../../outsourcing/mask-task';
import { parseMaskedResult, serializeMaskedTask } from '../../outsourcing/masked-payloads';
import type { MaskedTask } from '../../outsourcing/masked-payloads';
import { buildOutsourcingProblem } from '../../outsourcing/outsourcing-problem';
import type { OutsourcingProblem } from '../../outsourcing/outsourcing-problem';
import { toComparable } from '../../outsourcing/trace-groups';
import type { TraceGroups } from '../../outsourcing/trace-groups';
import { unmaskResult } from '../../outsourcing/unmask-result';
import { verifyResult } from '../../outsourcing/verify-result';
import { solvePowerFlow } from '../../powerflow/solve-power-flow';
import { buildDistributionSystem } from '../../tracing/build-distribution-system';
import { traceComponents } from '../../tracing/trace-components';
import type { SlotPackage } from '../slave/slot-package';
import { caseFromPackage, sidecarForCase } from './slot-case';
import type { CaseUnit, UnitCarbonSpec } from './slot-case';

/** Provider roles and their "encryption method" numbers. */
export const ROLE_NUMBER = { I: 1, II: 2, III: 3 } as const;

/** The plaintext problem of a slot, with what the proposal needs to name things. */
export interface SlotProblem {
  readonly problem: OutsourcingProblem;
  readonly units: readonly CaseUnit[];
  /** Power-flow iterations and final mismatch (reported in condition a's event). */
  readonly powerFlow: { readonly iterations: number; readonly maxMismatchPu: number };
}

/** Builds the plaintext problem of a slot package. */
export function problemOfPackage(pkg: SlotPackage, units: readonly UnitCarbonSpec[]): SlotProblem {
  const slotCase = caseFromPackage(pkg);
  const sidecar = sidecarForCase(slotCase, units);
  const flow = solvePowerFlow(slotCase.powerCase);
  const system = buildDistributionSystem(slotCase.powerCase, flow);
  return {
    problem: buildOutsourcingProblem(system, sidecar),
    units: slotCase.units,
    powerFlow: { iterations: flow.iterations, maxMismatchPu: flow.maxMismatchPu },
  };
}

/** The one-time key of a provider role (derived from the transient seed; the outsourcing key policy). */
export function keyOfRole(
  problem: OutsourcingProblem,
  seed: string,
  taskId: string,
  provider: number,
  profile: MaskProfile,
): MaskKey {
  return generateTaskKey(problem, { seed, taskId, provider, profile });
}

/** The masked task of a role and its canonical JSON (size-limited). */
export function maskedTaskOfRole(
  problem: OutsourcingProblem,
  seed: string,
  taskId: string,
  provider: number,
  profile: MaskProfile,
): { key: MaskKey; task: MaskedTask; json: string } {
  const key = keyOfRole(problem, seed, taskId, provider, profile);
  const task = maskTask(problem, key, { taskId, provider, returnInverse: false });
  return { key, task, json: serializeMaskedTask(task) };
}

/** A decrypted and verified answer. */
export interface EvaluatedAnswer {
  readonly submission: Submission;
  /** The decrypted groups when the answer parsed. */
  readonly groups: TraceGroups | undefined;
  readonly residualRelative: number | null;
  readonly failures: readonly string[];
}

/** Decrypts and verifies (F.4) a provider's masked answer; a malformed answer is a failed submission. */
export function evaluateAnswer(
  problem: OutsourcingProblem,
  key: MaskKey,
  task: MaskedTask,
  resultJson: string,
): EvaluatedAnswer {
  let groups: TraceGroups;
  try {
    groups = unmaskResult(problem, key, parseMaskedResult(resultJson, task));
  } catch {
    return {
      submission: { kind: 'failed', reason: 'malformed' },
      groups: undefined,
      residualRelative: null,
      failures: ['malformed'],
    };
  }
  const verdict = verifyResult(problem, groups);
  return {
    submission: { kind: 'result', result: toComparable(groups), valid: verdict.valid },
    groups,
    residualRelative: verdict.residualRelative,
    failures: verdict.failures,
  };
}

/** The internal data center's plaintext trace (S5). */
export function dataCenterTrace(problem: OutsourcingProblem): TraceGroups {
  return computeLocalTrace(problem);
}

/** The carbon-flow proposal of an accepted result (D1–D5 with C-i..C-v asserted). */
export interface CarbonProposal {
  readonly busIds: readonly number[];
  /** For each traced branch: its row in the slot case and its end buses. */
  readonly branches: readonly {
    readonly row: number;
    readonly fromBusId: number;
    readonly toBusId: number;
  }[];
  readonly generators: readonly { readonly busId: number; readonly unitId: string; readonly pMw: number }[];
  readonly generatorIntensityTco2PerMwh: readonly number[];
  readonly emissionTco2PerH: readonly number[];
  /** Per bus. */
  readonly loadMw: readonly number[];
  readonly loadTco2PerH: readonly number[];
  /** Per bus × unit (row-major, K columns). */
  readonly loadByGeneratorTco2PerH: readonly number[];
  /** Per traced branch. */
  readonly lossMw: readonly number[];
  readonly lossTco2PerH: readonly number[];
  readonly sendingTco2PerH: readonly number[];
  readonly receivingTco2PerH: readonly number[];
  /** Per extended node (buses, then virtual branch nodes). */
  readonly throughFlowMw: readonly number[];
  readonly nodeIntensityTco2PerMwh: readonly number[];
  readonly conservation: {
    readonly systemTco2PerH: number;
    readonly perUnitTco2PerH: number;
    readonly perBranchTco2PerH: number;
    readonly perBusTco2PerH: number;
  };
}

/**
 * Prices an accepted result into carbon flow rates and asserts conservation.
 * @throws CarbonTraceError CONSERVATION_VIOLATED.
 */
export function carbonProposal(
  problem: OutsourcingProblem,
  units: readonly CaseUnit[],
  groups: TraceGroups,
): CarbonProposal {
  const system = problem.system;
  const components = traceComponents(system, groups.solutionMw);
  const intensities = groups.intensityTco2PerMwh;
  const rates = carbonFlowRates(system, groups.solutionMw, components, intensities);
  const emissions = Float64Array.from(intensities, (e, g) => e * (problem.generatorMw[g] ?? 0));
  const conservation = assertCarbonConservation(system, rates, emissions, intensities);
  return {
    busIds: system.busIds,
    branches: system.branchRows.map((row, k) => ({
      row,
      fromBusId: system.busIds[system.branchEnds[k]?.from ?? -1] ?? -1,
      toBusId: system.busIds[system.branchEnds[k]?.to ?? -1] ?? -1,
    })),
    generators: system.generators.map((g) => {
      const unit = g.source === 'gen' ? units[g.genIndex] : undefined;
      return { busId: g.busId, unitId: unit?.unitId ?? `negative-load-${g.busId}`, pMw: g.pMw };
    }),
    generatorIntensityTco2PerMwh: Array.from(intensities),
    emissionTco2PerH: Array.from(emissions),
    loadMw: Array.from(system.loadMw.subarray(0, system.busCount)),
    loadTco2PerH: Array.from(rates.loadTco2PerH),
    loadByGeneratorTco2PerH: Array.from(rates.loadByGeneratorTco2PerH),
    lossMw: Array.from(system.lossMw.subarray(system.busCount)),
    lossTco2PerH: Array.from(rates.lossTco2PerH),
    sendingTco2PerH: Array.from(rates.sendingTco2PerH),
    receivingTco2PerH: Array.from(rates.receivingTco2PerH),
    throughFlowMw: Array.from(system.throughFlowMw),
    nodeIntensityTco2PerMwh: Array.from(rates.nodeIntensityTco2PerMwh),
    conservation,
  };
}

/** Relative/absolute tolerance of GridCo's re-check of a proposal (MATH.md §D). */
export const CONSERVATION_TOLERANCE = { relative: 1e-9, absolute: 1e-9 } as const;

/**
 * GridCo's re-check of a published proposal from its numbers alone: C-i (system balance),
 * C-iii (each branch: sending = receiving + loss) and C-v (nodal intensities within the range of
 * the unit intensities).
 * @throws CarbonTraceError CONSERVATION_VIOLATED naming the check and where.
 */
export function recheckConservation(p: CarbonProposal): void {
  const close = (check: string, where: string, lhs: number, rhs: number): void => {
    const scale = Math.max(Math.abs(lhs), Math.abs(rhs));
    if (Math.abs(lhs - rhs) > CONSERVATION_TOLERANCE.absolute + CONSERVATION_TOLERANCE.relative * scale) {
      throw new CarbonTraceError('CONSERVATION_VIOLATED', `${check} fails at ${where}: ${lhs} ≠ ${rhs}`, {
        check,
        where,
        value: lhs - rhs,
      });
    }
  };
  const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
  close('C-i', 'system', sum(p.loadTco2PerH) + sum(p.lossTco2PerH), sum(p.emissionTco2PerH));
  p.sendingTco2PerH.forEach((s, k) => {
    close('C-iii', `branch ${k}`, s, (p.receivingTco2PerH[k] ?? 0) + (p.lossTco2PerH[k] ?? 0));
  });
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const e of p.generatorIntensityTco2PerMwh) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  p.nodeIntensityTco2PerMwh.forEach((e, x) => {
    const slack = CONSERVATION_TOLERANCE.absolute + CONSERVATION_TOLERANCE.relative * Math.abs(hi);
    if (e < lo - slack || e > hi + slack) {
      throw new CarbonTraceError(
        'CONSERVATION_VIOLATED',
        `C-v fails at node ${x}: ${e} outside [${lo}, ${hi}]`,
        {
          check: 'C-v',
          where: `node ${x}`,
          value: e,
        },
      );
    }
  });
}

/** True when decrypted groups are exactly the accepted comparable result. */
export function sameResult(groups: TraceGroups, result: unknown): boolean {
  // canonical forms: state comes back from the ledger with sorted keys
  return canonicalJson(toComparable(groups)) === canonicalJson(result);
}
