/**
 * Opens an active EA-DPoS epoch before the day's traces (MATH.md G.1–G.4): GridCo initializes
 * governance with the HV substations as candidates, each HV substation solves its proof of work
 * locally (the engine's `solvePow`, against its CA-dependent target) and submits the nonce, GridCo
 * closes agent selection, each agent casts the honest ballot (top N_C by CA), and GridCo closes the
 * vote. From then on the verification-block schedule gives the HV substations time slots in turn,
 * and each anchor relay records only in its own slots.
 */
import { honestApprovals, solvePow } from '@carbontrace/chaincode';
import type { GovernanceState } from '@carbontrace/chaincode';
import type { GridCompanyClient } from '../clients/grid-company-client';
import type { HvSubstationClient } from '../clients/hv-substation-client';

/** What {@link ensureActiveEpoch} did. */
export interface EpochSetup {
  /** True when this call opened the epoch, false when one was already active. */
  readonly opened: boolean;
  readonly state: GovernanceState;
}

/**
 * Makes sure an EA-DPoS epoch is active.
 * @param slotSeconds - length of a verification-block slot (used only when initializing).
 * @throws {@link ContractError} when a governance step is refused; CarbonTraceError INVALID_STATE when no nonce is found.
 */
export async function ensureActiveEpoch(
  gridCo: GridCompanyClient,
  hvs: readonly HvSubstationClient[],
  slotSeconds: number,
): Promise<EpochSetup> {
  let state = await gridCo.governanceState();
  if (state?.phase === 'active') return { opened: false, state };
  if (state === null) {
    await gridCo.initializeGovernance({ candidates: hvs.map((h) => h.nodeId), parameters: { slotSeconds } });
    state = await gridCo.governanceState();
  }
  if (state === null) throw new Error('governance did not initialize');
  if (state.phase === 'pow') {
    const current = state;
    await Promise.all(
      hvs.map(async (hv) => {
        const evaluation = current.evaluations.find((e) => e.nodeId === hv.nodeId);
        if (evaluation === undefined) return;
        const solution = solvePow(current.seed, hv.nodeId, evaluation.ca, current.parameters.baseTarget);
        await hv.submitPow(solution.nonce);
      }),
    );
    state = await gridCo.closeAgentSelection();
  }
  if (state.phase === 'voting') {
    const candidateCa = new Map(state.evaluations.map((e) => [e.nodeId, e.ca]));
    const ballot = honestApprovals(candidateCa, state.parameters.consensusSize);
    const agents = new Set(state.agents);
    await Promise.all(hvs.filter((hv) => agents.has(hv.nodeId)).map((hv) => hv.vote(ballot)));
    state = await gridCo.closeVoting();
  }
  return { opened: true, state };
}
