/**
 * The anchor relay of one HV substation (DESIGN.md §3 step 2): it follows its slave channel's
 * blocks, computes each block's header hash, checks the chain of previous hashes locally, and
 * records the headers on the master channel as verification blocks, in order, whenever the
 * EA-DPoS slot schedule gives its organization the turn.
 *
 * Restart safety. The relay's file checkpoint holds the next slave block to anchor and the hash
 * of the last anchored one; it is saved only after the master channel committed the verification
 * block and its packages. After a restart the relay reads again from the checkpoint; the ledger
 * port's `record` is idempotent (it skips blocks and packages already on master after checking
 * their hashes), so a block is never anchored twice and never skipped.
 *
 * The relay talks to Fabric only through two ports ({@link SlaveBlockSource}, {@link AnchorLedger})
 * so its ordering logic is unit-tested with fakes; `fabric-relay-ports.ts` has the real ones.
 */
import { CarbonTraceError } from '@carbontrace/chaincode';
import { anchorEntryOf } from '../sdk/anchor-entry';
import type { AnchorEntry, SlaveBlockHeader } from '../sdk/anchor-entry';
import type { CheckpointFile } from '../sdk/checkpoint-file';
import { openCheckpointFile } from '../sdk/checkpoint-file';
import { isRetryable } from '../sdk/retry-policy';
import { TransportError } from '../sdk/client-errors';
import { abortableSleep } from '../sdk/polling';

// The block and entry types live in sdk/anchor-entry.ts (clients use them too); re-exported here
// for the relay's users.
export { anchorEntryOf, toHex } from '../sdk/anchor-entry';
export type { AnchorEntry, SealedPackageDigest, SlaveBlockHeader } from '../sdk/anchor-entry';

/** A stream of blocks that can be closed. */
export interface BlockStream extends AsyncIterable<SlaveBlockHeader> {
  /** Ends the stream (idempotent). */
  close(): void;
}

/** Where the relay reads slave blocks from (its HV peer's block events). */
export interface SlaveBlockSource {
  /**
   * Opens a stream of blocks starting at `startBlock`.
   * @throws {@link TransportError} when the peer cannot be reached.
   */
  open(startBlock: bigint): Promise<BlockStream>;
}

/** The last anchored block of a slave channel. */
export interface AnchorHead {
  /** Slave block number. */
  readonly blockNumber: number;
  /** Its header hash, lower-case hex. */
  readonly headerHash: string;
}

/** The master channel as the relay needs it. */
export interface AnchorLedger {
  /** The channel's last anchored block, or undefined when nothing is anchored yet. */
  head(channel: string): Promise<AnchorHead | undefined>;
  /**
   * Resolves when this relay's organization may record the next verification block (its EA-DPoS
   * slot has come); rejects with an `AbortError` when `signal` fires.
   */
  awaitTurn(signal: AbortSignal): Promise<void>;
  /**
   * Records one verification block holding `entries` (consecutive, in order) for `channel`, then
   * ties the slot packages they sealed to them. Idempotent: entries the ledger already holds
   * (number ≤ head) are compared with the anchored hashes and skipped, packages already recorded
   * are skipped, so a relay that died between commit and checkpoint can simply send them again.
   * @returns the new head.
   * @throws {@link ContractError} ANCHOR_GAP / ANCHOR_FORK when the entries do not continue the chain.
   */
  record(channel: string, entries: readonly AnchorEntry[]): Promise<AnchorHead>;
}

/** What the relay's checkpoint file holds. */
export interface RelayCheckpoint {
  /** Slave channel. */
  readonly channel: string;
  /** Next slave block to anchor (decimal string). */
  readonly nextBlock: string;
  /** Header hash of block `nextBlock − 1`, or null when nothing is anchored yet. */
  readonly lastHeaderHash: string | null;
}

/** Progress reported by the relay. */
export type RelayEvent =
  | {
      readonly kind: 'resumed';
      readonly nextBlock: number;
      readonly from: 'checkpoint' | 'start' | 'ledger';
      readonly ledgerHead: number | null;
    }
  | { readonly kind: 'anchored'; readonly entries: readonly AnchorEntry[] }
  | { readonly kind: 'reconnecting'; readonly error: Error; readonly delayMs: number };

