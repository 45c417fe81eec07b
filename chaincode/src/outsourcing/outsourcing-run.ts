/**
 * One outsourced trace end to end, driven through the arbitration state machine exactly as the
 * chaincode drives it, but in one process with simulated providers: keys → condition a → (canonical
 * JSON over the "ledger") → cloud worker → condition b → verification → arbitration → fees.
 * Used by the CLI (`carbontrace outsource`), by the tests and for the measurements in
 * docs/outsourcing.md. Deterministic for a given seed; timing only through an injected clock.
 */
import {
  feeBalances,
  expectedEvents,
  startArbitration,
  stepArbitration,
  type ArbitrationState,
  type FeeSchedule,
  type ProviderPool,
  type Submission,
} from './arbitration';
import { computeLocalTrace, type LocalSolver } from './local-trace';
import type { MaskKey, MaskProfile } from './mask-key';
import { generateTaskKey, maskTask } from './mask-task';
import {
  MAX_PAYLOAD_BYTES,
  parseMaskedResult,
  parseMaskedTask,
  serializeMaskedResult,
  serializeMaskedTask,
  type MaskedTask,
} from './masked-payloads';
import type { OutsourcingProblem } from './outsourcing-problem';
import { runProvider, type ProviderBehaviour } from './provider-behaviour';
import { SeededRandom } from '../common/prng';
import { COMPARED_GROUPS, toComparable, type ComparableResult, type TraceGroups } from './trace-groups';
import { unmaskResult } from './unmask-result';
import { freivaldsCheck, verifyResult } from './verify-result';

/** Options of {@link runOutsourcing}. */
export interface OutsourcingRunOptions {
  readonly problem: OutsourcingProblem;
  /** Caller seed for every key of the task. */
  readonly seed: string;
  readonly taskId: string;
  readonly profile: MaskProfile;
  /** Behaviour of provider1, provider2[, provider3] (the pool, in dispatch order). */
  readonly behaviours: readonly ProviderBehaviour[];
  /** @default { providerFee: 1, dataCenterCost: 2 } */
  readonly fees?: FeeSchedule;
  /** @default 0 */
  readonly cycle?: number;
  /** Provider standings before this task. @default all clean */
  readonly standing?: ProviderPool['standing'];
  /** Ask for B̃ = Ã⁻¹ and check it with Freivalds. @default false */
  readonly returnInverse?: boolean;
  /** Ledger payload cap. @default MAX_PAYLOAD_BYTES */
  readonly maxPayloadBytes?: number;
  /** Local solver (data center and reference). @default solveDistributionSparse */
  readonly localSolver?: LocalSolver;
  /** Monotonic clock in seconds, for the timing fields (omitted → all zero). */
  readonly clock?: () => number;
}

/** Verification record of one provider answer. */
export interface AnswerRecord {
  readonly provider: string;
  readonly behaviour: ProviderBehaviour;
  readonly kind: 'first' | 'recompute';
  readonly valid: boolean;
  readonly residualRelative: number | null;
  readonly failures: readonly string[];
}

/** What one run reports (the CLI's JSON is a subset). */
export interface OutsourcingRunReport {
  readonly accepted: boolean;
  readonly acceptedFrom: string | null;
  readonly path: readonly string[];
  /** Strikes received in this task, per provider (0 for clean providers). */
  readonly strikes: Record<string, number>;
  /** Net fee balance per party. */
  readonly fees: Record<string, number>;
  /** Max over the five groups of max|accepted − local| / max(‖local group‖∞, 1e-300). */
  readonly maxRelErrorVsLocal: number | null;
  readonly clientSeconds: number;
  readonly cloudSeconds: number;
  readonly localSeconds: number;
  /** Time of the data center's own solve in S5 (0 when not reached). */
  readonly dataCenterSeconds: number;
  readonly answers: readonly AnswerRecord[];
  /** Canonical-JSON bytes of each provider's masked task. */
  readonly taskBytes: Record<string, number>;
  readonly state: ArbitrationState;
  readonly acceptedResult: ComparableResult | null;
  readonly local: TraceGroups;
}

/** Normwise relative difference per group, maximized over the five compared groups. */
export function maxRelativeError(result: ComparableResult, reference: ComparableResult): number {
  let worst = 0;
  for (const group of COMPARED_GROUPS) {
    const a = result[group];
    const b = reference[group];
    let scale = 0;
    for (const v of b) scale = Math.max(scale, Math.abs(v));
    scale = Math.max(scale, 1e-300);
    for (let i = 0; i < b.length; i += 1) {
      const d = Math.abs((a[i] ?? Number.NaN) - (b[i] ?? 0)) / scale;
      worst = Number.isFinite(d) ? Math.max(worst, d) : Number.MAX_VALUE;
    }
  }
  return worst;
}

