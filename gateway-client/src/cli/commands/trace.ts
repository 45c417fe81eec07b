/**
 * `carbontrace trace <case.m> --carbon <sidecar.json> [--method nr|bfs] [--json]`: power flow,
 * loss-aware proportional-sharing tracing and carbon flow (MATH.md §A–D) with the conservation
 * checks asserted; prints unit intensities and emissions, bus intensities and load carbon, branch
 * and loss carbon, and the system balance.
 */
import {
  parseCarbonSidecar,
  solvePowerFlow,
  traceCarbon,
  type CarbonTrace,
  type PowerCase,
  type PowerFlowResult,
  type ShareMethod,
} from '@carbontrace/chaincode';

import type { CliCommand } from '../command';
import {
  BadInputError,
  loadCase,
  parseEngineArgs,
  progress,
  readInputFile,
  reportFailure,
  table,
} from './powerflow';

const USAGE = `Usage: carbontrace trace <case.m> --carbon <sidecar.json> [--method nr|bfs] [--shares auto|fast|sparse|dense] [--json]
       carbontrace trace --feeder <buses>:<dgs>[:<seed>] ...   (a generated radial feeder with its own
                         sidecar: grid supply 0.58 tCO2/MWh, DGs alternately zero-carbon and 0.45)

Traces carbon emission flow through a solved AC power flow (loss-aware proportional sharing).
  --carbon  carbon sidecar: {"generators":[{"gen":1,"kind":"coal","pecc":{"a","b","c"},"zeta",
            "carbonContentRate","oxidationRate","captureRate"} | {"gen","kind":"grid"|"fixed",
            "intensityTco2PerMwh"} | {"gen","kind":"zero-carbon"}]}; unlisted units are zero-carbon
  --method  power flow: nr (default) or bfs (radial feeders)
  --shares  how X = A^-1 G is computed: auto (default: topological forward substitution, or a
            sparse LU when the flow graph has a cycle), fast, sparse, or dense (the paper's inverse)
  --json    one JSON object:
              generators [{gen, bus, pMw, intensityTco2PerMwh, emissionTco2PerH}]
                (negative loads traced as DG units appear with gen null and source "negative-load")
              buses [{id, throughFlowMw, loadMw, intensityTco2PerMwh, loadCarbonTco2PerH,
                      loadByGenerator [{gen, bus, pMw, carbonTco2PerH}]}]
                (intensity null for a bus that carries no active power; loadByGenerator: which
                unit supplies the load, proportional sharing B6/D1)
              branches [{from, to, lossMw, sendingCarbonTco2PerH, receivingCarbonTco2PerH, lossCarbonTco2PerH,
                         lossByGenerator [{gen, bus, pMw, carbonTco2PerH}]}]
              totals {emissionTco2PerH, loadCarbonTco2PerH, lossCarbonTco2PerH, totalLossMw, balanceErrorTco2PerH}
Exit codes: 0 traced, 1 failure (divergence, cycle, conservation), 2 bad input.`;

const SHARE_METHODS: readonly ShareMethod[] = ['auto', 'fast', 'sparse', 'dense'];

interface GeneratorRow {
  gen: number | null;
  bus: number;
  pMw: number;
  intensityTco2PerMwh: number | null;
  emissionTco2PerH: number;
  source?: 'negative-load';
}

