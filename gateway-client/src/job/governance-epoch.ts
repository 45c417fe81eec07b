/**
 * Opens an active EA-DPoS epoch before the day's traces (MATH.md G.1–G.4): GridCo initializes
 * governance with the HV substations as candidates, each HV substation solves its proof of work
 * locally (the engine's `solvePow`, against its CA-dependent target) and submits the nonce, GridCo
 * closes agent selection, each agent casts the honest ballot (top N_C by CA), and GridCo closes the
 * vote. From then on the verification-block schedule gives the HV substations time slots in turn,
 * and each anchor relay records only in its own slots.
 *
 * Each step is taken through the acting organization's own peer, so before acting it waits until
 * that peer holds the previous step (block committed and the state showing it).
 */
import { honestApprovals, solvePow } from '@carbontrace/chaincode';
import type { GovernanceState } from '@carbontrace/chaincode';
import type { GridCompanyClient } from '../clients/grid-company-client';
import type { HvSubstationClient } from '../clients/hv-substation-client';
import type { LedgerWaiter } from '../sdk/ledger-height';
import { MASTER_CHANNEL } from '../sdk/network-names';
import { abortableSleep, pollUntil } from '../sdk/polling';

/** An HV substation taking part, with a view of its own peer's ledger. */
export interface EpochCandidate {
  readonly hv: HvSubstationClient;
  readonly ledger: LedgerWaiter;
}

/** What {@link ensureActiveEpoch} did. */
export interface EpochSetup {
  /** True when this call opened the epoch, false when one was already active. */
  readonly opened: boolean;
  readonly state: GovernanceState;
}

/**
 * Makes sure an EA-DPoS epoch is active.
 * @param slotSeconds - length of a verification-block slot (used only when initializing).
 * @throws {@link ContractError} when a governance step is refused; Error on a timeout.
 */
export async function ensureActiveEpoch(
  gridCo: GridCompanyClient,
  gridLedger: LedgerWaiter,
  candidates: readonly EpochCandidate[],
  slotSeconds: number,
): Promise<EpochSetup> {
  let state = await gridCo.governanceState();
  if (state?.phase === 'active') return { opened: false, state };
  let lastBlock = 0n;
  if (state === null) {
    lastBlock =
      (await gridCo.initializeGovernance({
        candidates: candidates.map((c) => c.hv.nodeId),
        parameters: { slotSeconds },
      })) ?? 0n;
    state = await gridCo.governanceState();
  }
  if (state === null) throw new Error('governance did not initialize');
  if (state.phase === 'pow') {
    const current = state;
    const blocks = await Promise.all(
      candidates.map(async ({ hv, ledger }) => {
        const evaluation = current.evaluations.find((e) => e.nodeId === hv.nodeId);
        if (evaluation === undefined) return 0n;
        await seesPhase(hv, ledger, lastBlock, 'pow');
        const solution = solvePow(current.seed, hv.nodeId, evaluation.ca, current.parameters.baseTarget);
        return hv.submitPow(solution.nonce);
      }),
    );
    await gridLedger.waitForBlock(MASTER_CHANNEL, max(blocks));
    await settle();
    const closed = await gridCo.closeAgentSelection();
    state = closed.result;
    lastBlock = closed.blockNumber;
  }
  if (state.phase === 'voting') {
    const candidateCa = new Map(state.evaluations.map((e) => [e.nodeId, e.ca]));
    const ballot = honestApprovals(candidateCa, state.parameters.consensusSize);
    const agents = new Set(state.agents);
    const blocks = await Promise.all(
      candidates
        .filter(({ hv }) => agents.has(hv.nodeId))
        .map(async ({ hv, ledger }) => {
          await seesPhase(hv, ledger, lastBlock, 'voting');
          return hv.vote(ballot);
        }),
    );
    await gridLedger.waitForBlock(MASTER_CHANNEL, max(blocks));
    await settle();
    const closed = await gridCo.closeVoting();
    state = closed.result;
    lastBlock = closed.blockNumber;
  }
  await Promise.all(candidates.map(({ hv, ledger }) => seesPhase(hv, ledger, lastBlock, 'active')));
  return { opened: true, state };
}

/** Waits until the HV peer holds `block` and shows governance in `phase`. */
async function seesPhase(
  hv: HvSubstationClient,
  ledger: LedgerWaiter,
  block: bigint,
  phase: GovernanceState['phase'],
): Promise<void> {
  await ledger.waitForBlock(MASTER_CHANNEL, block);
  await pollUntil(async () => ((await hv.governanceState())?.phase === phase ? true : undefined), {
    what: `${hv.nodeId}'s peer showing governance phase ${phase}`,
    timeoutMs: 30_000,
    initialIntervalMs: 100,
    maxIntervalMs: 100,
  });
}

/**
 * A peer reports a block's height a moment before its state database holds the block's writes;
 * steps that read keys written by other organizations' transactions (PoW submissions, ballots)
 * give it that moment.
 */
function settle(): Promise<void> {
  return abortableSleep(300);
}

function max(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => (a > b ? a : b), 0n);
}
