/**
 * Simulated cloud-provider behaviours for tests, demos and the CLI: `honest`, `corrupt` (one
 * entry of its solution perturbed by 0.1 %, everything derived from it recomputed, the same
 * every time it is asked), `lazy-zero` (all zeros, right shapes) and `colluding` (every colluding
 * provider returns the SAME wrong plaintext answer, encoded under its own key).
 *
 * `colluding` models the strongest collusion: agreeing on a wrong plaintext needs the keys, so
 * the simulation is handed the key (think of a leaked key or an insider). Without keys,
 * colluders can only agree on masked bytes, which unmask differently under independent keys, or
 * on zeros (= `lazy-zero`). Either way the residual check (F.4) rejects them.
 */
import { CarbonTraceError } from '../common/errors';
import { computeMaskedCarbon, computeMaskedResult, scaleRows } from './cloud-worker';
import type { MaskKey } from './mask-key';
import type { MaskedResult, MaskedTask } from './masked-payloads';
import type { OutsourcingProblem } from './outsourcing-problem';
import { unmaskResult } from './unmask-result';

/** How a simulated provider behaves. */
export type ProviderBehaviour = 'honest' | 'corrupt' | 'lazy-zero' | 'colluding';

/** All behaviours, in the order the CLI lists them. */
export const PROVIDER_BEHAVIOURS: readonly ProviderBehaviour[] = [
  'honest',
  'corrupt',
  'lazy-zero',
  'colluding',
];

/** Relative perturbation applied by `corrupt` to one solution entry. */
export const CORRUPTION_FACTOR = 1e-3;

/** Relative error of the shared wrong answer of `colluding` providers (on the largest X entry). */
export const COLLUSION_FACTOR = 1e-2;

/** What a colluding provider is assumed to know (see the file comment). */
export interface CollusionKnowledge {
  readonly problem: OutsourcingProblem;
  readonly key: MaskKey;
}

/** True when `value` names a behaviour. */
export function isProviderBehaviour(value: string): value is ProviderBehaviour {
  return (PROVIDER_BEHAVIOURS as readonly string[]).includes(value);
}

function argMaxAbs(values: ArrayLike<number>): number {
  let best = 0;
  let bestAbs = -1;
  for (let i = 0; i < values.length; i += 1) {
    const v = Math.abs(values[i] ?? 0);
    if (v > bestAbs) {
      bestAbs = v;
      best = i;
    }
  }
  return best;
}

function withSolution(task: MaskedTask, honest: MaskedResult, solution: number[]): MaskedResult {
  return {
    ...honest,
    solution,
    components:
      task.ratios === null ? null : scaleRows(task.ratios, solution, task.size, task.generatorCount),
  };
}

function corrupt(task: MaskedTask): MaskedResult {
  const honest = computeMaskedResult(task);
  const solution = [...honest.solution];
  const at = argMaxAbs(solution);
  solution[at] = (solution[at] ?? 0) * (1 + CORRUPTION_FACTOR);
  const result = withSolution(task, honest, solution);
  if (result.inverse === null) return result;
  const inverse = [...result.inverse];
  const i = argMaxAbs(inverse);
  inverse[i] = (inverse[i] ?? 0) * (1 + CORRUPTION_FACTOR);
  return { ...result, inverse };
}

function lazyZero(task: MaskedTask): MaskedResult {
  const nk = task.size * task.generatorCount;
  const zeros = (length: number): number[] => new Array<number>(length).fill(0);
  return {
    format: 'carbontrace/masked-result@1',
    taskId: task.taskId,
    provider: task.provider,
    solution: zeros(nk),
    components:
      task.ratios === null
        ? null
        : { load: zeros(nk), loss: zeros(nk), sending: zeros(nk), receiving: zeros(nk) },
    carbon: {
      coal: zeros(task.generatorCount),
      unitCoal: zeros(task.generatorCount),
      intensity: zeros(task.generatorCount),
    },
    inverse: task.returnInverse ? zeros(task.size * task.size) : null,
  };
}

function colluding(task: MaskedTask, knowledge: CollusionKnowledge): MaskedResult {
  const { problem, key } = knowledge;
  const honest = computeMaskedResult(task);
  const n = task.size;
  const k = task.generatorCount;
  // The shared wrong plaintext: the honest X with its largest entry off by 1 %.
  const wrong = Float64Array.from(unmaskResult(problem, key, honest).solutionMw);
  const at = argMaxAbs(wrong);
  wrong[at] = (wrong[at] ?? 0) * (1 + COLLUSION_FACTOR);
  const solution = new Array<number>(n * k).fill(0);
  if (key.profile === 'hardened') {
    // Ỹ[μ(i)] = (X′·Λ + Z)[i] / m_i with X′[i] = X[σ(i)].
    for (let i = 0; i < n; i += 1) {
      const node = key.symmetricPermutation[i] ?? i;
      const mu = key.outputPermutation[i] ?? i;
      for (let g = 0; g < k; g += 1) {
        const v = (wrong[node * k + g] ?? 0) * (key.lambda[g] ?? 1) + (key.offset[i * k + g] ?? 0);
        solution[mu * k + g] = v / (key.outputScale[i] ?? 1);
      }
    }
  } else {
    for (let x = 0; x < n; x += 1) {
      for (let g = 0; g < k; g += 1) {
        solution[x * k + g] = ((wrong[x * k + g] ?? 0) * (key.lambda[g] ?? 1)) / (key.r[x] ?? 1);
      }
    }
  }
  return { ...withSolution(task, honest, solution), carbon: computeMaskedCarbon(task) };
}

/**
 * Runs a simulated provider on a masked task.
 * @throws CarbonTraceError INVALID_ARGUMENT when `colluding` is asked without its knowledge.
 */
export function runProvider(
  behaviour: ProviderBehaviour,
  task: MaskedTask,
  knowledge?: CollusionKnowledge,
): MaskedResult {
  switch (behaviour) {
    case 'honest':
      return computeMaskedResult(task);
    case 'corrupt':
      return corrupt(task);
    case 'lazy-zero':
      return lazyZero(task);
    case 'colluding':
      if (knowledge === undefined) {
        throw new CarbonTraceError('INVALID_ARGUMENT', 'a colluding provider needs the collusion knowledge', {
          behaviour,
        });
      }
      return colluding(task, knowledge);
  }
}
