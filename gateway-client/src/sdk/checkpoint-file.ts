/**
 * A crash-safe JSON checkpoint file for the long-running processes (anchor relays, cloud workers).
 * Each save writes a temporary file in the same directory, flushes it to disk, and renames it over
 * the old one, so a process killed at any instant leaves either the old or the new state, never a
 * torn file. {@link FileCheckpointer} builds Fabric's event checkpoint on top of it.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { ChaincodeEvent, Checkpointer } from '@hyperledger/fabric-gateway';
import { GatewayClientError } from './client-errors';

/** A JSON-safe state value. */
export type CheckpointState = object;

/** Reads and atomically replaces one JSON checkpoint file. */
export interface CheckpointFile<T extends CheckpointState> {
  /** Path of the file. */
  readonly path: string;
  /**
   * The saved state, or undefined when the file does not exist yet.
   * @throws {@link GatewayClientError} CONFIG_INVALID when the file exists but is not valid state.
   */
  load(): Promise<T | undefined>;
  /** Replaces the saved state atomically (write temp, fsync, rename, fsync directory). */
  save(state: T): Promise<void>;
}

/** Options of {@link openCheckpointFile}. */
export interface CheckpointFileOptions<T extends CheckpointState> {
  /** File path; its directory is created when missing. */
  readonly path: string;
  /** Validates a parsed value; throws on anything that is not a `T`. */
  readonly decode: (value: unknown) => T;
}

/** Opens (without reading) a checkpoint file. */
export function openCheckpointFile<T extends CheckpointState>(
  options: Readonly<CheckpointFileOptions<T>>,
): CheckpointFile<T> {
  return new CheckpointFileImpl(options);
}

class CheckpointFileImpl<T extends CheckpointState> implements CheckpointFile<T> {
  readonly path: string;
  readonly #decode: (value: unknown) => T;
  #sequence = 0;

  constructor(options: Readonly<CheckpointFileOptions<T>>) {
    this.path = path.resolve(options.path);
    this.#decode = options.decode;
  }

  async load(): Promise<T | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return this.#decode(JSON.parse(text) as unknown);
    } catch (error: unknown) {
      throw new GatewayClientError('CONFIG_INVALID', {
        message: `checkpoint ${this.path} is not valid: ${error instanceof Error ? error.message : String(error)}`,
        details: { file: this.path },
        cause: error,
      });
    }
  }

  async save(state: T): Promise<void> {
    const directory = path.dirname(this.path);
    await fs.mkdir(directory, { recursive: true });
    const temporary = `${this.path}.${process.pid}.${++this.#sequence}.tmp`;
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(state)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, this.path);
    const dir = await fs.open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** The state {@link FileCheckpointer} keeps: Fabric's event position plus the caller's own fields. */
export interface EventCheckpointState {
  /** Next block to read (decimal string), or null before the first checkpoint. */
  readonly blockNumber: string | null;
  /** Last processed transaction within `blockNumber`, or null. */
  readonly transactionId: string | null;
}

/**
 * A Fabric event {@link Checkpointer} persisted in a {@link CheckpointFile}, with atomic writes
 * (fabric-gateway's own file checkpointer overwrites in place). Semantics follow fabric-gateway:
 * `checkpointBlock(n)` means "block n done, resume at n + 1"; `checkpointTransaction(n, tx)` means
 * "resume in block n after tx".
 */
export class FileCheckpointer implements Checkpointer {
  readonly #file: CheckpointFile<EventCheckpointState>;
  #blockNumber: bigint | undefined;
  #transactionId: string | undefined;

  private constructor(file: CheckpointFile<EventCheckpointState>, state: EventCheckpointState | undefined) {
    this.#file = file;
    this.#blockNumber = state?.blockNumber == null ? undefined : BigInt(state.blockNumber);
    this.#transactionId = state?.transactionId ?? undefined;
  }

  /**
   * Opens the checkpointer, reading any saved state.
   * @throws {@link GatewayClientError} CONFIG_INVALID when the file holds something else.
   */
  static async open(filePath: string): Promise<FileCheckpointer> {
    const file = openCheckpointFile({ path: filePath, decode: decodeEventCheckpoint });
    return new FileCheckpointer(file, await file.load());
  }

  /** Path of the checkpoint file. */
  get path(): string {
    return this.#file.path;
  }

  getBlockNumber(): bigint | undefined {
    return this.#blockNumber;
  }

  getTransactionId(): string | undefined {
    return this.#transactionId;
  }

  async checkpointBlock(blockNumber: bigint): Promise<void> {
    this.#blockNumber = blockNumber + 1n;
    this.#transactionId = undefined;
    await this.#save();
  }

  async checkpointTransaction(blockNumber: bigint, transactionId: string): Promise<void> {
    this.#blockNumber = blockNumber;
    this.#transactionId = transactionId;
    await this.#save();
  }

  /** Forgets the saved position (for a checkpoint found to belong to another network). */
  async reset(): Promise<void> {
    this.#blockNumber = undefined;
    this.#transactionId = undefined;
    await this.#save();
  }

  async checkpointChaincodeEvent(event: ChaincodeEvent): Promise<void> {
    await this.checkpointTransaction(event.blockNumber, event.transactionId);
  }

  async #save(): Promise<void> {
    await this.#file.save({
      blockNumber: this.#blockNumber === undefined ? null : this.#blockNumber.toString(),
      transactionId: this.#transactionId ?? null,
    });
  }
}

/** Validates a parsed {@link EventCheckpointState}. @throws Error on any other shape. */
export function decodeEventCheckpoint(value: unknown): EventCheckpointState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  const record = value as Record<string, unknown>;
  const blockNumber = record['blockNumber'] ?? null;
  const transactionId = record['transactionId'] ?? null;
  if (blockNumber !== null && !(typeof blockNumber === 'string' && /^\d+$/.test(blockNumber))) {
    throw new Error('blockNumber must be a decimal string or null');
  }
  if (transactionId !== null && typeof transactionId !== 'string') {
    throw new Error('transactionId must be a string or null');
  }
  return { blockNumber, transactionId };
}
