/**
 * The wall-clock label of a slot a regulator asks about: an interval slot (its start in minutes
 * since the epoch, as runs on measured data number them) is the interval from that minute, of the
 * length given or detected from which neighbouring slots are traced. The ledger's records carry
 * no interval length, so detection looks for the next (else the previous) traced interval.
 */
import { formatWithOffset, isIntervalSlot, slotStartMs } from './data/wall-clock';

/** Interval lengths tried when detecting, minutes (shortest first). */
export const CANDIDATE_MINUTES = [1, 5, 10, 15, 20, 30, 60] as const;

/** A slot's wall-clock interval. */
export interface SlotLabel {
  readonly slot: number;
  /** Start, ISO 8601 with the offset asked for. */
  readonly start: string;
  /** End, ISO 8601 with the same offset, or null when the length is neither given nor detectable. */
  readonly end: string | null;
  /** Length, minutes, or null when neither given nor detectable. */
  readonly intervalMinutes: number | null;
}

/** Whether a slot has a trace (of the bus or channel the answer is about). */
export type TracedProbe = (slot: number) => Promise<boolean>;

/**
 * The length of the interval at `slot`: the smallest candidate length at which the next slot is
 * traced, else the smallest at which the previous one is (the last interval of a data set), else null.
 */
export async function tracedIntervalMinutes(slot: number, traced: TracedProbe): Promise<number | null> {
  for (const minutes of CANDIDATE_MINUTES) if (await traced(slot + minutes)) return minutes;
  for (const minutes of CANDIDATE_MINUTES)
    if (slot - minutes >= 0 && (await traced(slot - minutes))) return minutes;
  return null;
}

/**
 * Labels `slot` with its interval in `offsetMinutes`, or returns undefined when it is not an
 * interval slot (runs on the built-in profiles, tests): those have no wall-clock time on the ledger.
 * @param intervalMinutes the length when known (`--interval`); detected through `traced` otherwise.
 */
export async function labelSlot(
  slot: number,
  offsetMinutes: number,
  intervalMinutes: number | undefined,
  traced: TracedProbe,
): Promise<SlotLabel | undefined> {
  if (!isIntervalSlot(slot)) return undefined;
  const startMs = slotStartMs(slot);
  const minutes = intervalMinutes ?? (await tracedIntervalMinutes(slot, traced));
  return {
    slot,
    start: formatWithOffset(startMs, offsetMinutes),
    end: minutes === null ? null : formatWithOffset(startMs + minutes * 60_000, offsetMinutes),
    intervalMinutes: minutes,
  };
}

/** One line for the text output: `slot 29640000: 2026-06-01T18:00:00+08:00 to 2026-06-01T18:15:00+08:00 (15 min)`. */
export function slotLabelLine(label: SlotLabel): string {
  return label.end === null
    ? `slot ${label.slot}: interval from ${label.start} (length unknown: no neighbouring traced interval; give --interval MIN)`
    : `slot ${label.slot}: ${label.start} to ${label.end} (${label.intervalMinutes ?? '?'} min)`;
}
