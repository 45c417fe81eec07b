/** The full slot records of a main-job run, read back from its slot log. */
import type { MainJobResult } from '../../../gateway-client/src/job/main-job';
import { readSlotRecords } from '../../../gateway-client/src/job/slot-log';
import type { SlotRecord } from '../../../gateway-client/src/job/slot-log';

/** Every record of the run's slot log, in order. */
export async function slotRecordsOf(result: Pick<MainJobResult, 'slotLogFile'>): Promise<SlotRecord[]> {
  const records: SlotRecord[] = [];
  for await (const record of readSlotRecords(result.slotLogFile)) records.push(record);
  return records;
}
