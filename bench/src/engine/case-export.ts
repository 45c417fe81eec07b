/**
 * Hands the same data to the Python side: a power-flow case as MATPOWER-style arrays (the
 * pandapower converter in `bench/python` builds its net from them), and the extended (n+m)
 * system of MATH.md §B as raw little-endian binary arrays (numpy reads them with `fromfile`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DistributionSystem, PowerCase } from '@carbontrace/chaincode';

/** Writes `case.json`: baseMVA and bus/gen/branch rows in MATPOWER column order (version 2). */
export function exportPowerCase(powerCase: PowerCase, path: string): void {
  const bus = powerCase.buses.map((b) => [
    b.id,
    b.type,
    b.pdMw,
    b.qdMvar,
    b.gsMw,
    b.bsMvar,
    1,
    b.vmPu,
    b.vaDeg,
    b.baseKv,
    1,
    1.1,
    0.9,
  ]);
  const gen = powerCase.generators.map((g) => [
    g.busId,
    g.pgMw,
    g.qgMvar,
    9999,
    -9999,
    g.vgPu,
    powerCase.baseMva,
    g.inService ? 1 : 0,
    9999,
    -9999,
  ]);
  const branch = powerCase.branches.map((br) => [
    br.fromBusId,
    br.toBusId,
    br.rPu,
    br.xPu,
    br.bPu,
    0,
    0,
    0,
    br.tapRatio === 1 && br.shiftDeg === 0 ? 0 : br.tapRatio,
    br.shiftDeg,
    br.inService ? 1 : 0,
    -360,
    360,
  ]);
  writeFileSync(path, JSON.stringify({ name: powerCase.name, baseMVA: powerCase.baseMva, bus, gen, branch }));
}

function writeArray(path: string, array: Int32Array | Float64Array): void {
  writeFileSync(path, Buffer.from(array.buffer, array.byteOffset, array.byteLength));
}

/**
 * Writes the extended system into `folder`: `system.json` (sizes) and `rows.i32`, `cols.i32`,
 * `values.f64` (off-diagonal entries of A; the unit diagonal is implied), `gnodes.i32`, `gmw.f64`
 * (each unit's node and MW: G), `order.i32` (a topological order), `throughflow.f64` (P_x, for
 * the check Σ_g X[x,g] = P_x).
 */
export function exportDistributionSystem(system: DistributionSystem, folder: string): void {
  mkdirSync(folder, { recursive: true });
  const { rows, cols, values } = system.offDiagonal;
  writeArray(join(folder, 'rows.i32'), rows);
  writeArray(join(folder, 'cols.i32'), cols);
  writeArray(join(folder, 'values.f64'), values);
  writeArray(join(folder, 'gnodes.i32'), Int32Array.from(system.generators.map((g) => g.node)));
  writeArray(join(folder, 'gmw.f64'), Float64Array.from(system.generators.map((g) => g.pMw)));
  writeArray(join(folder, 'order.i32'), system.topologicalOrder ?? new Int32Array(0));
  writeArray(join(folder, 'throughflow.f64'), system.throughFlowMw);
  writeFileSync(
    join(folder, 'system.json'),
    JSON.stringify({
      size: system.size,
      busCount: system.busCount,
      branchCount: system.branchCount,
      generatorCount: system.generators.length,
      offDiagonalCount: values.length,
      acyclic: system.topologicalOrder !== undefined,
    }),
  );
}
