/**
 * What an LV substation submits per time slot (DESIGN.md §3 step 1): loads P/Q per bus, DG
 * outputs, switch states, and the branch parameters R/X either inline or by reference to a
 * registered topology. {@link parseMeasurement} validates everything and names the field, bus
 * and value of the first problem.
 */
import {
  asArray,
  asBoolean,
  asInteger,
  asNumber,
  asRecord,
  asSha256,
  asString,
  invalid,
  onlyKeys,
  optional,
} from '../shared/arguments';
import { parseLoads } from './load-columns';
import { MAX_BUS_ID, MAX_POWER_MW, MAX_SLOT } from './measurement-limits';

export { MAX_BUS_ID, MAX_POWER_MW, MAX_SLOT } from './measurement-limits';

/** Load at one bus in one slot. */
export interface BusLoad {
  readonly busId: number;
  /** Active load, MW (negative = net injection). */
  readonly pMw: number;
  /** Reactive load, Mvar. */
  readonly qMvar: number;
}

/** Output of one distributed generator (or a substation's supply unit) in one slot. */
export interface GeneratorOutput {
  readonly busId: number;
  /** Unit id within the substation, unique per bus. */
  readonly unitId: string;
  /** Active output, MW (≥ 0). */
  readonly pMw: number;
  /** Reactive output, Mvar. */
  readonly qMvar: number;
  /** Voltage set-point, pu (PV and slack units). */
  readonly vmPu?: number;
}

/** State of the switch on a branch. */
export interface SwitchState {
  readonly fromBusId: number;
  readonly toBusId: number;
  readonly closed: boolean;
}

/** Branch parameters on the system base (π model). */
export interface BranchParameters {
  readonly fromBusId: number;
  readonly toBusId: number;
  readonly rPu: number;
  readonly xPu: number;
  /** Total line charging susceptance, pu. @default 0 */
  readonly bPu: number;
}

/** Reference to a topology registered on this channel. */
export interface TopologyReference {
  readonly id: string;
  /** SHA-256 of the topology's canonical JSON, as returned when it was registered. */
  readonly sha256: string;
}

/** One LV substation's data for one slot, as submitted. */
export interface MeasurementSubmission {
  readonly slot: number;
  /** LV substation id (the submitting organization's id, e.g. `Lv1a`). */
  readonly substation: string;
  /** Loads per bus; a submission may give them as rows or as columns (`LoadColumns`, load-columns.ts). */
  readonly loads: readonly BusLoad[];
  readonly generators: readonly GeneratorOutput[];
  readonly switches: readonly SwitchState[];
  /** The grid of inline branches (a topology reference gives its topology's grid). @default "main" */
  readonly grid?: string;
  /** Inline branch parameters; or use {@link MeasurementSubmission.topology}. */
  readonly branches?: readonly BranchParameters[];
  readonly topology?: TopologyReference;
}

/** Version 1 of an amended measurement, as its later versions remember it. */
export interface FirstVersion {
  /** SHA-256 of version 1's record (canonical JSON). */
  readonly sha256: string;
  /** The transaction that stored version 1. */
  readonly txId: string;
}

/** A stored measurement: the submission plus its version and the submitting transaction. */
export interface MeasurementRecord extends MeasurementSubmission {
  /** 1 for the first submission, +1 for each amendment. */
  readonly version: number;
  readonly txId: string;
  readonly submitterMsp: string;
  /** On versions ≥ 2: version 1's digest and transaction (a retried first `Submit` is recognised by it). */
  readonly firstVersion?: FirstVersion;
}

const BUS = (value: unknown, field: string): number => asInteger(value, field, 1, MAX_BUS_ID);

function parseGenerator(value: unknown, field: string): GeneratorOutput {
  const r = asRecord(value, field);
  onlyKeys(r, field, ['busId', 'unitId', 'pMw', 'qMvar', 'vmPu']);
  const busId = BUS(r['busId'], `${field}.busId`);
  const vmPu = optional(r['vmPu'], (v) => asNumber(v, `${field}.vmPu`, 0.5, 1.5, busId));
  const out = {
    busId,
    unitId: asString(r['unitId'], `${field}.unitId`, /^[A-Za-z0-9._-]{1,32}$/),
    pMw: asNumber(r['pMw'], `${field}.pMw`, 0, MAX_POWER_MW, busId),
    qMvar: asNumber(r['qMvar'], `${field}.qMvar`, -MAX_POWER_MW, MAX_POWER_MW, busId),
  };
  return vmPu === undefined ? out : { ...out, vmPu };
}

function parseSwitch(value: unknown, field: string): SwitchState {
  const r = asRecord(value, field);
  onlyKeys(r, field, ['fromBusId', 'toBusId', 'closed']);
  return {
    fromBusId: BUS(r['fromBusId'], `${field}.fromBusId`),
    toBusId: BUS(r['toBusId'], `${field}.toBusId`),
    closed: asBoolean(r['closed'], `${field}.closed`),
  };
}

