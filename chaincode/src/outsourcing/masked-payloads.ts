/**
 * The two payloads that travel between the ledger and a cloud provider: the masked task (what
 * condition "a" publishes) and the masked result (what the provider returns). Both are plain
 * JSON-shaped objects, serialized with canonical JSON and capped at {@link MAX_PAYLOAD_BYTES}.
 * Matrices are row-major arrays: N×N at i·N+j, N×K at x·K+g.
 */
import { canonicalJson } from '../common/canonical-json';
import { CarbonTraceError } from '../common/errors';
import type { MaskProfile } from './mask-key';

/**
 * Largest canonical-JSON payload (one masked task or one masked result) accepted on the ledger:
 * 4 MiB. A trace transaction carries two tasks, so this keeps it an order of magnitude below
 * Fabric's 100 MB gRPC message cap and the sample channel's 99 MB AbsoluteMaxBytes. A dense or
 * hardened mask (N² numbers) reaches it at N ≈ 450; a monomial mask (O(nnz)) at N ≈ 40,000.
 */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** The masked matrix Ã: dense (dense and hardened profiles) or coordinate (monomial). */
export type MaskedMatrix =
  | { readonly layout: 'dense'; readonly values: readonly number[] }
  | {
      readonly layout: 'coordinate';
      readonly rows: readonly number[];
      readonly cols: readonly number[];
      readonly values: readonly number[];
    };

/** Masked ratio vectors ρ̃ = r ⊙ ρ (E3), length N each. */
export interface MaskedRatios {
  readonly load: readonly number[];
  readonly loss: readonly number[];
  readonly sending: readonly number[];
  readonly receiving: readonly number[];
}

/** Masked PECC and intensity inputs (E12, E15), length K each. */
export interface MaskedCarbonInputs {
  /** P̃_G = λ ⊙ P_G. */
  readonly generatorMw: readonly number[];
  /** ã = κ·a/λ². */
  readonly a: readonly number[];
  /** b̃ = κ·b/λ. */
  readonly b: readonly number[];
  /** c̃ = κ·c. */
  readonly c: readonly number[];
  /** β̃ = τ·β′. */
  readonly beta: readonly number[];
}

/** What a cloud provider receives. Contains no plaintext network quantity. */
export interface MaskedTask {
  readonly format: 'carbontrace/masked-task@1';
  readonly taskId: string;
  /** Provider number j (the "encryption method j"). */
  readonly provider: number;
  readonly profile: MaskProfile;
  /** N. */
  readonly size: number;
  /** K. */
  readonly generatorCount: number;
  /** Ã. */
  readonly matrix: MaskedMatrix;
  /** G̃ (N×K). */
  readonly rhs: readonly number[];
  /** ρ̃ (dense, monomial); null for hardened (the client applies ρ itself). */
  readonly ratios: MaskedRatios | null;
  readonly carbon: MaskedCarbonInputs;
  /** Whether the provider must also return B̃ = Ã⁻¹ (E7, checked by Freivalds). */
  readonly returnInverse: boolean;
}

/** Virtual components (E5–E6), N×K each. */
export interface MaskedComponents {
  readonly load: readonly number[];
  readonly loss: readonly number[];
  readonly sending: readonly number[];
  readonly receiving: readonly number[];
}

/** Virtual PECC and intensity (E13, E14, E16), length K each. */
export interface MaskedCarbonOutputs {
  /** F̃. */
  readonly coal: readonly number[];
  /** w̃ = F̃/P̃_G. */
  readonly unitCoal: readonly number[];
  /** ẽ = β̃·w̃. */
  readonly intensity: readonly number[];
}

/** What a cloud provider returns. */
export interface MaskedResult {
  readonly format: 'carbontrace/masked-result@1';
  readonly taskId: string;
  readonly provider: number;
  /** X̃ = Ã⁻¹·G̃ (Ỹ for the hardened profile), N×K. */
  readonly solution: readonly number[];
  /** Virtual components, or null for the hardened profile. */
  readonly components: MaskedComponents | null;
  readonly carbon: MaskedCarbonOutputs;
  /** B̃ = Ã⁻¹ (N×N) when requested, else null. */
  readonly inverse: readonly number[] | null;
}