/** The JSON object of the `trace` contract. */
export function traceJson(
  powerCase: PowerCase,
  flow: PowerFlowResult,
  trace: CarbonTrace,
): Record<string, unknown> {
  const { system, rates } = trace;
  const traced = new Map<number, number>();
  system.generators.forEach((unit, g) => {
    if (unit.source === 'gen') traced.set(unit.genIndex, g);
  });
  const generators: GeneratorRow[] = flow.generators.map((gen) => {
    const g = traced.get(gen.row);
    const unit = g === undefined ? undefined : trace.generators[g];
    return {
      gen: gen.row + 1,
      bus: gen.busId,
      pMw: gen.pMw,
      // A unit that carries no power (off, or at 0 MW) has no traced intensity.
      intensityTco2PerMwh:
        unit === undefined ? (gen.inService && gen.pMw === 0 ? 0 : null) : unit.intensityTco2PerMwh,
      emissionTco2PerH: unit === undefined ? 0 : unit.emissionTco2PerH,
    };
  });
  system.generators.forEach((unit, g) => {
    if (unit.source !== 'negative-load') return;
    generators.push({
      gen: null,
      bus: unit.busId,
      pMw: unit.pMw,
      intensityTco2PerMwh: trace.generators[g]?.intensityTco2PerMwh ?? 0,
      emissionTco2PerH: trace.generators[g]?.emissionTco2PerH ?? 0,
      source: 'negative-load',
    });
  });
  const nodeOfBus = new Map(system.busIds.map((id, x) => [id, x]));
  const k = system.generators.length;
  // Which unit supplies each load and loss (B6–B7 in MW, D1/D3 in tCO2/h); units with no share left out.
  const unitKey = system.generators.map((unit) => ({
    gen: unit.source === 'gen' ? unit.genIndex + 1 : null,
    bus: unit.busId,
  }));
  const byGenerator = (mw: Float64Array, tco2: Float64Array, row: number) =>
    unitKey.flatMap((u, g) => {
      const pMw = mw[row * k + g] ?? 0;
      return pMw === 0 ? [] : [{ ...u, pMw, carbonTco2PerH: tco2[row * k + g] ?? 0 }];
    });
  const buses = powerCase.buses.map((bus) => {
    const x = nodeOfBus.get(bus.id);
    if (x === undefined) {
      return {
        id: bus.id,
        throughFlowMw: 0,
        loadMw: 0,
        intensityTco2PerMwh: null,
        loadCarbonTco2PerH: 0,
        loadByGenerator: [],
      };
    }
    return {
      id: bus.id,
      throughFlowMw: system.throughFlowMw[x] ?? 0,
      loadMw: system.loadMw[x] ?? 0,
      intensityTco2PerMwh: rates.nodeIntensityTco2PerMwh[x] ?? 0,
      loadCarbonTco2PerH: rates.loadTco2PerH[x] ?? 0,
      loadByGenerator: byGenerator(trace.components.loadMw, rates.loadByGeneratorTco2PerH, x),
    };
  });
  const keptIndex = new Map(system.branchRows.map((row, b) => [row, b]));
  const branches = flow.branches
    .filter((br) => br.inService)
    .map((br) => {
      const b = keptIndex.get(br.row);
      return {
        from: br.fromBusId,
        to: br.toBusId,
        lossMw: b === undefined ? br.lossMw : (system.lossMw[system.busCount + b] ?? 0),
        sendingCarbonTco2PerH: b === undefined ? 0 : (rates.sendingTco2PerH[b] ?? 0),
        receivingCarbonTco2PerH: b === undefined ? 0 : (rates.receivingTco2PerH[b] ?? 0),
        lossCarbonTco2PerH: b === undefined ? 0 : (rates.lossTco2PerH[b] ?? 0),
        lossByGenerator:
          b === undefined ? [] : byGenerator(trace.components.lossMw, rates.lossByGeneratorTco2PerH, b),
      };
    });
  return {
    case: powerCase.name,
    method: flow.method,
    shareMethod: trace.shares.method,
    generators,
    buses,
    branches,
    totals: { ...trace.totals },
  };
}

