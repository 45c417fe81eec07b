/**
 * The double-check and arbitration protocol of MATH.md §F.3 as an explicit, serializable,
 * deterministic state machine. A driver (the chaincode, one transaction per event, or the local
 * simulation in `outsourcing-run.ts`) calls the pure {@link stepArbitration}(state, event) and
 * stores the returned state; {@link expectedEvents} says what the machine waits for.
 *
 * States: S0 DISPATCH → S1 COLLECT → S2 COMPARE → (END | S3 RECOMPUTE) → (END | S4 THIRD
 * PROVIDER) → (END | S5 INTERNAL DATA CENTER) → END. S2 runs inside the step that delivers the
 * second result; S4 is skipped when no eligible third provider exists.
 *
 * Agreement: two results *agree* when both passed the residual check (F.4, `valid`) and they
 * match under F.2. A result failing F.4 is wrong even if it matches another one, so two lazy or
 * colluding identical answers never agree. Self-consistency in S3 ("still different but
 * consistent with the original results") is the plain F.2 match of a provider's two answers.
 *
 * Money: fees flow grid → correct provider; a wrong provider's penalty flows provider → grid and
 * the grid passes it on (to the provider whose fee it covers, or to the data center). Marked (*)
 * in MATH.md where the paper is silent; our choices: recomputation is unpaid; a provider struck
 * for this task is never paid for it; in S5 every provider that agrees with the data center is
 * treated as correct.
 */
import { canonicalJson } from '../common/canonical-json';
import { CarbonTraceError } from '../common/errors';
import type { ComparableResult } from './trace-groups';
import { compareResults, DEFAULT_MATCH_TOLERANCE, type MatchTolerance } from './verify-result';

/** The states of §F.3. */
export type ArbitrationStage = 'S0' | 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'END';

/** Provider roles I, II, III. */
export type ProviderRole = 'I' | 'II' | 'III';

/** The party name of the internal data center in fees and `acceptedFrom`. */
export const DATA_CENTER = 'data-center';

/** The party name of the grid company in fees. */
export const GRID_COMPANY = 'grid';

/** Blacklist length, cycles, after the second wrong result. */
export const BLACKLIST_CYCLES = 3;

/** Strikes that trigger the blacklist. */
export const STRIKES_TO_BLACKLIST = 2;

/** A provider's decrypted and verified answer, or its failure to give one. */
export type Submission =
  | {
      readonly kind: 'result';
      /** The five compared groups. */
      readonly result: ComparableResult;
      /** Whether the result passed the residual and consistency checks (F.4). */
      readonly valid: boolean;
    }
  | { readonly kind: 'failed'; readonly reason: 'timeout' | 'malformed' };

/** A provider's record across tasks. */
export interface ProviderStanding {
  /** Strikes not yet converted into a blacklisting. */
  readonly strikes: number;
  /** Last cycle of exclusion, or null; eligible in cycle c iff null or c > blacklistedUntil. */
  readonly blacklistedUntil: number | null;
}

/**
 * A provider's standing after `count` more wrong results in `cycle` (MATH.md F.3): at
 * {@link STRIKES_TO_BLACKLIST} strikes it is excluded until `cycle + BLACKLIST_CYCLES` and its
 * strikes start again from zero.
 */
export function afterStrikes(before: ProviderStanding, count: number, cycle: number): ProviderStanding {
  if (count <= 0) return before;
  const strikes = before.strikes + count;
  return strikes >= STRIKES_TO_BLACKLIST
    ? { strikes: 0, blacklistedUntil: cycle + BLACKLIST_CYCLES }
    : { strikes, blacklistedUntil: before.blacklistedUntil };
}

/** The provider pool: preference order (dispatch picks the first eligible) and standings. */
export interface ProviderPool {
  readonly order: readonly string[];
  readonly standing: Readonly<Record<string, ProviderStanding>>;
}

