import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { isCarbonTraceError } from '@carbontrace/chaincode';
import { TransportError } from '../sdk/client-errors';
import { anchorEntryOf, newAnchorRelay } from './anchor-relay';
import type {
  AnchorEntry,
  AnchorHead,
  AnchorLedger,
  BlockStream,
  SlaveBlockHeader,
  SlaveBlockSource,
} from './anchor-relay';

// Fakes of the two ports (unit tests only). The fake chain links blocks the way Fabric does:
// previous_hash of block n+1 is SHA-256(DER(header n)) — computed here with an independent
// hand-written DER encoding for small block numbers (< 128), not with the code under test.
function independentHeaderHash(h: SlaveBlockHeader): string {
  const n = Number(h.number);
  if (n >= 128) throw new Error('test chain is short');
  const integer = n === 0 ? [0x02, 0x01, 0x00] : [0x02, 0x01, n];
  const octets = (b: Uint8Array) => [0x04, b.length, ...b];
  const body = [...integer, ...octets(h.previousHash), ...octets(h.dataHash)];
  return createHash('sha256')
    .update(Buffer.from([0x30, body.length, ...body]))
    .digest('hex');
}

function makeChain(length: number): SlaveBlockHeader[] {
  const chain: SlaveBlockHeader[] = [];
  for (let i = 0; i < length; i++) {
    const previous = chain[i - 1];
    chain.push({
      number: BigInt(i),
      previousHash:
        previous === undefined ? new Uint8Array() : Buffer.from(independentHeaderHash(previous), 'hex'),
      dataHash: createHash('sha256').update(`block ${i}`).digest(),
    });
  }
  return chain;
}

class FakeSource implements SlaveBlockSource {
  readonly opens: bigint[] = [];
  failAfter: number | undefined;
  constructor(readonly chain: SlaveBlockHeader[]) {}

  open(startBlock: bigint): Promise<BlockStream> {
    this.opens.push(startBlock);
    let closed = false;
    let wake: (() => void) | undefined;
    const failAfter = this.failAfter;
    this.failAfter = undefined;
    const chain = this.chain;
    async function* blocks(): AsyncGenerator<SlaveBlockHeader> {
      let delivered = 0;
      for (let n = Number(startBlock); ; n++) {
        while (!closed && n >= chain.length) await new Promise<void>((r) => (wake = r));
        if (closed) return;
        if (failAfter !== undefined && delivered === failAfter) {
          throw new TransportError('UNAVAILABLE', 'events', { message: 'peer stopped' });
        }
        const block = chain[n];
        if (block === undefined) return;
        delivered++;
        yield block;
      }
    }
    const iterable = blocks();
    return Promise.resolve({
      [Symbol.asyncIterator]: () => iterable,
      close: () => {
        closed = true;
        wake?.();
      },
    });
  }
}

class FakeLedger implements AnchorLedger {
  readonly anchors: AnchorEntry[] = [];
  readonly batches: number[][] = [];
  turns = Infinity;
  failNextRecordAfterCommit = false;
  #waiters: (() => void)[] = [];

  head(): Promise<AnchorHead | undefined> {
    const last = this.anchors.at(-1);
    return Promise.resolve(
      last === undefined ? undefined : { blockNumber: last.blockNumber, headerHash: last.headerHash },
    );
  }

  waiting = 0;

