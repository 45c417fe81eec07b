/**
 * Improved PBFT of the slave chains, MATH.md G.5: points per node, consensus and reserve sets,
 * the primary of a view, and settlement every W rounds with demotion, promotion and jailing.
 * Pure: {@link applyPbftRound} returns a new state.
 */
import { CarbonTraceError } from '../common/errors';
import { clamp } from './evaluation';
import { proportionalShares } from './reward-score';

/** Point changes per round (MATH.md G.5 table). */
export const PBFT_POINTS = {
  /** Timely and consistent PREPARE and COMMIT. */
  voted: 1,
  /** Primary whose block commits. */
  primaryCommitted: 2,
  /** Conflicting or invalid message. */
  invalidMessage: -10,
  /** Timeout or no vote. */
  timeout: -2,
  /** Primary that causes a view change. */
  viewChange: -5,
} as const;

/** A point-carrying event of one round. */
export type PbftEventKind = keyof typeof PBFT_POINTS;

/** Every event kind. */
export const PBFT_EVENT_KINDS = Object.keys(PBFT_POINTS) as readonly PbftEventKind[];

/** One event of a round. */
export interface PbftEvent {
  readonly nodeId: string;
  readonly kind: PbftEventKind;
}

/** Parameters of the point system. */
export interface PbftParameters {
  /** Settlement window W (rounds). @default 100 */
  readonly settlementWindow: number;
  /** Target size of the consensus set (≥ 4). */
  readonly targetSize: number;
  /** Initial points. @default 60 */
  readonly initialPoints: number;
  /** Demote below this. @default 40 */
  readonly demoteBelow: number;
  /** Promote reserve nodes at or above this. @default 60 */
  readonly promoteAtLeast: number;
  /** Reward pool paid at each settlement. @default 100 */
  readonly rewardPool: number;
}

/** The G.5 defaults (target size from the initial consensus set). */
export const DEFAULT_PBFT_PARAMETERS: Omit<PbftParameters, 'targetSize'> = {
  settlementWindow: 100,
  initialPoints: 60,
  demoteBelow: 40,
  promoteAtLeast: 60,
  rewardPool: 100,
};

/** Smallest consensus set (3f + 1 with f = 1). */
export const MIN_CONSENSUS_SIZE = 4;
/** Points bounds. */
export const MAX_POINTS = 100;

/** The state of one slave channel's point system. */
export interface PbftState {
  readonly parameters: PbftParameters;
  /** Rounds recorded so far. */
  readonly round: number;
  readonly consensus: readonly string[];
  readonly reserve: readonly string[];
  readonly jailed: readonly string[];
  /** Points s_i, by node id. */
  readonly points: Readonly<Record<string, number>>;
  /** Points at the start of the current settlement window. */
  readonly windowStartPoints: Readonly<Record<string, number>>;
  /** f = ⌊(|𝒦| − 1)/3⌋. */
  readonly faultTolerance: number;
  /** Rewards paid at the last settlement (node → amount). */
  readonly lastRewards: Readonly<Record<string, number>>;
  /** Number of settlements done. */
  readonly settlements: number;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The value of `id` in an id-keyed record, 0 when absent (own properties only: `constructor` is absent). */
function pointsOf(record: Readonly<Record<string, number>>, id: string): number {
  return Object.hasOwn(record, id) ? (record[id] ?? 0) : 0;
}

/**
 * A fresh state: the given consensus and reserve nodes, every node at the initial points.
 * @throws CarbonTraceError INVALID_ARGUMENT for fewer than 4 consensus nodes or overlapping sets.
 */
export function initialPbftState(
  consensus: readonly string[],
  reserve: readonly string[],
  parameters: Partial<PbftParameters> = {},
): PbftState {
  const all = [...consensus, ...reserve];
  if (new Set(all).size !== all.length) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'consensus and reserve nodes must be distinct', {
      field: 'nodes',
    });
  }
  if (consensus.length < MIN_CONSENSUS_SIZE) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `the consensus set needs at least ${MIN_CONSENSUS_SIZE} nodes`,
      {
        field: 'consensus',
        value: consensus.length,
      },
    );
  }
  const p: PbftParameters = { ...DEFAULT_PBFT_PARAMETERS, targetSize: consensus.length, ...parameters };
  if (p.targetSize < MIN_CONSENSUS_SIZE || !(p.settlementWindow >= 1)) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'targetSize must be ≥ 4 and settlementWindow ≥ 1', {
      field: 'parameters',
    });
  }
  // id-keyed records are built with Object.fromEntries (own data properties), never by
  // assignment to `{}`, so that no id can reach Object.prototype
  const points: Record<string, number> = Object.fromEntries(
    [...all].sort(byId).map((id) => [id, p.initialPoints] as const),
  );
  return {
    parameters: p,
    round: 0,
    consensus: [...consensus].sort(byId),
    reserve: [...reserve].sort(byId),
    jailed: [],
    points,
    windowStartPoints: { ...points },
    faultTolerance: Math.floor((consensus.length - 1) / 3),
    lastRewards: {},
    settlements: 0,
  };
}