/** Options of {@link newAnchorRelay}. */
export interface AnchorRelayOptions {
  /** Slave channel to follow, e.g. `slave-hv1`. */
  readonly channel: string;
  /** Where slave blocks come from. */
  readonly source: SlaveBlockSource;
  /** The master channel. */
  readonly ledger: AnchorLedger;
  /** Path of the relay's checkpoint file. */
  readonly checkpointPath: string;
  /**
   * Most headers recorded in one verification block.
   * @default 20
   */
  readonly maxBatch?: number;
  /**
   * Delay before reconnecting after a transport failure, ms (doubles up to 10 s).
   * @default 500
   */
  readonly reconnectDelayMs?: number;
  /** Progress callback. */
  readonly onEvent?: (event: RelayEvent) => void;
  /** Sleep used between reconnects (tests pass a fake). @default a timer */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A running or runnable anchor relay. */
export interface AnchorRelay {
  /** Slave channel followed. */
  readonly channel: string;
  /** Next slave block to anchor (after the last committed verification block). */
  readonly nextBlock: bigint;
  /**
   * Runs until `signal` fires (then resolves) or a non-transient failure occurs (then rejects).
   * Transport failures of the block stream or the ledger are retried with a growing delay.
   * @throws {@link CarbonTraceError} ANCHOR_FORK when a block's previous hash breaks the chain.
   * @throws {@link ContractError} when the master contract refuses a verification block.
   */
  run(signal: AbortSignal): Promise<void>;
}

/** Creates an anchor relay (nothing runs until {@link AnchorRelay.run}). */
export function newAnchorRelay(options: Readonly<AnchorRelayOptions>): AnchorRelay {
  return new AnchorRelayImpl(options);
}

class AnchorRelayImpl implements AnchorRelay {
  readonly channel: string;
  readonly #source: SlaveBlockSource;
  readonly #ledger: AnchorLedger;
  readonly #checkpoint: CheckpointFile<RelayCheckpoint>;
  readonly #maxBatch: number;
  readonly #reconnectDelayMs: number;
  readonly #onEvent: (event: RelayEvent) => void;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  #next = 0n;
  #lastHash: string | null = null;

  constructor(options: Readonly<AnchorRelayOptions>) {
    this.channel = options.channel;
    this.#source = options.source;
    this.#ledger = options.ledger;
    this.#checkpoint = openCheckpointFile({ path: options.checkpointPath, decode: decodeRelayCheckpoint });
    this.#maxBatch = options.maxBatch ?? 20;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 500;
    this.#onEvent = options.onEvent ?? (() => undefined);
    this.#sleep = options.sleep ?? abortableSleep;
  }

  get nextBlock(): bigint {
    return this.#next;
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let resumed = false;
    while (!isAborted(signal)) {
      try {
        if (!resumed) {
          await this.#resume();
          resumed = true;
        }
        await this.#follow(signal);
        failures = 0;
      } catch (error: unknown) {
        if (isAborted(signal)) break;
        if (!(error instanceof TransportError) && !isRetryable(error)) throw error;
        failures++;
        const delayMs = Math.min(10_000, this.#reconnectDelayMs * 2 ** Math.min(failures - 1, 5));
        this.#onEvent({ kind: 'reconnecting', error: error as Error, delayMs });
        await this.#sleep(delayMs, signal).catch(() => undefined);
      }
    }
  }

  /**
   * Loads the checkpoint. Blocks between the checkpoint and the ledger's head (committed, then the
   * process died before checkpointing) are read again and re-sent; the ledger's idempotent
   * `record` skips what it already holds, and records any package that was still missing.
   */
  async #resume(): Promise<void> {
    const saved = await this.#checkpoint.load();
    if (saved !== undefined && saved.channel !== this.channel) {
      throw new CarbonTraceError(
        'CONFIG_INVALID',
        `checkpoint ${this.#checkpoint.path} belongs to ${saved.channel}`,
        {
          file: this.#checkpoint.path,
          channel: saved.channel,
        },
      );
    }
    this.#next = saved === undefined ? 0n : BigInt(saved.nextBlock);
    this.#lastHash = saved?.lastHeaderHash ?? null;
    const head = await this.#ledger.head(this.channel);
    let from: 'checkpoint' | 'start' | 'ledger' = saved === undefined ? 'start' : 'checkpoint';
    const headNext = head === undefined ? 0n : BigInt(head.blockNumber) + 1n;
    if (this.#next > headNext) {
      // The checkpoint is ahead of what master holds: it was written against another network
      // (the checkpoint is saved only after master commits). Follow the ledger instead.
      this.#next = headNext;
      this.#lastHash = head?.headerHash ?? null;
      from = 'ledger';
      await this.#save();
    }
    this.#onEvent({
      kind: 'resumed',
      nextBlock: Number(this.#next),
      from,
      ledgerHead: head?.blockNumber ?? null,
    });
  }

