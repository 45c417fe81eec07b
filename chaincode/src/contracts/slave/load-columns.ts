/**
 * Bus loads in columns: `{"busId": [...], "pMw": [...], "qMvar": [...]}`, the form a measurement's
 * loads take in world state and may take in a submission. A feeder meters hundreds of buses per
 * slot; as one object per bus every reading repeats its three field names, so columns carry the
 * same numbers in about half the bytes, which every endorser, orderer and peer of the channel
 * handles (docs/benchmarks.md, ingestion). Readers see rows: the ledger layer converts.
 */
import { asArray, asInteger, asNumber, asRecord, invalid, onlyKeys } from '../shared/arguments';
import { MAX_BUS_ID, MAX_POWER_MW } from './measurement-limits';
import type { BusLoad } from './measurement-record';

/** Loads in columns: entry i of each array is one bus's load. */
export interface LoadColumns {
  readonly busId: readonly number[];
  /** Active load per bus, MW (negative = net injection). */
  readonly pMw: readonly number[];
  /** Reactive load per bus, Mvar. */
  readonly qMvar: readonly number[];
}

/** The columns of `loads`, in their order. */
export function loadColumnsOf(loads: readonly BusLoad[]): LoadColumns {
  return {
    busId: loads.map((l) => l.busId),
    pMw: loads.map((l) => l.pMw),
    qMvar: loads.map((l) => l.qMvar),
  };
}

/** The rows of columns written by {@link loadColumnsOf} (trusted: read back from our own state). */
export function loadsOfColumns(columns: LoadColumns): BusLoad[] {
  const out: BusLoad[] = new Array<BusLoad>(columns.busId.length);
  for (let i = 0; i < out.length; i += 1) {
    out[i] = { busId: columns.busId[i] ?? 0, pMw: columns.pMw[i] ?? 0, qMvar: columns.qMvar[i] ?? 0 };
  }
  return out;
}

/**
 * Validates loads given as rows (`[{busId, pMw, qMvar}, ...]`) or as {@link LoadColumns}, and
 * returns rows. A problem names the field (`loads[3].pMw` or `loads.pMw[3]`), bus and value.
 * @throws CarbonTraceError INVALID_ARGUMENT; PAYLOAD_TOO_LARGE for huge arrays.
 */
export function parseLoads(value: unknown): BusLoad[] {
  if (Array.isArray(value)) return asArray(value, 'loads').map((v, i) => parseLoadRow(v, `loads[${i}]`));
  const r = asRecord(value, 'loads');
  onlyKeys(r, 'loads', ['busId', 'pMw', 'qMvar']);
  const busIds = asArray(r['busId'], 'loads.busId');
  const pMw = asArray(r['pMw'], 'loads.pMw');
  const qMvar = asArray(r['qMvar'], 'loads.qMvar');
  if (pMw.length !== busIds.length) {
    invalid('loads.pMw', `must have one entry per busId (${busIds.length})`, pMw.length);
  }
  if (qMvar.length !== busIds.length) {
    invalid('loads.qMvar', `must have one entry per busId (${busIds.length})`, qMvar.length);
  }
  const out: BusLoad[] = new Array<BusLoad>(busIds.length);
  for (let i = 0; i < busIds.length; i += 1) {
    const busId = asInteger(busIds[i], `loads.busId[${i}]`, 1, MAX_BUS_ID);
    out[i] = {
      busId,
      pMw: asNumber(pMw[i], `loads.pMw[${i}]`, -MAX_POWER_MW, MAX_POWER_MW, busId),
      qMvar: asNumber(qMvar[i], `loads.qMvar[${i}]`, -MAX_POWER_MW, MAX_POWER_MW, busId),
    };
  }
  return out;
}

function parseLoadRow(value: unknown, field: string): BusLoad {
  const r = asRecord(value, field);
  onlyKeys(r, field, ['busId', 'pMw', 'qMvar']);
  const busId = asInteger(r['busId'], `${field}.busId`, 1, MAX_BUS_ID);
  return {
    busId,
    pMw: asNumber(r['pMw'], `${field}.pMw`, -MAX_POWER_MW, MAX_POWER_MW, busId),
    qMvar: asNumber(r['qMvar'], `${field}.qMvar`, -MAX_POWER_MW, MAX_POWER_MW, busId),
  };
}