/** Fee schedule of one task (any currency unit). */
export interface FeeSchedule {
  /** Fee of one correct provider answer. */
  readonly providerFee: number;
  /** Cost of one internal data-center computation. */
  readonly dataCenterCost: number;
}

/** One money movement. */
export interface FeeTransfer {
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly reason: 'fee' | 'penalty' | 'data-center-cost';
}

/** The serializable state of one task's arbitration. */
export interface ArbitrationState {
  readonly format: 'carbontrace/arbitration@1';
  readonly taskId: string;
  readonly cycle: number;
  readonly stage: ArbitrationStage;
  /** Every state visited, in order. */
  readonly path: readonly ArbitrationStage[];
  readonly pool: ProviderPool;
  readonly fees: FeeSchedule;
  readonly tolerance: MatchTolerance;
  readonly assignment: { readonly I: string | null; readonly II: string | null; readonly III: string | null };
  readonly first: {
    readonly I: Submission | null;
    readonly II: Submission | null;
    readonly III: Submission | null;
  };
  readonly recomputed: { readonly I: Submission | null; readonly II: Submission | null };
  /** Which answers of I and II go forward to S4/S5. */
  readonly candidates: 'first' | 'recomputed' | null;
  readonly dataCenter: ComparableResult | null;
  readonly strikesThisTask: Readonly<Record<string, number>>;
  readonly transfers: readonly FeeTransfer[];
  /** Set at END. */
  readonly outcome: { readonly acceptedFrom: string; readonly result: ComparableResult } | null;
}

/** Events the machine consumes. */
export type ArbitrationEvent =
  | { readonly type: 'dispatch' }
  | { readonly type: 'submit'; readonly role: ProviderRole; readonly submission: Submission }
  | { readonly type: 'recompute'; readonly role: 'I' | 'II'; readonly submission: Submission }
  | { readonly type: 'data-center'; readonly result: ComparableResult };

/** What the machine waits for next. */
export type ExpectedEvent =
  | { readonly type: 'dispatch' }
  | { readonly type: 'submit' | 'recompute'; readonly role: ProviderRole; readonly provider: string }
  | { readonly type: 'data-center' };

/** Inputs of {@link startArbitration}. */
export interface ArbitrationStart {
  readonly taskId: string;
  /** The current cycle (settlement period). */
  readonly cycle: number;
  readonly pool: ProviderPool;
  readonly fees: FeeSchedule;
  /** @default DEFAULT_MATCH_TOLERANCE */
  readonly tolerance?: MatchTolerance;
}

/** True when provider `id` may be hired in `cycle`. */
export function isEligible(pool: ProviderPool, id: string, cycle: number): boolean {
  const standing = pool.standing[id];
  return standing?.blacklistedUntil == null || cycle > standing.blacklistedUntil;
}

/** A new task in S0. */
export function startArbitration(start: Readonly<ArbitrationStart>): ArbitrationState {
  if (!(start.fees.providerFee >= 0) || !(start.fees.dataCenterCost >= 0)) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'fees must be non-negative', {});
  }
  const standing: Record<string, ProviderStanding> = {};
  for (const id of start.pool.order)
    standing[id] = start.pool.standing[id] ?? { strikes: 0, blacklistedUntil: null };
  return {
    format: 'carbontrace/arbitration@1',
    taskId: start.taskId,
    cycle: start.cycle,
    stage: 'S0',
    path: ['S0'],
    pool: { order: [...start.pool.order], standing },
    fees: start.fees,
    tolerance: start.tolerance ?? DEFAULT_MATCH_TOLERANCE,
    assignment: { I: null, II: null, III: null },
    first: { I: null, II: null, III: null },
    recomputed: { I: null, II: null },
    candidates: null,
    dataCenter: null,
    strikesThisTask: {},
    transfers: [],
    outcome: null,
  };
}

function invalid(state: ArbitrationState, message: string): CarbonTraceError {
  return new CarbonTraceError('INVALID_STATE', message, { taskId: state.taskId, stage: state.stage });
}

