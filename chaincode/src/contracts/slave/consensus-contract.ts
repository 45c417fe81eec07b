/**
 * carbon-slave `Consensus`: the improved-PBFT points of MATH.md G.5 for this slave channel —
 * consensus and reserve sets, points per round, settlement every W rounds with promotion,
 * demotion and jailing. Rounds come from `Index:Seal` (submitted ⇒ vote, missing ⇒ timeout) and
 * from `RecordRound` (the channel's HV organization reports invalid messages, view changes, …).
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import {
  applyPbftRound,
  initialPbftState,
  PBFT_EVENT_KINDS,
  primaryOfView,
} from '../../governance/pbft-points';
import type { PbftEvent, PbftEventKind, PbftParameters, PbftState } from '../../governance/pbft-points';
import {
  asArray,
  asId,
  asInteger,
  asNumber,
  asRecord,
  invalid,
  onlyKeys,
  optional,
  parseDecimalInteger,
  parseJsonArgument,
} from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256 } from '../shared/hashing';
import { setKeyPolicy } from '../shared/key-endorsement';
import { readNetworkOrgs } from '../shared/network-orgs';
import { hvRecordPolicy } from '../shared/trust-policies';
import { getJson, mustGetJson, putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import { assertChannelOwner } from './index-contract';
import { consensusRoundKey, consensusStateKey } from './slave-keys';

/** Events emitted by {@link ConsensusContract}. */
export const CONSENSUS_EVENTS = { initialized: 'ConsensusInitialized', round: 'ConsensusRound' } as const;

/** A round recorded by `RecordRound`, kept so that a retried call gets the first result. */
interface RecordedRound {
  readonly round: number;
  /** Canonical SHA-256 of the round's events. */
  readonly eventsSha256: string;
  /** The state right after the round (the call's result). */
  readonly result: PbftState;
  readonly txId: string;
}

/** Improved-PBFT points of a slave channel. */
@Info({ title: 'Consensus', description: 'Improved-PBFT points, consensus and reserve sets (MATH.md G.5)' })
export class ConsensusContract extends CarbonContract {
  constructor() {
    super('Consensus');
  }

  /**
   * Starts the point system (HV organization of this channel): `{consensus: [ids], reserve: [ids],
   * parameters?: {settlementWindow, targetSize, initialPoints, demoteBelow, promoteAtLeast, rewardPool}}`.
   */
  @Transaction()
  @Returns('string')
  async Initialize(ctx: Context, setupJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Consensus:Initialize', 'hv');
    assertChannelOwner(ctx, caller);
    const r = asRecord(parseJsonArgument(setupJson, 'setup'), 'setup');
    onlyKeys(r, 'setup', ['consensus', 'reserve', 'parameters']);
    const consensus = asArray(r['consensus'], 'consensus', 1, 1000).map((v, i) => asId(v, `consensus[${i}]`));
    const reserve = asArray(r['reserve'] ?? [], 'reserve', 0, 1000).map((v, i) => asId(v, `reserve[${i}]`));
    const parameters = optional(r['parameters'], (v) => parseParameters(v)) ?? {};
    const key = consensusStateKey(ctx);
    if ((await getJson<PbftState>(ctx, key)) !== undefined) {
      throw new CarbonTraceError('ALREADY_EXISTS', 'the PBFT point system is already initialized', {});
    }
    const state = initialPbftState(consensus, reserve, parameters);
    await putJson(ctx, key, state);
    await setKeyPolicy(ctx, key, hvRecordPolicy(await readNetworkOrgs(ctx), caller.mspId));
    emitEvent(ctx, CONSENSUS_EVENTS.initialized, { consensus: state.consensus, reserve: state.reserve });
    return canonicalJson(state);
  }