  /** Reads blocks from `#next` on and anchors them; returns when the stream ends. */
  async #follow(signal: AbortSignal): Promise<void> {
    const stream = await this.#source.open(this.#next);
    const onAbort = () => {
      stream.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const iterator = stream[Symbol.asyncIterator]();
      const pending: AnchorEntry[] = [];
      let reading: Promise<IteratorResult<SlaveBlockHeader>> | undefined;
      const progress = { ended: false };
      /** Takes blocks already delivered (without waiting) until the batch is full; false at end of stream. */
      const drain = async (): Promise<void> => {
        while (!progress.ended && pending.length < this.#maxBatch) {
          reading ??= iterator.next();
          const result = await Promise.race([reading, nextMacrotask()]);
          if (result === undefined) return;
          reading = undefined;
          if (result.done === true) progress.ended = true;
          else this.#accept(result.value, pending);
        }
      };
      while (!progress.ended && !isAborted(signal)) {
        if (pending.length === 0) {
          reading ??= iterator.next();
          const result = await reading;
          reading = undefined;
          if (result.done === true) break;
          this.#accept(result.value, pending);
        }
        await drain();
        if (isAborted(signal)) return;
        await this.#ledger.awaitTurn(signal);
        // Blocks that arrived while waiting for the turn go into the same verification block.
        await drain();
        await this.#record(pending);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.close();
    }
  }

  /** Checks one block against the chain and queues it; earlier blocks (replays) are ignored. */
  #accept(header: SlaveBlockHeader, pending: AnchorEntry[]): void {
    const expected = this.#next + BigInt(pending.length);
    if (header.number < expected) return;
    if (header.number > expected) {
      throw new CarbonTraceError(
        'ANCHOR_GAP',
        `${this.channel}: got block ${header.number} while expecting ${expected}`,
        {
          channel: this.channel,
          expected: Number(expected),
          got: Number(header.number),
        },
      );
    }
    const entry = anchorEntryOf(header);
    const previous = pending.at(-1)?.headerHash ?? this.#lastHash;
    if (previous !== null && entry.previousHash !== previous) {
      throw new CarbonTraceError(
        'ANCHOR_FORK',
        `${this.channel}: block ${entry.blockNumber} names previous hash ${entry.previousHash}, anchored chain has ${previous}`,
        { channel: this.channel, blockNumber: entry.blockNumber },
      );
    }
    pending.push(entry);
  }

  /** Records the pending entries in one verification block, then checkpoints. */
  async #record(pending: AnchorEntry[]): Promise<void> {
    const entries = pending.splice(0, pending.length);
    const head = await this.#ledger.record(this.channel, entries);
    const last = entries.at(-1);
    // The head may be further on when another recorder anchored later blocks meanwhile.
    if (
      last === undefined ||
      head.blockNumber < last.blockNumber ||
      (head.blockNumber === last.blockNumber && head.headerHash !== last.headerHash)
    ) {
      throw new CarbonTraceError('INTERNAL', `${this.channel}: master head after recording does not match`, {
        channel: this.channel,
        headBlock: head.blockNumber,
      });
    }
    this.#next = BigInt(last.blockNumber) + 1n;
    this.#lastHash = last.headerHash;
    await this.#save();
    this.#onEvent({ kind: 'anchored', entries });
  }

  async #save(): Promise<void> {
    await this.#checkpoint.save({
      channel: this.channel,
      nextBlock: this.#next.toString(),
      lastHeaderHash: this.#lastHash,
    });
  }
}

/** Validates a parsed relay checkpoint. @throws Error on any other shape. */
export function decodeRelayCheckpoint(value: unknown): RelayCheckpoint {
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  const r = value as Record<string, unknown>;
  const channel = r['channel'];
  const nextBlock = r['nextBlock'];
  const lastHeaderHash = r['lastHeaderHash'] ?? null;
  if (typeof channel !== 'string') throw new Error('channel must be a string');
  if (typeof nextBlock !== 'string' || !/^\d+$/.test(nextBlock))
    throw new Error('nextBlock must be a decimal string');
  if (
    lastHeaderHash !== null &&
    (typeof lastHeaderHash !== 'string' || !/^[0-9a-f]{64}$/.test(lastHeaderHash))
  ) {
    throw new Error('lastHeaderHash must be 64 hex digits or null');
  }
  return { channel, nextBlock, lastHeaderHash };
}

function nextMacrotask(): Promise<undefined> {
  return new Promise((resolve) => {
    setImmediate(() => {
      resolve(undefined);
    });
  });
}

/** Reads the flag through a call so the compiler does not treat it as constant across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
