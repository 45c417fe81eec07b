/**
 * The verification-block slot schedule, MATH.md G.3: consensus nodes produce blocks round-robin in
 * slots (a missed slot is skipped). Slot s of an epoch belongs to producers[s mod |𝒞|], where the
 * producers are the consensus set in its ranked order.
 */
import { CarbonTraceError } from '../common/errors';

/** The node scheduled for slot `slot`. @throws CarbonTraceError INVALID_STATE for an empty set. */
export function scheduledProducer(producers: readonly string[], slot: number): string {
  if (producers.length === 0) {
    throw new CarbonTraceError('INVALID_STATE', 'the consensus set is empty: no producer is scheduled', {});
  }
  const index = ((slot % producers.length) + producers.length) % producers.length;
  return producers[index] ?? '';
}

/** The slot containing time `epochSeconds` for slots of `slotSeconds` starting at `startSeconds`. */
export function slotAt(epochSeconds: number, startSeconds: number, slotSeconds: number): number {
  if (!(slotSeconds > 0)) {
    throw new CarbonTraceError('INVALID_ARGUMENT', `slot length must be positive (got ${slotSeconds})`, {
      value: slotSeconds,
    });
  }
  return Math.floor((epochSeconds - startSeconds) / slotSeconds);
}

/** The next slot ≥ `fromSlot` owned by `nodeId`, or undefined when it is not a producer. */
export function nextSlotOf(
  producers: readonly string[],
  nodeId: string,
  fromSlot: number,
): number | undefined {
  const index = producers.indexOf(nodeId);
  if (index < 0) return undefined;
  const n = producers.length;
  const offset = (((index - fromSlot) % n) + n) % n;
  return fromSlot + offset;
}
