/**
 * case4_carbon as one region slot of Hv1 (the integration tests' split: Lv1a and Lv1b), from the
 * chaincode package's test fixture, typed as the wire types without casts: the fixture's topologies
 * get the defaults the contract fills in anyway (so their digest is unchanged), and its
 * measurements are read field by field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  parseCarbonSidecar,
  parseMatpowerCase,
  type MeasuredGeneratorOutput,
  type MeasurementSubmission,
  type TopologyReference,
  type TopologySubmission,
} from '@carbontrace/chaincode';
import {
  CASE4_TOPOLOGY_LV1A,
  CASE4_TOPOLOGY_LV1B,
  CASE4_UNITS,
  case4MeasurementLv1a,
  case4MeasurementLv1b,
} from '@carbontrace/chaincode/testing';

import { casesFolder } from '../engine/bench-cases';
import type { RegionSlot } from '@carbontrace/gateway-client';

/** The grid case4 is registered on (bus ownership and baseMva are per grid; case33bw shares slave-hv1). */
export const CASE4_GRID = 'case4';

type FixtureTopology = typeof CASE4_TOPOLOGY_LV1A | typeof CASE4_TOPOLOGY_LV1B;

/** A fixture topology on grid `case4`, with the contract's bus defaults written out. */
function topologySubmission(topology: FixtureTopology): TopologySubmission {
  return {
    id: topology.id,
    grid: CASE4_GRID,
    substation: topology.substation,
    baseMva: topology.baseMva,
    buses: topology.buses.map((b) => ({
      busId: b.busId,
      kind: b.kind,
      baseKv: b.baseKv,
      vmPu: 'vmPu' in b ? b.vmPu : 1,
      gsMw: 0,
      bsMvar: 0,
    })),
    branches: topology.branches,
  };
}

/** Lv1a's and Lv1b's case4 topologies. */
export const CASE4_TOPOLOGIES: readonly (readonly [string, TopologySubmission])[] = [
  ['Lv1a', topologySubmission(CASE4_TOPOLOGY_LV1A)],
  ['Lv1b', topologySubmission(CASE4_TOPOLOGY_LV1B)],
];

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(record: Readonly<Record<string, unknown>>, key: string, check: (v: unknown) => v is T): T {
  const value = record[key];
  if (!check(value)) throw new Error(`case4 fixture: unexpected ${key}: ${JSON.stringify(value)}`);
  return value;
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';
const isList = (v: unknown): v is readonly unknown[] => Array.isArray(v);

function records(
  record: Readonly<Record<string, unknown>>,
  key: string,
): Readonly<Record<string, unknown>>[] {
  return field(record, key, isList).map((item) => {
    if (!isRecord(item)) throw new Error(`case4 fixture: ${key} holds a non-object`);
    return item;
  });
}

function generator(g: Readonly<Record<string, unknown>>): MeasuredGeneratorOutput {
  const vmPu = g['vmPu'];
  return {
    busId: field(g, 'busId', isNumber),
    unitId: field(g, 'unitId', isString),
    pMw: field(g, 'pMw', isNumber),
    qMvar: field(g, 'qMvar', isNumber),
    ...(isNumber(vmPu) ? { vmPu } : {}),
  };
}

/** A fixture measurement (`Record<string, unknown>`) as a typed submission. */
export function measurementFromFixture(record: Readonly<Record<string, unknown>>): MeasurementSubmission {
  const topology = field(record, 'topology', isRecord);
  if (records(record, 'switches').length > 0) throw new Error('case4 fixture: switches are not expected');
  return {
    slot: field(record, 'slot', isNumber),
    substation: field(record, 'substation', isString),
    loads: records(record, 'loads').map((l) => ({
      busId: field(l, 'busId', isNumber),
      pMw: field(l, 'pMw', isNumber),
      qMvar: field(l, 'qMvar', isNumber),
    })),
    generators: records(record, 'generators').map(generator),
    switches: [],
    topology: { id: field(topology, 'id', isString), sha256: field(topology, 'sha256', isString) },
  };
}

/** case4_carbon's slot `slot` on slave-hv1, with the registered topologies of Lv1a and Lv1b. */
export function case4RegionSlot(
  slot: number,
  topologies: ReadonlyMap<string, TopologyReference>,
): RegionSlot {
  const folder = casesFolder();
  const localCase = parseMatpowerCase(readFileSync(join(folder, 'case4_carbon.m'), 'utf8'), 'case4_carbon.m');
  const sidecarFile = join(folder, 'case4_carbon.carbon.json');
  const localSidecar = parseCarbonSidecar(readFileSync(sidecarFile, 'utf8'), sidecarFile, localCase);
  const sha = (lv: string): string => topologies.get(lv)?.sha256 ?? '';
  return {
    hv: 'Hv1',
    channel: 'slave-hv1',
    hour: 0,
    slot,
    intervalMinutes: 60,
    measurements: [
      measurementFromFixture(case4MeasurementLv1a(slot, sha('Lv1a'))),
      measurementFromFixture(case4MeasurementLv1b(slot, sha('Lv1b'))),
    ],
    units: CASE4_UNITS,
    localCase,
    localSidecar,
    localUnits: CASE4_UNITS.map((u) => ({ busId: u.busId, unitId: u.unitId })),
  };
}