  /**
   * Records round `round` of events `{round, events: [{nodeId, kind}]}` (HV organization of this
   * channel); `round` is the number the round gets, the current round + 1. Safe to retry: the same
   * round with the same events returns the first call's result and writes nothing; any other
   * stale round number is refused.
   * @throws CarbonTraceError INVALID_STATE (`reason: "stale"`) naming the given and expected round.
   */
  @Transaction()
  @Returns('string')
  async RecordRound(ctx: Context, roundJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Consensus:RecordRound', 'hv');
    assertChannelOwner(ctx, caller);
    const r = asRecord(parseJsonArgument(roundJson, 'round'), 'round');
    onlyKeys(r, 'round', ['round', 'events']);
    const round = asInteger(r['round'], 'round.round', 1);
    const events: PbftEvent[] = asArray(r['events'], 'events', 0, 10_000).map((v, i) => {
      const e = asRecord(v, `events[${i}]`);
      onlyKeys(e, `events[${i}]`, ['nodeId', 'kind']);
      const kind = e['kind'];
      if (typeof kind !== 'string' || !(PBFT_EVENT_KINDS as readonly string[]).includes(kind)) {
        invalid(`events[${i}].kind`, `must be one of ${PBFT_EVENT_KINDS.join(', ')}`, kind);
      }
      return { nodeId: asId(e['nodeId'], `events[${i}].nodeId`), kind: kind as PbftEventKind };
    });
    const eventsSha256 = canonicalSha256(events);
    const key = consensusStateKey(ctx);
    const state = await mustGetJson<PbftState>(ctx, key, 'the PBFT point system');
    if (round !== state.round + 1) {
      const recorded = await getJson<RecordedRound>(ctx, consensusRoundKey(ctx, round));
      if (recorded !== undefined && recorded.eventsSha256 === eventsSha256) {
        return canonicalJson(recorded.result);
      }
      throw new CarbonTraceError(
        'INVALID_STATE',
        `round ${round} is stale: the next round of this channel is ${state.round + 1}`,
        { field: 'round.round', value: round, expected: state.round + 1, reason: 'stale' },
      );
    }
    const next = applyPbftRound(state, events);
    await putJson(ctx, key, next);
    const recorded: RecordedRound = { round, eventsSha256, result: next, txId: ctx.stub.getTxID() };
    const roundKey = consensusRoundKey(ctx, round);
    await putJson(ctx, roundKey, recorded);
    await setKeyPolicy(ctx, roundKey, hvRecordPolicy(await readNetworkOrgs(ctx), caller.mspId));
    emitEvent(ctx, CONSENSUS_EVENTS.round, {
      round: next.round,
      settled: next.settlements !== state.settlements,
      consensus: next.consensus,
      reserve: next.reserve,
      jailed: next.jailed,
    });
    return canonicalJson(next);
  }

  /** The point system's state. */
  @Transaction(false)
  @Returns('string')
  async GetState(ctx: Context): Promise<string> {
    requireRole(ctx, 'Consensus:GetState', ...ALL_ROLES);
    return canonicalJson(await mustGetJson<PbftState>(ctx, consensusStateKey(ctx), 'the PBFT point system'));
  }

  /** The primary of view `view`: `{view, primary}`. */
  @Transaction(false)
  @Returns('string')
  async GetPrimary(ctx: Context, view: string): Promise<string> {
    requireRole(ctx, 'Consensus:GetPrimary', ...ALL_ROLES);
    const v = parseDecimalInteger(view, 'view', 0);
    const state = await mustGetJson<PbftState>(ctx, consensusStateKey(ctx), 'the PBFT point system');
    return canonicalJson({ view: v, primary: primaryOfView(state, v) });
  }
}

function parseParameters(value: unknown): Partial<PbftParameters> {
  const r = asRecord(value, 'parameters');
  const names = [
    'settlementWindow',
    'targetSize',
    'initialPoints',
    'demoteBelow',
    'promoteAtLeast',
    'rewardPool',
  ] as const;
  onlyKeys(r, 'parameters', names);
  const out: Record<string, number> = {};
  for (const name of names) {
    if (r[name] !== undefined) out[name] = asNumber(r[name], `parameters.${name}`, 0, 1e9);
  }
  return out;
}
