/**
 * The EA-DPoS parameters GridCo sets in `Governance:Initialize` (MATH.md G.1–G.4): evaluation
 * weights, PoW base target and minimum CA, agent, consensus and supervisor counts, the reward pool
 * and the verification-block slot length, each checked against its range and defaulted.
 */
import { assertWeights, DEFAULT_EVALUATION_WEIGHTS } from '../../governance/evaluation';
import { DEFAULT_BASE_TARGET, DEFAULT_MIN_CA } from '../../governance/pow-agent';
import { CarbonTraceError } from '../../common/errors';
import {
  asArray,
  asInteger,
  asNumber,
  asRecord,
  asString,
  onlyKeys,
  optional,
  parseJsonArgument,
} from '../shared/arguments';
import type { GovernanceParameters } from './governance-ledger';

/** A node (organization) id: an HV candidate, agent, supervisor or producer. */
export const NODE_ID = /^[A-Za-z0-9]{1,32}$/;

/**
 * The parameters of `value` (an object, or absent for every default) for `candidates` candidates.
 * @throws INVALID_ARGUMENT naming the field (`parameters.…`) and its value.
 */
export function parseParameters(value: unknown, candidates: number): GovernanceParameters {
  const r = asRecord(value ?? {}, 'parameters');
  onlyKeys(r, 'parameters', [
    'weights',
    'baseTarget',
    'minCa',
    'agentCount',
    'consensusSize',
    'supervisorCount',
    'rewardPool',
    'slotSeconds',
  ]);
  const weights =
    optional(r['weights'], (w) => {
      const wr = asRecord(w, 'parameters.weights');
      onlyKeys(wr, 'parameters.weights', ['accuracy', 'credit', 'blocks']);
      return {
        accuracy: asNumber(wr['accuracy'], 'parameters.weights.accuracy', 0, 1),
        credit: asNumber(wr['credit'], 'parameters.weights.credit', 0, 1),
        blocks: asNumber(wr['blocks'], 'parameters.weights.blocks', 0, 1),
      };
    }) ?? DEFAULT_EVALUATION_WEIGHTS;
  assertWeights(weights);
  const consensusSize =
    optional(r['consensusSize'], (v) => asInteger(v, 'parameters.consensusSize', 1, candidates)) ??
    candidates;
  return {
    weights,
    baseTarget:
      optional(r['baseTarget'], (v) => asNumber(v, 'parameters.baseTarget', 1e-12, 0.5)) ??
      DEFAULT_BASE_TARGET,
    minCa: optional(r['minCa'], (v) => asNumber(v, 'parameters.minCa', 0, 1)) ?? DEFAULT_MIN_CA,
    agentCount:
      optional(r['agentCount'], (v) => asInteger(v, 'parameters.agentCount', 1, candidates)) ?? candidates,
    consensusSize,
    supervisorCount:
      optional(r['supervisorCount'], (v) => asInteger(v, 'parameters.supervisorCount', 1, consensusSize)) ??
      consensusSize,
    rewardPool: optional(r['rewardPool'], (v) => asNumber(v, 'parameters.rewardPool', 0, 1e12)) ?? 100,
    slotSeconds: optional(r['slotSeconds'], (v) => asInteger(v, 'parameters.slotSeconds', 0, 86_400)) ?? 0,
  };
}

/**
 * GridCo's setup `{candidates: ["Hv1", …], parameters?}`: distinct candidate ids (1 to 100) and
 * their parameters. @throws INVALID_ARGUMENT naming the field and value.
 */
export function parseGovernanceSetup(setupJson: string): {
  candidates: string[];
  parameters: GovernanceParameters;
} {
  const r = asRecord(parseJsonArgument(setupJson, 'setup'), 'setup');
  onlyKeys(r, 'setup', ['candidates', 'parameters']);
  const candidates = asArray(r['candidates'], 'candidates', 1, 100).map((v, i) =>
    asString(v, `candidates[${i}]`, NODE_ID),
  );
  if (new Set(candidates).size !== candidates.length) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'candidates must be distinct', { field: 'candidates' });
  }
  return { candidates, parameters: parseParameters(r['parameters'], candidates.length) };
}
