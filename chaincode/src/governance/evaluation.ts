/**
 * Comprehensive evaluation of HV (main-chain) nodes, MATH.md G.1 (G1–G3): accuracy C of the
 * carbon intensities a node computed or validated, credit score D, and block score T, combined
 * into CA = ω_C·C + ω_D·D + ω_T·T. Pure; arithmetic is + − × ÷ only.
 */
import { CarbonTraceError } from '../common/errors';

/** Weights (ω_C, ω_D, ω_T) of (G1); they sum to 1 (G2). */
export interface EvaluationWeights {
  readonly accuracy: number;
  readonly credit: number;
  readonly blocks: number;
}

/** (ω_C, ω_D, ω_T) = (0.4, 0.3, 0.3), MATH.md (G2). */
export const DEFAULT_EVALUATION_WEIGHTS: EvaluationWeights = { accuracy: 0.4, credit: 0.3, blocks: 0.3 };

/** Accuracy history window H. @default 50 */
export const ACCURACY_WINDOW = 50;
/** C_i when a node has no history yet. */
export const ACCURACY_WITHOUT_HISTORY = 0.5;
/** Credit points: start d_0 = 60, cap d_max = 100. */
export const CREDIT_INITIAL = 60;
/** Credit cap d_max. */
export const CREDIT_MAX = 100;

/** Credit-point changes of MATH.md G.1: +1 valid endorsed block, −10 invalid message, −2 missed slot. */
export const CREDIT_DELTA = { validBlock: 1, invalidMessage: -10, missedSlot: -2 } as const;

/** One round of intensity accuracy: what node i computed or validated, and the accepted value. */
export interface AccuracySample {
  readonly computedTco2PerMwh: number;
  readonly acceptedTco2PerMwh: number;
}

/** The inputs of one node's evaluation. */
export interface EvaluationInput {
  readonly nodeId: string;
  /** Accuracy samples, oldest first (only the last {@link ACCURACY_WINDOW} count). */
  readonly accuracy: readonly AccuracySample[];
  /** Credit points d_i. */
  readonly creditPoints: number;
  /** Successfully produced blocks in the last W_T epochs, T_i^ok. */
  readonly successfulBlocks: number;
}

/** A node's scores. */
export interface Evaluation {
  readonly nodeId: string;
  readonly accuracyScore: number;
  readonly creditScore: number;
  readonly blockScore: number;
  /** CA_i ∈ [0, 1]. */
  readonly ca: number;
}

/** Clamps to [lo, hi]. */
export function clamp(value: number, lo: number, hi: number): number {
  return value < lo ? lo : value > hi ? hi : value;
}

/** @throws CarbonTraceError INVALID_ARGUMENT unless the weights are ≥ 0 and sum to 1 (within 1e-12). */
export function assertWeights(weights: EvaluationWeights): void {
  const sum = weights.accuracy + weights.credit + weights.blocks;
  if (weights.accuracy < 0 || weights.credit < 0 || weights.blocks < 0 || Math.abs(sum - 1) > 1e-12) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `evaluation weights must be ≥ 0 and sum to 1 (sum ${sum})`,
      {
        field: 'weights',
        value: sum,
      },
    );
  }
}

/**
 * C_i of (G3): 1 − mean over the last H rounds of min(1, |ê − e*| / e*). An accepted value of 0
 * counts as exact when ê is 0 too and as a full miss otherwise. {@link ACCURACY_WITHOUT_HISTORY} without history.
 */
export function accuracyScore(samples: readonly AccuracySample[], window = ACCURACY_WINDOW): number {
  const recent = samples.slice(Math.max(0, samples.length - window));
  if (recent.length === 0) return ACCURACY_WITHOUT_HISTORY;
  let sum = 0;
  for (const s of recent) {
    const accepted = Math.abs(s.acceptedTco2PerMwh);
    const error = Math.abs(s.computedTco2PerMwh - s.acceptedTco2PerMwh);
    sum += accepted === 0 ? (error === 0 ? 0 : 1) : Math.min(1, error / accepted);
  }
  return 1 - sum / recent.length;
}

/** D_i = clamp(d_i / d_max, 0, 1). */
export function creditScore(creditPoints: number, creditMax = CREDIT_MAX): number {
  return clamp(creditPoints / creditMax, 0, 1);
}

/** Applies a credit change and keeps d within [0, d_max]. */
export function applyCredit(creditPoints: number, delta: number, creditMax = CREDIT_MAX): number {
  return clamp(creditPoints + delta, 0, creditMax);
}

/** T_i = T_i^ok / max(1, max_j T_j^ok). */
export function blockScore(successfulBlocks: number, maxSuccessfulBlocks: number): number {
  return successfulBlocks / Math.max(1, maxSuccessfulBlocks);
}

/** CA for every node (G1), in input order. */
export function evaluateNodes(
  inputs: readonly EvaluationInput[],
  weights: EvaluationWeights = DEFAULT_EVALUATION_WEIGHTS,
): Evaluation[] {
  assertWeights(weights);
  let maxBlocks = 0;
  for (const input of inputs) maxBlocks = Math.max(maxBlocks, input.successfulBlocks);
  return inputs.map((input) => {
    const c = accuracyScore(input.accuracy);
    const d = creditScore(input.creditPoints);
    const t = blockScore(input.successfulBlocks, maxBlocks);
    return {
      nodeId: input.nodeId,
      accuracyScore: c,
      creditScore: d,
      blockScore: t,
      ca: weights.accuracy * c + weights.credit * d + weights.blocks * t,
    };
  });
}
