/**
 * Outsourcing phase: client (mask + unmask + verify, both providers) and cloud seconds per mask
 * profile, against the local sparse solve of the same problem.
 */
import type { MaskProfile } from '@carbontrace/chaincode';

import type { ChildResult } from '../../child-runner';
import { caseLabel, feeder } from '../bench-cases';
import type { EngineContext } from '../engine-context';
import { SCALING_DG_COUNT } from '../engine-plan';

/** One outsourcing measurement. */
export interface OutsourcingRow {
  readonly label: string;
  readonly busCount: number;
  readonly profile: MaskProfile;
  readonly result: ChildResult;
}

/** Runs the outsourcing phase. */
export async function runOutsourcingPhase(context: EngineContext): Promise<OutsourcingRow[]> {
  const { plan, log } = context;
  const rows: OutsourcingRow[] = [];
  const run = async (n: number, profile: MaskProfile, slowRunSeconds?: number): Promise<void> => {
    const spec = feeder(n, SCALING_DG_COUNT);
    log(`engine: outsourcing ${caseLabel(spec)} ${profile}`);
    const timing = slowRunSeconds === undefined ? plan.timing : { ...plan.timing, slowRunSeconds };
    const result = await context.worker({ kind: 'outsource', caseSpec: spec, profile, timing });
    rows.push({ label: caseLabel(spec), busCount: n, profile, result });
  };
  for (const n of plan.outsourcing.sizes) {
    for (const profile of plan.outsourcing.profiles) await run(n, profile, 2);
  }
  for (const n of plan.outsourcing.monomialSizes) await run(n, 'monomial');
  return rows;
}