function traceTables(json: Record<string, unknown>): string {
  const gens = json['generators'] as GeneratorRow[];
  const buses = json['buses'] as {
    id: number;
    throughFlowMw: number;
    loadMw: number;
    intensityTco2PerMwh: number | null;
    loadCarbonTco2PerH: number;
  }[];
  const branches = json['branches'] as {
    from: number;
    to: number;
    lossMw: number;
    sendingCarbonTco2PerH: number;
    receivingCarbonTco2PerH: number;
    lossCarbonTco2PerH: number;
  }[];
  const totals = json['totals'] as Record<string, number>;
  const n = (v: number | undefined): number => v ?? 0;
  return [
    `case ${String(json['case'])}: power flow ${String(json['method'])}, shares by ${String(json['shareMethod'])}`,
    '',
    'Generators',
    table(
      ['gen', 'bus', 'P (MW)', 'e_G (tCO2/MWh)', 'E_G (tCO2/h)'],
      gens.map((g) => [g.gen ?? 'DG', g.bus, g.pMw, g.intensityTco2PerMwh ?? '-', g.emissionTco2PerH]),
      2,
    ),
    '',
    'Buses',
    table(
      ['bus', 'P through (MW)', 'load (MW)', 'e_N (tCO2/MWh)', 'R_L (tCO2/h)'],
      buses.map((b) => [b.id, b.throughFlowMw, b.loadMw, b.intensityTco2PerMwh ?? '-', b.loadCarbonTco2PerH]),
      1,
    ),
    '',
    'Branches (in service)',
    table(
      ['from', 'to', 'loss (MW)', 'R_B^s (tCO2/h)', 'R_B^r (tCO2/h)', 'R_loss (tCO2/h)'],
      branches.map((b) => [
        b.from,
        b.to,
        b.lossMw,
        b.sendingCarbonTco2PerH,
        b.receivingCarbonTco2PerH,
        b.lossCarbonTco2PerH,
      ]),
      2,
    ),
    '',
    `emission ${n(totals['emissionTco2PerH']).toFixed(6)} tCO2/h = load ${n(totals['loadCarbonTco2PerH']).toFixed(6)} + losses ${n(totals['lossCarbonTco2PerH']).toFixed(6)} tCO2/h (balance error ${n(totals['balanceErrorTco2PerH']).toExponential(2)}); network loss ${n(totals['totalLossMw']).toFixed(6)} MW`,
    '',
  ].join('\n');
}

/** The `trace` command. */
export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'carbon emission flow of a MATPOWER case with a carbon sidecar (loss-aware tracing)',
  usage: USAGE,
  run: (args, io) => {
    let file = '';
    try {
      const parsed = parseEngineArgs(args, ['--carbon', '--shares']);
      file = parsed.casePath;
      const shares = parsed.extra.get('--shares') ?? 'auto';
      const shareMethod = SHARE_METHODS.find((m) => m === shares);
      if (shareMethod === undefined) {
        throw new BadInputError(`--shares must be auto, fast, sparse or dense (got '${shares}')`);
      }
      const { powerCase, generatedSidecar } = loadCase(parsed);
      const carbonPath = parsed.extra.get('--carbon');
      let sidecar = generatedSidecar;
      if (carbonPath !== undefined) {
        file = carbonPath;
        sidecar = parseCarbonSidecar(readInputFile(carbonPath, 'carbon sidecar'), carbonPath, powerCase);
        file = parsed.casePath;
      }
      if (sidecar === undefined) throw new BadInputError('--carbon <sidecar.json> is required');
      const step = progress(io, powerCase.buses.length > 5000);
      step(`solving ${powerCase.buses.length} buses by ${parsed.method}`);
      const flow = solvePowerFlow(powerCase, { method: parsed.method });
      step('tracing');
      const trace = traceCarbon(powerCase, flow, sidecar, { shareMethod });
      step(`traced (${trace.system.size} extended nodes, ${trace.system.generators.length} units)`);
      const json = traceJson(powerCase, flow, trace);
      io.out(parsed.json ? `${JSON.stringify(json)}\n` : traceTables(json));
      return Promise.resolve(0);
    } catch (error) {
      return Promise.resolve(reportFailure(io, 'trace', file, error));
    }
  },
};