function serialize(value: unknown, what: string, maxBytes: number): string {
  const text = canonicalJson(value);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new CarbonTraceError(
      'PAYLOAD_TOO_LARGE',
      `${what} is ${bytes} bytes, over the ${maxBytes}-byte limit`,
      {
        bytes,
        limit: maxBytes,
      },
    );
  }
  return text;
}

/**
 * Canonical JSON of a masked task.
 * @throws CarbonTraceError PAYLOAD_TOO_LARGE above `maxBytes` (default {@link MAX_PAYLOAD_BYTES}).
 */
export function serializeMaskedTask(task: MaskedTask, maxBytes = MAX_PAYLOAD_BYTES): string {
  return serialize(task, 'masked task', maxBytes);
}

/**
 * Canonical JSON of a masked result.
 * @throws CarbonTraceError PAYLOAD_TOO_LARGE above `maxBytes` (default {@link MAX_PAYLOAD_BYTES}).
 */
export function serializeMaskedResult(result: MaskedResult, maxBytes = MAX_PAYLOAD_BYTES): string {
  return serialize(result, 'masked result', maxBytes);
}

function malformed(what: string, field: string): CarbonTraceError {
  return new CarbonTraceError('INVALID_ARGUMENT', `malformed ${what}: ${field}`, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbers(value: unknown, length: number, what: string, field: string): number[] {
  if (!Array.isArray(value) || value.length !== length) throw malformed(what, field);
  for (const v of value) if (typeof v !== 'number' || !Number.isFinite(v)) throw malformed(what, field);
  return value as number[];
}

function integer(value: unknown, what: string, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw malformed(what, field);
  return value;
}

function parseJson(text: string, what: string, maxBytes: number): Record<string, unknown> {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new CarbonTraceError('PAYLOAD_TOO_LARGE', `${what} is over the ${maxBytes}-byte limit`, {
      limit: maxBytes,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(what, 'not JSON');
  }
  if (!isRecord(value)) throw malformed(what, 'not an object');
  return value;
}

/**
 * Parses and validates a masked task (shapes, lengths, finite numbers).
 * @throws CarbonTraceError INVALID_ARGUMENT or PAYLOAD_TOO_LARGE.
 */
export function parseMaskedTask(text: string, maxBytes = MAX_PAYLOAD_BYTES): MaskedTask {
  const what = 'masked task';
  const v = parseJson(text, what, maxBytes);
  if (v['format'] !== 'carbontrace/masked-task@1') throw malformed(what, 'format');
  const profile = v['profile'];
  if (profile !== 'dense' && profile !== 'monomial' && profile !== 'hardened')
    throw malformed(what, 'profile');
  const size = integer(v['size'], what, 'size');
  const k = integer(v['generatorCount'], what, 'generatorCount');
  const taskId = v['taskId'];
  if (typeof taskId !== 'string') throw malformed(what, 'taskId');
  const m = v['matrix'];
  if (!isRecord(m)) throw malformed(what, 'matrix');
  let matrix: MaskedMatrix;
  if (m['layout'] === 'dense') {
    matrix = { layout: 'dense', values: numbers(m['values'], size * size, what, 'matrix.values') };
  } else if (m['layout'] === 'coordinate') {
    const count = Array.isArray(m['values']) ? m['values'].length : -1;
    const rows = numbers(m['rows'], count, what, 'matrix.rows');
    const cols = numbers(m['cols'], count, what, 'matrix.cols');
    for (let e = 0; e < count; e += 1) {
      const r = rows[e] ?? -1;
      const c = cols[e] ?? -1;
      if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0 || r >= size || c >= size) {
        throw malformed(what, 'matrix index');
      }
    }
    matrix = { layout: 'coordinate', rows, cols, values: numbers(m['values'], count, what, 'matrix.values') };
  } else {
    throw malformed(what, 'matrix.layout');
  }
  const ratiosValue = v['ratios'];
  let ratios: MaskedRatios | null = null;
  if (ratiosValue !== null) {
    if (!isRecord(ratiosValue)) throw malformed(what, 'ratios');
    ratios = {
      load: numbers(ratiosValue['load'], size, what, 'ratios.load'),
      loss: numbers(ratiosValue['loss'], size, what, 'ratios.loss'),
      sending: numbers(ratiosValue['sending'], size, what, 'ratios.sending'),
      receiving: numbers(ratiosValue['receiving'], size, what, 'ratios.receiving'),
    };
  }
  const carbon = v['carbon'];
  if (!isRecord(carbon)) throw malformed(what, 'carbon');
  const returnInverse = v['returnInverse'];
  if (typeof returnInverse !== 'boolean') throw malformed(what, 'returnInverse');
  return {
    format: 'carbontrace/masked-task@1',
    taskId,
    provider: integer(v['provider'], what, 'provider'),
    profile,
    size,
    generatorCount: k,
    matrix,
    rhs: numbers(v['rhs'], size * k, what, 'rhs'),
    ratios,
    carbon: {
      generatorMw: numbers(carbon['generatorMw'], k, what, 'carbon.generatorMw'),
      a: numbers(carbon['a'], k, what, 'carbon.a'),
      b: numbers(carbon['b'], k, what, 'carbon.b'),
      c: numbers(carbon['c'], k, what, 'carbon.c'),
      beta: numbers(carbon['beta'], k, what, 'carbon.beta'),
    },
    returnInverse,
  };
}

/**
 * Parses and validates a masked result against the task it answers (sizes, ids, finite numbers).
 * @throws CarbonTraceError INVALID_ARGUMENT or PAYLOAD_TOO_LARGE.
 */
export function parseMaskedResult(
  text: string,
  task: MaskedTask,
  maxBytes = MAX_PAYLOAD_BYTES,
): MaskedResult {
  const what = 'masked result';
  const v = parseJson(text, what, maxBytes);
  if (v['format'] !== 'carbontrace/masked-result@1') throw malformed(what, 'format');
  if (v['taskId'] !== task.taskId) throw malformed(what, 'taskId');
  if (v['provider'] !== task.provider) throw malformed(what, 'provider');
  const nk = task.size * task.generatorCount;
  const k = task.generatorCount;
  const componentsValue = v['components'];
  let components: MaskedComponents | null = null;
  if (task.ratios !== null) {
    if (!isRecord(componentsValue)) throw malformed(what, 'components');
    components = {
      load: numbers(componentsValue['load'], nk, what, 'components.load'),
      loss: numbers(componentsValue['loss'], nk, what, 'components.loss'),
      sending: numbers(componentsValue['sending'], nk, what, 'components.sending'),
      receiving: numbers(componentsValue['receiving'], nk, what, 'components.receiving'),
    };
  } else if (componentsValue !== null) {
    throw malformed(what, 'components');
  }
  const carbon = v['carbon'];
  if (!isRecord(carbon)) throw malformed(what, 'carbon');
  const inverseValue = v['inverse'];
  const inverse = task.returnInverse ? numbers(inverseValue, task.size * task.size, what, 'inverse') : null;
  if (!task.returnInverse && inverseValue !== null) throw malformed(what, 'inverse');
  return {
    format: 'carbontrace/masked-result@1',
    taskId: task.taskId,
    provider: task.provider,
    solution: numbers(v['solution'], nk, what, 'solution'),
    components,
    carbon: {
      coal: numbers(carbon['coal'], k, what, 'carbon.coal'),
      unitCoal: numbers(carbon['unitCoal'], k, what, 'carbon.unitCoal'),
      intensity: numbers(carbon['intensity'], k, what, 'carbon.intensity'),
    },
    inverse,
  };
}