/** Runs one task through the protocol with simulated providers. */
export function runOutsourcing(options: Readonly<OutsourcingRunOptions>): OutsourcingRunReport {
  const { problem, profile, seed, taskId } = options;
  const clock = options.clock ?? ((): number => 0);
  const maxBytes = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const ids = options.behaviours.map((_, i) => `provider${i + 1}`);
  const timers = { client: 0, cloud: 0, local: 0, dataCenter: 0 };
  const timed = <T>(bucket: keyof typeof timers, f: () => T): T => {
    const start = clock();
    try {
      return f();
    } finally {
      timers[bucket] += clock() - start;
    }
  };

  const local = timed('local', () => computeLocalTrace(problem, options.localSolver));
  const localComparable = toComparable(local);

  const prepared = new Map<string, { key: MaskKey; taskJson: string; task: MaskedTask }>();
  const taskBytes: Record<string, number> = {};
  const prepare = (id: string, provider: number) => {
    const existing = prepared.get(id);
    if (existing !== undefined) return existing;
    const entry = timed('client', () => {
      const key = generateTaskKey(problem, { seed, taskId, provider, profile });
      const task = maskTask(problem, key, {
        taskId,
        provider,
        returnInverse: options.returnInverse ?? false,
      });
      const taskJson = serializeMaskedTask(task, maxBytes);
      return { key, taskJson, task };
    });
    taskBytes[id] = Buffer.byteLength(entry.taskJson, 'utf8');
    prepared.set(id, entry);
    return entry;
  };

  const answers: AnswerRecord[] = [];
  const ask = (id: string, kind: 'first' | 'recompute'): Submission => {
    const provider = ids.indexOf(id) + 1;
    const behaviour = options.behaviours[provider - 1] ?? 'honest';
    const { key, taskJson } = prepare(id, provider);
    const resultJson = timed('cloud', () => {
      const received = parseMaskedTask(taskJson, maxBytes);
      const result = runProvider(behaviour, received, { problem, key });
      return serializeMaskedResult(result, maxBytes);
    });
    return timed('client', (): Submission => {
      const { task } = prepare(id, provider);
      let groups: TraceGroups;
      let inverseOk = true;
      try {
        const result = parseMaskedResult(resultJson, task, maxBytes);
        groups = unmaskResult(problem, key, result);
        if (result.inverse !== null) {
          const rng = new SeededRandom(seed, `task/${taskId}/freivalds/${provider}/${kind}`);
          inverseOk = freivaldsCheck(task.matrix, result.inverse, problem.size, rng).accepted;
        }
      } catch {
        answers.push({
          provider: id,
          behaviour,
          kind,
          valid: false,
          residualRelative: null,
          failures: ['malformed'],
        });
        return { kind: 'failed', reason: 'malformed' };
      }
      const verdict = verifyResult(problem, groups);
      const failures = inverseOk ? verdict.failures : [...verdict.failures, 'freivalds'];
      const valid = failures.length === 0;
      answers.push({
        provider: id,
        behaviour,
        kind,
        valid,
        residualRelative: verdict.residualRelative,
        failures,
      });
      return { kind: 'result', result: toComparable(groups), valid };
    });
  };

  let state = startArbitration({
    taskId,
    cycle: options.cycle ?? 0,
    pool: { order: ids, standing: options.standing ?? {} },
    fees: options.fees ?? { providerFee: 1, dataCenterCost: 2 },
  });
  for (let guard = 0; state.stage !== 'END' && guard < 20; guard += 1) {
    const [next] = expectedEvents(state);
    if (next === undefined) break;
    if (next.type === 'dispatch') {
      state = stepArbitration(state, { type: 'dispatch' });
    } else if (next.type === 'data-center') {
      const dc = timed('dataCenter', () => toComparable(computeLocalTrace(problem, options.localSolver)));
      state = stepArbitration(state, { type: 'data-center', result: dc });
    } else if (next.type === 'submit') {
      state = stepArbitration(state, {
        type: 'submit',
        role: next.role,
        submission: ask(next.provider, 'first'),
      });
    } else if (next.role !== 'III') {
      state = stepArbitration(state, {
        type: 'recompute',
        role: next.role,
        submission: ask(next.provider, 'recompute'),
      });
    }
  }

  const outcome = state.outcome;
  const strikes: Record<string, number> = {};
  for (const id of ids) strikes[id] = state.strikesThisTask[id] ?? 0;
  return {
    accepted: outcome !== null,
    acceptedFrom: outcome?.acceptedFrom ?? null,
    path: state.path,
    strikes,
    fees: feeBalances(state),
    maxRelErrorVsLocal: outcome === null ? null : maxRelativeError(outcome.result, localComparable),
    clientSeconds: timers.client,
    cloudSeconds: timers.cloud,
    localSeconds: timers.local,
    dataCenterSeconds: timers.dataCenter,
    answers,
    taskBytes,
    state,
    acceptedResult: outcome?.result ?? null,
    local,
  };
}
