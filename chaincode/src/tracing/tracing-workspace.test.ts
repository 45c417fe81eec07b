import { traceCarbon, type CarbonTrace } from '../carbon/carbon-trace';
import type { CarbonSidecar } from '../grid/carbon-sidecar';
import type { PowerCase } from '../grid/power-case';
import { generateRadialFeeder } from '../grid/synthetic-feeder';
import { solvePowerFlow } from '../powerflow/solve-power-flow';
import { TripletBuilder } from '../sparse/csr-matrix';
import { buildDistributionSystem } from './build-distribution-system';
import { distributionMatrix, orderedOffDiagonalRows } from './distribution-matrix';
import { fillOrderedRows, layOutOrderedRows } from './ordered-rows';
import { TracingWorkspace } from './tracing-workspace';

/** Uncached path vs workspace path: every number within 1e-12 relative (in practice bit-identical). */
function expectSameNumbers(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const diff = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    worst = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(worst, diff);
  }
  expect(worst).toBeLessThanOrEqual(1e-12);
}

function expectSameTrace(actual: CarbonTrace, expected: CarbonTrace): void {
  const a = actual.system;
  const e = expected.system;
  expect([a.busCount, a.branchCount, a.size]).toEqual([e.busCount, e.branchCount, e.size]);
  expect(a.busIds).toEqual(e.busIds);
  expect(a.branchRows).toEqual(e.branchRows);
  expect(a.branchEnds).toEqual(e.branchEnds);
  expect(a.generators).toEqual(e.generators);
  expect(Array.from(a.offDiagonal.rows)).toEqual(Array.from(e.offDiagonal.rows));
  expect(Array.from(a.offDiagonal.cols)).toEqual(Array.from(e.offDiagonal.cols));
  expectSameNumbers(a.offDiagonal.values, e.offDiagonal.values);
  expectSameNumbers(a.throughFlowMw, e.throughFlowMw);
  expectSameNumbers(actual.shares.sharesMw, expected.shares.sharesMw);
  for (const key of ['loadMw', 'lossMw', 'sendingMw', 'receivingMw'] as const) {
    expectSameNumbers(actual.components[key], expected.components[key]);
  }
  for (const key of Object.keys(expected.rates) as (keyof CarbonTrace['rates'])[]) {
    expectSameNumbers(actual.rates[key], expected.rates[key]);
  }
  expect(actual.totals.emissionTco2PerH).toBeCloseTo(expected.totals.emissionTco2PerH, 12);
  expect(actual.totals.loadCarbonTco2PerH).toBeCloseTo(expected.totals.loadCarbonTco2PerH, 12);
}

/** Hour h of a small day: loads scaled, DGs (every unit but the first) by a solar factor. */
function slot(base: PowerCase, hour: number): PowerCase {
  const load = 0.7 + 0.3 * Math.sin((Math.PI * hour) / 24);
  const solar = hour <= 6 || hour >= 18 ? 0 : Math.sin((Math.PI * (hour - 6)) / 12);
  return {
    ...base,
    name: `${base.name}-h${hour}`,
    buses: base.buses.map((bus) => ({ ...bus, pdMw: bus.pdMw * load, qdMvar: bus.qdMvar * load })),
    generators: base.generators.map((gen) => (gen.row === 0 ? gen : { ...gen, pgMw: gen.pgMw * solar })),
  };
}

