/**
 * Power-flow phase: per case, ours (Newton–Raphson without and with a workspace kept across the
 * repeats, and the sweep) against pandapower's runpp (NR, BFSW) and lightsim2grid's NR_KLU solver
 * (cold and warm), on the same exported case data with the same stopping rule.
 */
import { num, type ChildResult } from '../../child-runner';
import { caseLabel, type CaseSpec } from '../bench-cases';
import type { EngineContext } from '../engine-context';
import { PF_TOLERANCE_PU } from '../engine-plan';

/** One case's power-flow measurements. */
export interface PowerFlowRow {
  readonly label: string;
  readonly topology: 'radial' | 'meshed' | 'reference';
  readonly exported: ChildResult;
  readonly oursNr: ChildResult;
  /** Ours with one PowerFlowWorkspace across the repeated solves. */
  readonly oursNrReused: ChildResult;
  readonly oursBfs: ChildResult;
  readonly pandapowerNr: ChildResult | undefined;
  readonly pandapowerBfsw: ChildResult | undefined;
  /** lightsim2grid NR_KLU, a new solver per solve (symbolic analysis every time). */
  readonly lightsim2gridCold: ChildResult | undefined;
  /** lightsim2grid NR_KLU, one solver reused (KLU's symbolic analysis reused). */
  readonly lightsim2gridWarm: ChildResult | undefined;
}

/** A named part of a Python script's one-line result, as a ChildResult. */
function part(result: ChildResult | undefined, name: string): ChildResult | undefined {
  if (result === undefined) return undefined;
  const value = result[name];
  if (!result.ok || typeof value !== 'object' || value === null)
    return { ok: false, error: result.error ?? 'no result' };
  const fields = value as Record<string, unknown>;
  return { ...fields, ok: fields['ok'] === true, maxRssKb: result['maxRssKb'] };
}

function topologyOf(spec: CaseSpec): PowerFlowRow['topology'] {
  if (spec.kind === 'matpower') return 'reference';
  return (spec.tieCount ?? 0) > 0 ? 'meshed' : 'radial';
}

/** Runs the power-flow phase. */
export async function runPowerFlowPhase(context: EngineContext): Promise<PowerFlowRow[]> {
  const { plan, log } = context;
  const rows: PowerFlowRow[] = [];
  for (const spec of plan.powerFlow.cases) {
    const label = caseLabel(spec);
    log(`engine: power flow ${label}`);
    const exported = await context.exportCase(spec);
    const pf = (method: 'nr' | 'bfs', reuse: boolean): Promise<ChildResult> =>
      context.worker({
        kind: 'pf',
        caseSpec: spec,
        method,
        tolerancePu: PF_TOLERANCE_PU,
        reuse,
        timing: { ...plan.timing, slowRunSeconds: plan.slowRunSeconds },
      });
    const oursNr = await pf('nr', false);
    const oursNrReused = await pf('nr', true);
    const oursBfs = await pf('bfs', false);
    const caseJson = `${context.folderOf(spec)}/case.json`;
    const buses = spec.kind === 'feeder' ? spec.busCount : num(exported, 'caseBuses');
    const skipBfsw = buses > plan.powerFlow.pandapowerBfswMaxBuses ? ['skip-bfsw'] : [];
    log(`engine: power flow ${label}: pandapower and lightsim2grid`);
    const pp = await context.runPython('pandapower_bench.py', [
      caseJson,
      String(PF_TOLERANCE_PU),
      ...plan.pythonTiming,
      String(num(oursNr, 'lossMw')),
      String(num(oursBfs, 'lossMw')),
      ...skipBfsw,
    ]);
    const ls = part(pp, 'lightsim2grid'); // run in the pandapower process, on its internal case
    rows.push({
      label,
      topology: topologyOf(spec),
      exported,
      oursNr,
      oursNrReused,
      oursBfs,
      pandapowerNr: part(pp, 'nr'),
      pandapowerBfsw: part(pp, 'bfsw'),
      lightsim2gridCold: part(ls, 'cold'),
      lightsim2gridWarm: part(ls, 'warm'),
    });
  }
  return rows;
}
