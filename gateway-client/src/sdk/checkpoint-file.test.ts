import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { GatewayClientError } from './client-errors';
import { FileCheckpointer, decodeEventCheckpoint, openCheckpointFile } from './checkpoint-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ct-checkpoint-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const decodeCounter = (value: unknown): { count: number } => {
  const count = (value as { count?: unknown }).count;
  if (typeof count !== 'number') throw new Error('count must be a number');
  return { count };
};

describe('openCheckpointFile', () => {
  it('returns undefined before the first save, then the saved state, creating the directory', async () => {
    const file = openCheckpointFile({ path: path.join(dir, 'nested', 'c.json'), decode: decodeCounter });
    expect(await file.load()).toBeUndefined();
    await file.save({ count: 3 });
    await file.save({ count: 4 });
    expect(await file.load()).toEqual({ count: 4 });
    expect(readdirSync(path.join(dir, 'nested'))).toEqual(['c.json']);
  });

  it('refuses a corrupt file with CONFIG_INVALID naming the file', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"count": "three"}');
    const error = await openCheckpointFile({ path: file, decode: decodeCounter })
      .load()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayClientError);
    expect((error as GatewayClientError).code).toBe('CONFIG_INVALID');
    expect((error as GatewayClientError).details['file']).toBe(file);
  });
});

describe('FileCheckpointer', () => {
  it('follows fabric-gateway semantics: a block checkpoint resumes at the next block', async () => {
    const file = path.join(dir, 'events.json');
    const first = await FileCheckpointer.open(file);
    expect(first.getBlockNumber()).toBeUndefined();
    await first.checkpointBlock(7n);
    expect(first.getBlockNumber()).toBe(8n);
    expect(first.getTransactionId()).toBeUndefined();
    await first.checkpointChaincodeEvent({
      blockNumber: 9n,
      transactionId: 'tx-a',
      chaincodeName: 'carbon-master',
      eventName: 'TaskPublished',
      payload: new Uint8Array(),
    });
    const reopened = await FileCheckpointer.open(file);
    expect(reopened.getBlockNumber()).toBe(9n);
    expect(reopened.getTransactionId()).toBe('tx-a');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ blockNumber: '9', transactionId: 'tx-a' });
  });

  it('validates the saved shape', () => {
    expect(decodeEventCheckpoint({ blockNumber: null, transactionId: null })).toEqual({
      blockNumber: null,
      transactionId: null,
    });
    expect(() => decodeEventCheckpoint({ blockNumber: 5 })).toThrow(/decimal string/);
    expect(() => decodeEventCheckpoint([])).toThrow(/object/);
  });
});