/** Mutable working copy used inside one step. */
interface Draft {
  stage: ArbitrationStage;
  path: ArbitrationStage[];
  pool: ProviderPool;
  assignment: { I: string | null; II: string | null; III: string | null };
  first: { I: Submission | null; II: Submission | null; III: Submission | null };
  recomputed: { I: Submission | null; II: Submission | null };
  candidates: 'first' | 'recomputed' | null;
  dataCenter: ComparableResult | null;
  strikes: Record<string, number>;
  transfers: FeeTransfer[];
  outcome: { acceptedFrom: string; result: ComparableResult } | null;
}

class Machine {
  readonly #state: ArbitrationState;
  readonly d: Draft;

  constructor(state: ArbitrationState) {
    this.#state = state;
    this.d = {
      stage: state.stage,
      path: [...state.path],
      pool: state.pool,
      assignment: { ...state.assignment },
      first: { ...state.first },
      recomputed: { ...state.recomputed },
      candidates: state.candidates,
      dataCenter: state.dataCenter,
      strikes: { ...state.strikesThisTask },
      transfers: [...state.transfers],
      outcome: state.outcome,
    };
  }

  enter(stage: ArbitrationStage): void {
    this.d.stage = stage;
    this.d.path.push(stage);
  }

  agree(a: Submission | null, b: Submission | null): boolean {
    return (
      a?.kind === 'result' &&
      b?.kind === 'result' &&
      a.valid &&
      b.valid &&
      compareResults(a.result, b.result, this.#state.tolerance).match
    );
  }

  consistent(a: Submission | null, b: Submission | null): boolean {
    if (a?.kind === 'failed' && b?.kind === 'failed') return true;
    return (
      a?.kind === 'result' &&
      b?.kind === 'result' &&
      compareResults(a.result, b.result, this.#state.tolerance).match
    );
  }

  provider(role: ProviderRole): string {
    const id = this.d.assignment[role];
    if (id === null) throw invalid(this.#state, `role ${role} has no provider`);
    return id;
  }

  strike(role: ProviderRole): void {
    const id = this.provider(role);
    this.d.strikes[id] = (this.d.strikes[id] ?? 0) + 1;
  }

  struck(role: ProviderRole): boolean {
    return (this.d.strikes[this.provider(role)] ?? 0) > 0;
  }

  pay(from: string, to: string, amount: number, reason: FeeTransfer['reason']): void {
    if (amount > 0) this.d.transfers.push({ from, to, amount, reason });
  }

  /** Grid pays the fee of `role` unless the provider was struck in this task. */
  payFee(role: ProviderRole): void {
    if (!this.struck(role)) this.pay(GRID_COMPANY, this.provider(role), this.#state.fees.providerFee, 'fee');
  }

  accept(from: string, result: ComparableResult): void {
    this.d.outcome = { acceptedFrom: from, result };
    this.enter('END');
    this.settleStandings();
  }

  settleStandings(): void {
    const standing: Record<string, ProviderStanding> = { ...this.d.pool.standing };
    for (const [id, count] of Object.entries(this.d.strikes)) {
      standing[id] = afterStrikes(
        standing[id] ?? { strikes: 0, blacklistedUntil: null },
        count,
        this.#state.cycle,
      );
    }
    this.d.pool = { order: this.d.pool.order, standing };
  }

  candidate(role: 'I' | 'II'): Submission | null {
    return this.d.candidates === 'recomputed' ? this.d.recomputed[role] : this.d.first[role];
  }

  resultOf(submission: Submission | null): ComparableResult {
    if (submission?.kind !== 'result') throw invalid(this.#state, 'accepted submission has no result');
    return submission.result;
  }

  dispatch(): void {
    const eligible = this.d.pool.order.filter((id) => isEligible(this.d.pool, id, this.#state.cycle));
    const [one, two] = eligible;
    if (one === undefined || two === undefined) {
      throw new CarbonTraceError('BLACKLISTED', 'fewer than two eligible providers', {
        taskId: this.#state.taskId,
        eligible: eligible.length,
      });
    }
    this.d.assignment = { I: one, II: two, III: null };
    this.enter('S1');
  }

  /** S2, run as soon as both first answers are in. */
  compare(): void {
    this.enter('S2');
    const { I, II } = this.d.first;
    if (this.agree(I, II)) {
      this.payFee('I');
      this.payFee('II');
      this.accept(this.provider('I'), this.resultOf(I));
      return;
    }
    this.enter('S3');
  }

  /** End of S3, once both recomputations are in. */
  afterRecompute(): void {
    const { I, II } = this.d.first;
    const rI = this.d.recomputed.I;
    const rII = this.d.recomputed.II;
    if (this.agree(rI, rII)) {
      if (!this.consistent(rI, I)) this.strike('I');
      if (!this.consistent(rII, II)) this.strike('II');
      this.payFee('I');
      this.payFee('II');
      this.accept(this.provider('I'), this.resultOf(rI));
      return;
    }
    if (this.consistent(rI, I) && this.consistent(rII, II)) {
      this.d.candidates = 'first';
    } else {
      if (!this.consistent(rI, I)) this.strike('I');
      if (!this.consistent(rII, II)) this.strike('II');
      this.d.candidates = 'recomputed';
    }
    const taken = new Set([this.provider('I'), this.provider('II')]);
    const third = this.d.pool.order.find(
      (id) => !taken.has(id) && isEligible(this.d.pool, id, this.#state.cycle),
    );
    if (third === undefined) {
      this.enter('S5');
      return;
    }
    this.d.assignment = { ...this.d.assignment, III: third };
    this.enter('S4');
  }

  /** S4, once III has answered. */
  afterThird(): void {
    const third = this.d.first.III;
    const fee = this.#state.fees.providerFee;
    for (const [winner, loser] of [
      ['I', 'II'],
      ['II', 'I'],
    ] as const) {
      const candidate = this.candidate(winner);
      if (this.agree(third, candidate)) {
        this.strike(loser);
        this.payFee(winner);
        // The loser pays III's fee as its penalty; the grid passes it on.
        this.pay(this.provider(loser), GRID_COMPANY, fee, 'penalty');
        this.pay(GRID_COMPANY, this.provider('III'), fee, 'fee');
        this.accept(this.provider(winner), this.resultOf(candidate));
        return;
      }
    }
    this.enter('S5');
  }

  /** S5, once the data center has computed. */
  afterDataCenter(result: ComparableResult): void {
    const dc: Submission = { kind: 'result', result, valid: true };
    const roles: ProviderRole[] = this.d.assignment.III === null ? ['I', 'II'] : ['I', 'II', 'III'];
    const answer = (role: ProviderRole): Submission | null =>
      role === 'III' ? this.d.first.III : this.candidate(role);
    const correct = roles.filter((role) => this.agree(answer(role), dc));
    const wrong = roles.filter((role) => !correct.includes(role));
    for (const role of wrong) this.strike(role);
    const fee = this.#state.fees.providerFee;
    const paidCorrect = correct.filter((role) => !this.struck(role));
    const cost = this.#state.fees.dataCenterCost;
    const owed = fee * paidCorrect.length + cost;
    if (wrong.length > 0) {
      for (const role of wrong) this.pay(this.provider(role), GRID_COMPANY, owed / wrong.length, 'penalty');
    }
    for (const role of paidCorrect) this.pay(GRID_COMPANY, this.provider(role), fee, 'fee');
    this.pay(GRID_COMPANY, DATA_CENTER, cost, 'data-center-cost');
    this.d.dataCenter = result;
    this.accept(DATA_CENTER, result);
  }
}

/**
 * Advances the machine by one event (pure: the input state is not modified).
 * @throws CarbonTraceError INVALID_STATE for an event the current state does not expect;
 *   BLACKLISTED when fewer than two providers are eligible at dispatch.
 */
export function stepArbitration(state: ArbitrationState, event: ArbitrationEvent): ArbitrationState {
  const m = new Machine(state);
  const d = m.d;
  switch (event.type) {
    case 'dispatch':
      if (state.stage !== 'S0') throw invalid(state, 'dispatch is only valid in S0');
      m.dispatch();
      break;
    case 'submit': {
      const { role } = event;
      const expected = role === 'III' ? 'S4' : 'S1';
      if (state.stage !== expected) throw invalid(state, `a first answer from ${role} is not expected now`);
      if (d.first[role] !== null) throw invalid(state, `${role} has already answered`);
      d.first = { ...d.first, [role]: event.submission };
      if (role === 'III') m.afterThird();
      else if (d.first.I !== null && d.first.II !== null) m.compare();
      break;
    }
    case 'recompute': {
      const { role } = event;
      if (state.stage !== 'S3') throw invalid(state, 'a recomputation is only expected in S3');
      if (d.recomputed[role] !== null) throw invalid(state, `${role} has already recomputed`);
      d.recomputed = { ...d.recomputed, [role]: event.submission };
      if (d.recomputed.I !== null && d.recomputed.II !== null) m.afterRecompute();
      break;
    }
    case 'data-center':
      if (state.stage !== 'S5') throw invalid(state, 'the data center is only consulted in S5');
      m.afterDataCenter(event.result);
      break;
  }
  return {
    ...state,
    stage: d.stage,
    path: d.path,
    pool: d.pool,
    assignment: d.assignment,
    first: d.first,
    recomputed: d.recomputed,
    candidates: d.candidates,
    dataCenter: d.dataCenter,
    strikesThisTask: d.strikes,
    transfers: d.transfers,
    outcome: d.outcome,
  };
}

/** The events the machine waits for in its current state (empty at END). */
export function expectedEvents(state: ArbitrationState): ExpectedEvent[] {
  const roles = (
    names: readonly ProviderRole[],
    type: 'submit' | 'recompute',
    done: Partial<Record<ProviderRole, Submission | null>>,
  ): ExpectedEvent[] =>
    names.flatMap((role) => {
      const provider = state.assignment[role];
      return provider !== null && (done[role] ?? null) === null ? [{ type, role, provider }] : [];
    });
  switch (state.stage) {
    case 'S0':
      return [{ type: 'dispatch' }];
    case 'S1':
      return roles(['I', 'II'], 'submit', state.first);
    case 'S3':
      return roles(['I', 'II'], 'recompute', state.recomputed);
    case 'S4':
      return roles(['III'], 'submit', state.first);
    case 'S5':
      return [{ type: 'data-center' }];
    case 'S2':
    case 'END':
      return [];
  }
}

/** Net balance of every party (received − paid) from the transfers. */
export function feeBalances(state: ArbitrationState): Record<string, number> {
  const balances: Record<string, number> = { [GRID_COMPANY]: 0 };
  for (const id of Object.values(state.assignment)) if (id !== null) balances[id] = 0;
  for (const t of state.transfers) {
    balances[t.from] = (balances[t.from] ?? 0) - t.amount;
    balances[t.to] = (balances[t.to] ?? 0) + t.amount;
  }
  return balances;
}

/** Canonical JSON of a state (what the chaincode stores). */
export function serializeArbitrationState(state: ArbitrationState): string {
  return canonicalJson(state);
}

/**
 * Parses a stored state (format and stage checked; the rest is trusted ledger data).
 * @throws CarbonTraceError INVALID_ARGUMENT.
 */
export function parseArbitrationState(text: string): ArbitrationState {
  const value = JSON.parse(text) as Partial<ArbitrationState> | null;
  const stages: readonly string[] = ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'END'];
  if (
    value?.format !== 'carbontrace/arbitration@1' ||
    typeof value.stage !== 'string' ||
    !stages.includes(value.stage)
  ) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'not an arbitration state', {});
  }
  return value as ArbitrationState;
}