describe('TracingWorkspace', () => {
  const { powerCase, sidecar } = generateRadialFeeder({
    busCount: 120,
    dgCount: 8,
    seed: 'workspace',
    dgShare: 0.9,
  });

  it('gives the same trace as the uncached path over the slots of a day', () => {
    const workspace = new TracingWorkspace();
    for (let hour = 0; hour < 24; hour += 1) {
      const slotCase = slot(powerCase, hour);
      const flow = solvePowerFlow(slotCase);
      const fresh = traceCarbon(slotCase, flow, sidecar);
      const cached = traceCarbon(slotCase, flow, sidecar, { workspace });
      expectSameTrace(cached, fresh);
    }
    expect(workspace.counts.patternsReused).toBeGreaterThan(0);
    expect(workspace.counts.patternsBuilt).toBeGreaterThan(1); // night and day flow patterns differ
  });

  it('reuses the pattern for the same flow directions, and rebuilds it when the topology changes', () => {
    const workspace = new TracingWorkspace();
    const flow = solvePowerFlow(powerCase);
    traceCarbon(powerCase, flow, sidecar, { workspace });
    const again = traceCarbon(powerCase, flow, sidecar, { workspace });
    expect(workspace.counts).toEqual({ patternsBuilt: 1, patternsReused: 1 });
    expect(again.system.topologicalOrder).toBeDefined();

    // Open the branch to a leaf bus without units and isolate that bus: fewer buses and branches
    // carry flow.
    const fed = new Set(powerCase.branches.map((br) => br.fromBusId));
    const withUnit = new Set(powerCase.generators.map((gen) => gen.busId));
    const leaf = powerCase.branches.findIndex((br) => !fed.has(br.toBusId) && !withUnit.has(br.toBusId));
    const leafBus = powerCase.branches[leaf]!.toBusId;
    const opened: PowerCase = {
      ...powerCase,
      branches: powerCase.branches.map((br, row) => (row === leaf ? { ...br, inService: false } : br)),
      buses: powerCase.buses.map((bus) =>
        bus.id === leafBus ? { ...bus, type: 4 as const, pdMw: 0, qdMvar: 0 } : bus,
      ),
    };
    const openedFlow = solvePowerFlow(opened);
    const cached = traceCarbon(opened, openedFlow, sidecar, { workspace });
    expect(workspace.counts.patternsBuilt).toBe(2);
    expectSameTrace(cached, traceCarbon(opened, openedFlow, sidecar));
    expect(cached.system.size).toBeLessThan(again.system.size);

    // Back to the first topology: a new pattern again, the same answer as without a workspace.
    const back = traceCarbon(powerCase, flow, sidecar, { workspace });
    expect(workspace.counts.patternsBuilt).toBe(3);
    expectSameTrace(back, traceCarbon(powerCase, flow, sidecar));
  });

  it('rebuilds the bus numbering when the bus ids change', () => {
    const workspace = new TracingWorkspace();
    const flow = solvePowerFlow(powerCase);
    traceCarbon(powerCase, flow, sidecar, { workspace });
    const renumber = (id: number): number => id + 1000;
    const renamed: PowerCase = {
      ...powerCase,
      buses: powerCase.buses.map((bus) => ({ ...bus, id: renumber(bus.id) })),
      branches: powerCase.branches.map((br) => ({
        ...br,
        fromBusId: renumber(br.fromBusId),
        toBusId: renumber(br.toBusId),
      })),
      generators: powerCase.generators.map((gen) => ({ ...gen, busId: renumber(gen.busId) })),
    };
    const renamedSidecar: CarbonSidecar = sidecar;
    const renamedFlow = solvePowerFlow(renamed);
    const cached = traceCarbon(renamed, renamedFlow, renamedSidecar, { workspace });
    expect(cached.system.busIds[0]).toBe(1001);
    expectSameTrace(cached, traceCarbon(renamed, renamedFlow, renamedSidecar));
  });

  it('lends its N×K buffers: the next trace overwrites the previous one', () => {
    const workspace = new TracingWorkspace();
    const day = slot(powerCase, 12);
    const first = traceCarbon(day, solvePowerFlow(day), sidecar, { workspace });
    const copy = Float64Array.from(first.shares.sharesMw);
    const night = slot(powerCase, 0);
    const second = traceCarbon(night, solvePowerFlow(night), sidecar, { workspace });
    expect(second.shares.sharesMw.buffer).toBe(first.shares.sharesMw.buffer);
    expect(Array.from(first.shares.sharesMw)).not.toEqual(Array.from(copy));
  });

  it('builds the same system through buildDistributionSystem', () => {
    const workspace = new TracingWorkspace();
    const flow = solvePowerFlow(powerCase);
    buildDistributionSystem(powerCase, flow, { workspace });
    const cached = buildDistributionSystem(powerCase, flow, { workspace });
    const fresh = buildDistributionSystem(powerCase, flow);
    expect(Array.from(cached.offDiagonal.values)).toEqual(Array.from(fresh.offDiagonal.values));
    const order = cached.topologicalOrder!;
    const a = orderedOffDiagonalRows(cached, order);
    const b = orderedOffDiagonalRows(fresh, fresh.topologicalOrder!);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.columns)).toEqual(Array.from(b.columns));
  });
});

describe('ordered rows', () => {
  it('equal the CSR rows read in order, with duplicate entries summed in entry order', () => {
    // Entries of a 5×5 lower-triangular pattern (order 4, 2, 0, 3, 1), one coordinate twice.
    const order = Int32Array.from([4, 2, 0, 3, 1]);
    const rows = Int32Array.from([2, 0, 0, 3, 3, 1, 1, 0]);
    const cols = Int32Array.from([4, 4, 2, 2, 0, 3, 4, 4]);
    const values = Float64Array.from([-0.5, -0.1, -0.2, -0.3, -0.4, -0.6, -0.7, -0.05]);
    const rowsInOrder = fillOrderedRows(layOutOrderedRows(5, rows, cols, order), values);
    const builder = new TripletBuilder(5, 5);
    for (let p = 0; p < values.length; p += 1) builder.add(rows[p]!, cols[p]!, values[p]!);
    const csr = builder.build();
    const expectedColumns: number[] = [];
    const expectedValues: number[] = [];
    const expectedPointers = [0];
    for (const x of order) {
      for (let p = csr.rowPointers[x]!; p < csr.rowPointers[x + 1]!; p += 1) {
        expectedColumns.push(csr.columnIndices[p]!);
        expectedValues.push(csr.values[p]!);
      }
      expectedPointers.push(expectedColumns.length);
    }
    expect(Array.from(rowsInOrder.pointers)).toEqual(expectedPointers);
    expect(Array.from(rowsInOrder.columns)).toEqual(expectedColumns);
    expect(Array.from(rowsInOrder.values)).toEqual(expectedValues);
  });

  it('refuse an order that does not list the nodes', () => {
    expect(() => layOutOrderedRows(3, new Int32Array(0), new Int32Array(0), Int32Array.from([0, 1]))).toThrow(
      /order does not list the nodes/,
    );
  });

  it('match the CSR matrix of a real system', () => {
    const { powerCase } = generateRadialFeeder({ busCount: 60, dgCount: 4, seed: 'rows', dgShare: 1.2 });
    const system = buildDistributionSystem(powerCase, solvePowerFlow(powerCase));
    const order = system.topologicalOrder!;
    const rowsInOrder = orderedOffDiagonalRows(system, order);
    const csr = distributionMatrix(system);
    let q = 0;
    order.forEach((x) => {
      for (let p = csr.rowPointers[x]!; p < csr.rowPointers[x + 1]!; p += 1) {
        if (csr.columnIndices[p] === x) continue;
        expect(rowsInOrder.columns[q]).toBe(csr.columnIndices[p]);
        expect(rowsInOrder.values[q]).toBe(csr.values[p]);
        q += 1;
      }
    });
    expect(q).toBe(rowsInOrder.values.length);
  });
});