/** Parses and validates one branch (shared with topology registration). */
export function parseBranch(value: unknown, field: string): BranchParameters {
  const r = asRecord(value, field);
  onlyKeys(r, field, ['fromBusId', 'toBusId', 'rPu', 'xPu', 'bPu']);
  const fromBusId = BUS(r['fromBusId'], `${field}.fromBusId`);
  const toBusId = BUS(r['toBusId'], `${field}.toBusId`);
  if (fromBusId === toBusId) invalid(`${field}.toBusId`, 'must differ from fromBusId', toBusId, fromBusId);
  const rPu = asNumber(r['rPu'], `${field}.rPu`, 0, 100, fromBusId);
  const xPu = asNumber(r['xPu'], `${field}.xPu`, -100, 100, fromBusId);
  if (rPu === 0 && xPu === 0)
    invalid(`${field}.xPu`, 'must be non-zero when rPu is 0 (zero impedance)', xPu, fromBusId);
  const bPu = optional(r['bPu'], (v) => asNumber(v, `${field}.bPu`, 0, 100, fromBusId)) ?? 0;
  return { fromBusId, toBusId, rPu, xPu, bPu };
}

/** A key for an unordered bus pair. */
export function branchKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

function noDuplicates<T>(
  items: readonly T[],
  field: string,
  keyOf: (item: T) => string,
  busOf: (item: T) => number,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (seen.has(key)) invalid(`${field}[${i}]`, `duplicates an earlier entry (${key})`, key, busOf(item));
    seen.add(key);
  });
}

/**
 * Validates a submission. Branches given inline and switches must refer to known branches;
 * a topology reference is checked against the registry by the contract.
 * @throws CarbonTraceError INVALID_ARGUMENT naming field, bus and value; PAYLOAD_TOO_LARGE for huge arrays.
 */
export function parseMeasurement(value: unknown): MeasurementSubmission {
  const r = asRecord(value, 'measurement');
  onlyKeys(r, 'measurement', [
    'slot',
    'substation',
    'loads',
    'generators',
    'switches',
    'branches',
    'topology',
    'grid',
  ]);
  const slot = asInteger(r['slot'], 'slot', 0, MAX_SLOT);
  const substation = asString(r['substation'], 'substation', /^[A-Za-z0-9]{1,32}$/);
  const loads = parseLoads(r['loads']);
  const generators = asArray(r['generators'] ?? [], 'generators').map((v, i) =>
    parseGenerator(v, `generators[${i}]`),
  );
  const switches = asArray(r['switches'] ?? [], 'switches').map((v, i) => parseSwitch(v, `switches[${i}]`));
  const branches = optional(r['branches'], (v) =>
    asArray(v, 'branches', 1).map((b, i) => parseBranch(b, `branches[${i}]`)),
  );
  const topology = optional(r['topology'], (v) => {
    const t = asRecord(v, 'topology');
    onlyKeys(t, 'topology', ['id', 'sha256']);
    return { id: asString(t['id'], 'topology.id'), sha256: asSha256(t['sha256'], 'topology.sha256') };
  });
  if ((branches === undefined) === (topology === undefined)) {
    invalid(
      'branches',
      'or topology must be given (exactly one of them)',
      branches === undefined ? undefined : 'both',
    );
  }
  if (loads.length === 0 && generators.length === 0) invalid('loads', 'and generators are both empty', 0);
  noDuplicates(
    loads,
    'loads',
    (l) => String(l.busId),
    (l) => l.busId,
  );
  noDuplicates(
    generators,
    'generators',
    (g) => `${g.busId}/${g.unitId}`,
    (g) => g.busId,
  );
  noDuplicates(
    switches,
    'switches',
    (s) => branchKey(s.fromBusId, s.toBusId),
    (s) => s.fromBusId,
  );
  if (branches !== undefined) {
    noDuplicates(
      branches,
      'branches',
      (b) => branchKey(b.fromBusId, b.toBusId),
      (b) => b.fromBusId,
    );
    const known = new Set(branches.map((b) => branchKey(b.fromBusId, b.toBusId)));
    switches.forEach((s, i) => {
      if (!known.has(branchKey(s.fromBusId, s.toBusId))) {
        invalid(
          `switches[${i}]`,
          'refers to no branch in branches',
          branchKey(s.fromBusId, s.toBusId),
          s.fromBusId,
        );
      }
    });
  }
  const grid = optional(r['grid'], (v) => asString(v, 'grid', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/));
  if (grid !== undefined && topology !== undefined) {
    invalid('grid', 'is given by the topology: leave it out with a topology reference', grid);
  }
  const base = { slot, substation, loads, generators, switches };
  if (branches !== undefined) return grid === undefined ? { ...base, branches } : { ...base, grid, branches };
  if (topology !== undefined) return { ...base, topology };
  return base;
}
