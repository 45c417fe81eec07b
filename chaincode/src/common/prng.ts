/**
 * Deterministic pseudo-random generator for chaincode: SHA-256 in counter mode over a caller's
 * seed. Every endorser given the same seed and label draws the same numbers; no clock, no
 * Math.random. Not for secrets outside the masking scheme's threat model.
 */
import { createHash } from 'crypto';

/** A seeded stream of uniform numbers. */
export class SeededRandom {
  readonly #seed: Uint8Array;
  #counter = 0;
  #block: Uint8Array = new Uint8Array(0);
  #offset = 0;

  /** @param seed caller-provided seed bytes (e.g. from transient data); @param label domain separator. */
  constructor(seed: Uint8Array | string, label = '') {
    const seedBytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
    this.#seed = createHash('sha256').update(seedBytes).update('\u0000').update(label).digest();
  }

  /** A child generator whose stream is independent of this one's (domain-separated by `label`). */
  derive(label: string): SeededRandom {
    return new SeededRandom(this.#seed, label);
  }

  #nextByte(): number {
    if (this.#offset >= this.#block.length) {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(BigInt(this.#counter));
      this.#counter += 1;
      this.#block = createHash('sha256').update(this.#seed).update(counter).digest();
      this.#offset = 0;
    }
    const byte = this.#block[this.#offset];
    this.#offset += 1;
    return byte ?? 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    let hi = 0;
    for (let i = 0; i < 3; i += 1) hi = hi * 256 + this.#nextByte(); // 24 bits
    hi = Math.floor(hi / 8); // 21 bits
    let lo = 0;
    for (let i = 0; i < 4; i += 1) lo = lo * 256 + this.#nextByte(); // 32 bits
    return (hi * 4294967296 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** +1 or −1 with equal probability. */
  nextSign(): 1 | -1 {
    return this.#nextByte() & 1 ? 1 : -1;
  }

  /**
   * Log-uniform magnitude in [lo, hi] computed with + − × ÷ only (no Math.log/exp, whose last bits
   * differ between engines): geometric interpolation by repeated square roots of hi/lo.
   */
  nextLogUniform(lo: number, hi: number): number {
    const ratio = hi / lo;
    let u = this.nextFloat();
    let value = lo;
    let factor = ratio;
    // value = lo · ratio^u, built from binary digits of u with factor = ratio^(1/2^k).
    for (let k = 0; k < 30; k += 1) {
      factor = Math.sqrt(factor);
      u *= 2;
      if (u >= 1) {
        value *= factor;
        u -= 1;
      }
    }
    return value;
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i -= 1) {
      const j = this.nextInt(i + 1);
      const a = p[i] ?? i;
      p[i] = p[j] ?? j;
      p[j] = a;
    }
    return p;
  }
}
