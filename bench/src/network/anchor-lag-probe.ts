/**
 * Anchoring lag: when each slave block was first seen committed (by a submitting client) and when
 * the anchor relay reported the verification block naming it committed on master.
 */
import { nowSeconds } from '../timing';

/** Records commits and anchors of slave blocks; {@link AnchorLagProbe.lags} pairs them. */
export class AnchorLagProbe {
  readonly #committed = new Map<string, number>();
  readonly #anchored = new Map<string, number>();

  /** A client saw `block` of `channel` commit (the first sighting counts). */
  committed(channel: string, block: bigint | number): void {
    const key = `${channel}/${String(block)}`;
    if (!this.#committed.has(key)) this.#committed.set(key, nowSeconds());
  }

  /** The relay reported `blocks` of `channel` anchored on master. */
  anchored(channel: string, blocks: readonly number[]): void {
    const at = nowSeconds();
    for (const b of blocks) {
      const key = `${channel}/${b}`;
      if (!this.#anchored.has(key)) this.#anchored.set(key, at);
    }
  }

  /** Commit → anchored, s, of every block seen both ways. */
  lags(): number[] {
    const lags: number[] = [];
    for (const [key, committedAt] of this.#committed) {
      const anchoredAt = this.#anchored.get(key);
      if (anchoredAt !== undefined) lags.push(Math.max(0, anchoredAt - committedAt));
    }
    return lags;
  }
}