  async awaitTurn(signal: AbortSignal): Promise<void> {
    this.waiting++;
    while (this.turns <= 0) {
      if (signal.aborted) throw new Error('aborted');
      await new Promise<void>((r) => this.#waiters.push(r));
    }
    this.turns--;
  }

  grant(n: number): void {
    this.turns += n;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  record(channel: string, entries: readonly AnchorEntry[]): Promise<AnchorHead> {
    expect(channel).toBe('slave-hv1');
    const fresh: number[] = [];
    for (const entry of entries) {
      const last = this.anchors.at(-1);
      const held = this.anchors[entry.blockNumber];
      if (held !== undefined) {
        // Idempotent like the real port: already anchored, compare and skip.
        if (held.headerHash !== entry.headerHash) throw new Error('fork');
        continue;
      }
      const expected = last === undefined ? 0 : last.blockNumber + 1;
      if (entry.blockNumber !== expected) throw new Error(`gap: ${entry.blockNumber} after ${expected - 1}`);
      if (last !== undefined && entry.previousHash !== last.headerHash) throw new Error('fork');
      this.anchors.push(entry);
      fresh.push(entry.blockNumber);
    }
    this.batches.push(fresh);
    if (this.failNextRecordAfterCommit) {
      this.failNextRecordAfterCommit = false;
      return Promise.reject(new Error('process killed after commit'));
    }
    const last = this.anchors.at(-1);
    if (last === undefined) throw new Error('empty batch');
    return Promise.resolve({ blockNumber: last.blockNumber, headerHash: last.headerHash });
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ct-relay-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function runUntil(relay: ReturnType<typeof newAnchorRelay>, done: () => boolean): Promise<void> {
  const controller = new AbortController();
  const running = relay.run(controller.signal);
  // Bounded wait (file checkpoints do real I/O); the asserts that follow check the outcome.
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  await running;
}

const noSleep = () => Promise.resolve();

describe('anchorEntryOf', () => {
  it('computes the header hash Fabric computes and chains it into the next block', () => {
    const chain = makeChain(3);
    const [b0, b1, b2] = chain.map(anchorEntryOf);
    expect(b0?.headerHash).toBe(independentHeaderHash(chain[0]!));
    expect(b1?.previousHash).toBe(b0?.headerHash);
    expect(b2?.previousHash).toBe(b1?.headerHash);
    expect(b0?.previousHash).toBe('');
  });
});

describe('AnchorRelay', () => {
  it('anchors every block once, in order, and checkpoints after each commit', async () => {
    const source = new FakeSource(makeChain(12));
    const ledger = new FakeLedger();
    const relay = newAnchorRelay({
      channel: 'slave-hv1',
      source,
      ledger,
      checkpointPath: path.join(dir, 'r.json'),
      maxBatch: 5,
    });
    await runUntil(relay, () => ledger.anchors.length === 12);
    expect(ledger.anchors.map((a) => a.blockNumber)).toEqual([...Array(12).keys()]);
    expect(ledger.batches.every((b) => b.length <= 5)).toBe(true);
    const saved = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(saved).toEqual({
      channel: 'slave-hv1',
      nextBlock: '12',
      lastHeaderHash: ledger.anchors[11]?.headerHash,
    });
  });

  it('records only when the EA-DPoS schedule gives the turn', async () => {
    const source = new FakeSource(makeChain(4));
    const ledger = new FakeLedger();
    ledger.turns = 0;
    const relay = newAnchorRelay({
      channel: 'slave-hv1',
      source,
      ledger,
      checkpointPath: path.join(dir, 'r.json'),
    });
    const controller = new AbortController();
    const running = relay.run(controller.signal);
    for (let i = 0; i < 2000 && ledger.waiting === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(ledger.waiting).toBe(1);
    expect(ledger.anchors).toHaveLength(0);
    ledger.grant(1);
    for (let i = 0; i < 2000 && ledger.anchors.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
    expect(ledger.batches).toHaveLength(1);
    expect(ledger.anchors).toHaveLength(4);
    controller.abort();
    await running;
  });

  it('resumes from its checkpoint after a restart without anchoring anything twice', async () => {
    const chain = makeChain(6);
    const source = new FakeSource(chain);
    const ledger = new FakeLedger();
    const checkpointPath = path.join(dir, 'r.json');
    await runUntil(
      newAnchorRelay({ channel: 'slave-hv1', source, ledger, checkpointPath }),
      () => ledger.anchors.length === 6,
    );
    chain.push(...makeChain(9).slice(6));
    const restarted = newAnchorRelay({ channel: 'slave-hv1', source, ledger, checkpointPath });
    await runUntil(restarted, () => ledger.anchors.length === 9);
    expect(source.opens.at(-1)).toBe(6n);
    expect(ledger.anchors.map((a) => a.blockNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(restarted.nextBlock).toBe(9n);
  });

  it('after a kill between commit and checkpoint, re-sends from the checkpoint and anchors nothing twice', async () => {
    const source = new FakeSource(makeChain(5));
    const ledger = new FakeLedger();
    ledger.failNextRecordAfterCommit = true;
    const checkpointPath = path.join(dir, 'r.json');
    const crashed = newAnchorRelay({ channel: 'slave-hv1', source, ledger, checkpointPath, maxBatch: 2 });
    await expect(crashed.run(new AbortController().signal)).rejects.toThrow('killed after commit');
    expect(ledger.anchors.length).toBeGreaterThan(0);
    const events: string[] = [];
    const restarted = newAnchorRelay({
      channel: 'slave-hv1',
      source,
      ledger,
      checkpointPath,
      onEvent: (e) =>
        events.push(e.kind === 'resumed' ? `resumed:${e.from}:${e.nextBlock}:${e.ledgerHead}` : e.kind),
    });
    await runUntil(restarted, () => ledger.anchors.length === 5 && restarted.nextBlock === 5n);
    expect(events[0]).toBe(`resumed:start:0:${(ledger.batches[0]?.length ?? 0) - 1}`);
    expect(ledger.anchors.map((a) => a.blockNumber)).toEqual([0, 1, 2, 3, 4]);
  });

  it('reconnects after a transport failure and continues where it stopped', async () => {
    const source = new FakeSource(makeChain(8));
    source.failAfter = 3;
    const ledger = new FakeLedger();
    const events: string[] = [];
    const relay = newAnchorRelay({
      channel: 'slave-hv1',
      source,
      ledger,
      checkpointPath: path.join(dir, 'r.json'),
      sleep: noSleep,
      onEvent: (e) => events.push(e.kind),
    });
    await runUntil(relay, () => ledger.anchors.length === 8);
    expect(events).toContain('reconnecting');
    expect(source.opens[0]).toBe(0n);
    // The stream broke after block 2; the relay reopened at its next unanchored block.
    expect(source.opens).toHaveLength(2);
    expect(source.opens[1]).toBeLessThanOrEqual(3n);
    expect(ledger.anchors.map((a) => a.blockNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('follows the ledger when its checkpoint is ahead of master (a checkpoint of another network)', async () => {
    const checkpointPath = path.join(dir, 'r.json');
    writeFileSync(
      checkpointPath,
      JSON.stringify({ channel: 'slave-hv1', nextBlock: '50', lastHeaderHash: 'ab'.repeat(32) }),
    );
    const source = new FakeSource(makeChain(3));
    const ledger = new FakeLedger();
    const events: string[] = [];
    const relay = newAnchorRelay({
      channel: 'slave-hv1',
      source,
      ledger,
      checkpointPath,
      onEvent: (e) => events.push(e.kind === 'resumed' ? `resumed:${e.from}:${e.nextBlock}` : e.kind),
    });
    await runUntil(relay, () => ledger.anchors.length === 3);
    expect(events[0]).toBe('resumed:ledger:0');
    expect(source.opens[0]).toBe(0n);
    expect(ledger.anchors.map((a) => a.blockNumber)).toEqual([0, 1, 2]);
  });

  it('refuses a block whose previous hash breaks the anchored chain', async () => {
    const chain = makeChain(4);
    const tampered = chain[2];
    if (tampered === undefined) throw new Error('chain too short');
    chain[2] = { ...tampered, previousHash: new Uint8Array(32).fill(7) };
    const ledger = new FakeLedger();
    const relay = newAnchorRelay({
      channel: 'slave-hv1',
      source: new FakeSource(chain),
      ledger,
      checkpointPath: path.join(dir, 'r.json'),
      maxBatch: 1,
    });
    const error = await relay.run(new AbortController().signal).catch((e: unknown) => e);
    expect(isCarbonTraceError(error, 'ANCHOR_FORK')).toBe(true);
    expect(ledger.anchors.map((a) => a.blockNumber)).toEqual([0, 1]);
  });
});