/** Consensus nodes by descending points, ties by id. */
export function rankedConsensus(state: PbftState): string[] {
  return [...state.consensus].sort((a, b) => {
    const pa = pointsOf(state.points, a);
    const pb = pointsOf(state.points, b);
    return pa !== pb ? pb - pa : byId(a, b);
  });
}

/** The primary of view v: rank v mod |𝒦| in descending points order. */
export function primaryOfView(state: PbftState, view: number): string {
  const ranked = rankedConsensus(state);
  return ranked[view % ranked.length] ?? '';
}

/**
 * Records one round's events (points clamped to [0, 100]) and settles when the round number
 * reaches a multiple of W.
 * @throws CarbonTraceError INVALID_ARGUMENT for an unknown or jailed node or an unknown event kind.
 */
export function applyPbftRound(state: PbftState, events: readonly PbftEvent[]): PbftState {
  const points = new Map(Object.entries(state.points));
  for (const event of events) {
    const current = points.get(event.nodeId);
    if (current === undefined || state.jailed.includes(event.nodeId)) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `${event.nodeId} is not an active node of this channel`,
        {
          nodeId: event.nodeId,
        },
      );
    }
    if (!Object.hasOwn(PBFT_POINTS, event.kind)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `unknown PBFT event ${event.kind as string}`, {
        field: 'kind',
      });
    }
    points.set(event.nodeId, clamp(current + PBFT_POINTS[event.kind], 0, MAX_POINTS));
  }
  const next: PbftState = { ...state, round: state.round + 1, points: Object.fromEntries(points) };
  return next.round % state.parameters.settlementWindow === 0 ? settlePbft(next) : next;
}

/**
 * Settlement: pay rewards in proportion to the points gained in the window; jail nodes at 0
 * points; demote consensus nodes below `demoteBelow`; promote the best reserve nodes at or above
 * `promoteAtLeast` until the target size; never leave fewer than 4 consensus nodes while
 * non-jailed nodes remain; recompute f.
 */
export function settlePbft(state: PbftState): PbftState {
  const p = state.parameters;
  const pts = (id: string): number => pointsOf(state.points, id);
  const best = (a: string, b: string): number => (pts(a) !== pts(b) ? pts(b) - pts(a) : byId(a, b));

  const active = [...state.consensus, ...state.reserve];
  const gains = active.map((id) => ({
    nodeId: id,
    weight: Math.max(0, pts(id) - pointsOf(state.windowStartPoints, id)),
  }));
  const rewards: Record<string, number> = Object.fromEntries(
    proportionalShares(
      gains.sort((a, b) => byId(a.nodeId, b.nodeId)),
      p.rewardPool,
    ),
  );

  const newlyJailed = active.filter((id) => pts(id) === 0);
  const jailed = [...state.jailed, ...newlyJailed].sort(byId);
  let consensus = state.consensus.filter((id) => pts(id) > 0 && pts(id) >= p.demoteBelow);
  let reserve = [
    ...state.reserve.filter((id) => pts(id) > 0),
    ...state.consensus.filter((id) => pts(id) > 0 && pts(id) < p.demoteBelow),
  ];
  const promotable = reserve.filter((id) => pts(id) >= p.promoteAtLeast).sort(best);
  while (consensus.length < p.targetSize && promotable.length > 0) {
    const id = promotable.shift() ?? '';
    consensus.push(id);
    reserve = reserve.filter((r) => r !== id);
  }
  const fallback = [...reserve].sort(best);
  while (consensus.length < MIN_CONSENSUS_SIZE && fallback.length > 0) {
    const id = fallback.shift() ?? '';
    consensus.push(id);
    reserve = reserve.filter((r) => r !== id);
  }
  consensus = consensus.sort(byId);
  return {
    ...state,
    consensus,
    reserve: reserve.sort(byId),
    jailed,
    windowStartPoints: { ...state.points },
    faultTolerance: Math.floor((Math.max(consensus.length, 1) - 1) / 3),
    lastRewards: rewards,
    settlements: state.settlements + 1,
  };
}
