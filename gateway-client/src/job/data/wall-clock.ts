/**
 * Wall-clock intervals of the measured data: ISO 8601 timestamps that carry their UTC offset, the
 * slot number an interval is traced under (its start in whole minutes since 1970-01-01T00:00Z, so
 * a regulator can turn a timestamp back into the slot), and labels in the data's own offset.
 */

/** A parsed timestamp: the instant and the offset it was written with. */
export interface OffsetTimestamp {
  /** Milliseconds since 1970-01-01T00:00Z. */
  readonly ms: number;
  /** The written UTC offset, minutes east (Z = 0). */
  readonly offsetMinutes: number;
}

/** One traced interval. */
export interface SlotInterval {
  /** The slot number on the ledger ({@link slotOfMs} of the start). */
  readonly slot: number;
  /** Start and end, ISO 8601 with the data's offset. */
  readonly start: string;
  readonly end: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly offsetMinutes: number;
  /** Length, minutes. */
  readonly minutes: number;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an ISO 8601 date-time with an explicit offset (`2026-06-01T18:00:00+08:00`, `...Z`).
 * @returns the timestamp, or a reason why `text` is not one (no offset, impossible date, ...).
 */
export function parseOffsetTimestamp(text: string): OffsetTimestamp | string {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) {
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text.trim())
      ? 'timestamp has no UTC offset (add Z or +hh:mm)'
      : 'not an ISO 8601 date-time with offset (like 2026-06-01T18:00:00+08:00)';
  }
  const [year, month, day, hour, minute, second, milli] = [1, 2, 3, 4, 5, 6, 7].map((i) =>
    Number(m[i] ?? 0),
  ) as [number, number, number, number, number, number, number];
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (Math.abs(offsetMinutes) > 14 * 60) return 'UTC offset beyond ±14:00';
  const local = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return 'no such date or time of day';
  }
  return { ms: local - offsetMinutes * 60_000, offsetMinutes };
}

/** Formats an instant in the given offset: `2026-06-01T18:00:00+08:00` (`Z` for offset 0 is written +00:00). */
export function formatWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The slot an interval starting at `ms` is traced under: whole minutes since the Unix epoch. */
export function slotOfMs(ms: number): number {
  return Math.floor(ms / 60_000);
}

/**
 * Slot numbers that are interval starts in minutes since the epoch, from 2000-01-01T00:00Z up to
 * (not including) 2100-01-01T00:00Z. Runs on the built-in profiles number their slots from the
 * start second × 100 (about 1.8e11 today) and tests use small numbers, so neither falls in here.
 */
export const INTERVAL_SLOTS = {
  first: Date.UTC(2000, 0, 1) / 60_000,
  end: Date.UTC(2100, 0, 1) / 60_000,
} as const;

/** Whether `slot` is an interval slot (its start in minutes since the epoch, see {@link INTERVAL_SLOTS}). */
export function isIntervalSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= INTERVAL_SLOTS.first && slot < INTERVAL_SLOTS.end;
}

/** The start of interval slot `slot`, ms since the epoch (the inverse of {@link slotOfMs}). */
export function slotStartMs(slot: number): number {
  return slot * 60_000;
}

/** The interval of `minutes` starting at `startMs`, labelled in `offsetMinutes`. */
export function intervalAt(startMs: number, minutes: number, offsetMinutes: number): SlotInterval {
  const endMs = startMs + minutes * 60_000;
  return {
    slot: slotOfMs(startMs),
    start: formatWithOffset(startMs, offsetMinutes),
    end: formatWithOffset(endMs, offsetMinutes),
    startMs,
    endMs,
    offsetMinutes,
    minutes,
  };
}

/** A short label for terminal lines: `2026-06-01 18:00–18:15 +08:00`. */
export function shortLabel(interval: SlotInterval): string {
  const offset = interval.start.slice(19);
  return `${interval.start.slice(0, 10)} ${interval.start.slice(11, 16)}–${interval.end.slice(11, 16)} ${offset}`;
}

/** Local hour of day (0–23) of an interval's start in its own offset. */
export function localHourOf(interval: SlotInterval): number {
  return new Date(interval.startMs + interval.offsetMinutes * 60_000).getUTCHours();
}
