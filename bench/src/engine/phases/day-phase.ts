/**
 * "A day at scale": 24 hourly slots of a 10,000-bus feeder with 100 DGs (power flow + carbon
 * trace, engine only, one process), with one PowerFlowWorkspace and one TracingWorkspace across
 * the slots and, for comparison in the same process, without.
 */
import type { ChildResult } from '../../child-runner';
import { caseLabel } from '../bench-cases';
import type { EngineContext } from '../engine-context';

/** The day measurement. */
export interface DayRow {
  readonly label: string;
  readonly result: ChildResult;
}

/** Runs the day phase. */
export async function runDayPhase(context: EngineContext): Promise<DayRow> {
  const { caseSpec, days } = context.plan.day;
  const label = caseLabel(caseSpec);
  context.log(`engine: a day at scale, ${label}, 24 slots × ${days} days`);
  return { label, result: await context.worker({ kind: 'day', caseSpec, days }) };
}
