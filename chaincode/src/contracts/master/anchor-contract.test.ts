import { createHash } from 'crypto';
import { canonicalSha256 } from '../shared/hashing';
import { ContractHarness } from '../testing/contract-harness';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { contracts } from './index';

/** Independent header hash: DER SEQUENCE{INTEGER n, OCTET STRING prev, OCTET STRING data}, short forms (n < 128). */
function derHeaderHash(n: number, prev: Buffer, data: Buffer): string {
  const int = n < 0x80 ? Buffer.from([0x02, 0x01, n]) : Buffer.from([0x02, 0x02, 0x00, n]);
  const octets = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0x04, b.length]), b]);
  const body = Buffer.concat([int, octets(prev), octets(data)]);
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([0x30, body.length]), body]))
    .digest('hex');
}

/** A fake slave chain of `count` blocks with its header hashes. */
function chain(
  count: number,
): { blockNumber: number; previousHash: string; dataHash: string; headerHash: string }[] {
  const out: { blockNumber: number; previousHash: string; dataHash: string; headerHash: string }[] = [];
  let prev = '';
  for (let n = 0; n < count; n += 1) {
    const dataHash = createHash('sha256').update(`block ${n}`).digest('hex');
    const headerHash = derHeaderHash(n, Buffer.from(prev, 'hex'), Buffer.from(dataHash, 'hex'));
    out.push({ blockNumber: n, previousHash: prev, dataHash, headerHash });
    prev = headerHash;
  }
  return out;
}

const harness = (): ContractHarness => new ContractHarness(contracts, 'master');

describe('Anchor contract', () => {
  it('records consecutive blocks, computes the header hash as Fabric does, and moves the head', async () => {
    const h = harness();
    const blocks = chain(4);
    const head = (await h.submit('Anchor', 'RecordBatch', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify(blocks.slice(0, 3)),
    ])) as {
      blockNumber: number;
      headerHash: string;
    };
    expect(head).toEqual({ channel: 'slave-hv1', blockNumber: 2, headerHash: blocks[2]?.headerHash });
    const one = await h.invoke('Anchor', 'Record', ORGS.hv1, ['slave-hv1', JSON.stringify(blocks[3])]);
    expect(one.error).toBeUndefined();
    expect(one.event?.name).toBe('VerificationBlockRecorded');
    // the head key was pinned (Hv1 + regulator) by key-level endorsement when created, and only
    // then; each new anchor key gets its own policy
    expect(Object.keys(one.writeSet.validationParameters)).toEqual([one.writeSet.state[0]?.key]);
    expect(
      h.ledger.getValidationParameter(h.ledger.keys().find((k) => k.includes('anchorHead')) ?? '').length,
    ).toBeGreaterThan(0);
    const stored = (await h.evaluate('Anchor', 'Get', ORGS.regulator, ['slave-hv1', '3'])) as {
      headerHash: string;
    };
    expect(stored.headerHash).toBe(blocks[3]?.headerHash);
  });

  it('refuses gaps, forks, replays and a wrong relay header hash, writing nothing', async () => {
    const h = harness();
    const blocks = chain(3);
    await h.submit('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', JSON.stringify(blocks.slice(0, 2))]);
    const before = h.ledger.keys().length;
    const gap = await h.invoke('Anchor', 'Record', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({
        blockNumber: 3,
        previousHash: blocks[2]?.previousHash,
        dataHash: blocks[2]?.dataHash,
      }),
    ]);
    expect(gap.error).toMatch(/^ANCHOR_GAP: slave-hv1 block 3 skips blocks: the next block to anchor is 2/);
    const fork = await h.invoke('Anchor', 'Record', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ blockNumber: 2, previousHash: 'ff'.repeat(32), dataHash: blocks[2]?.dataHash }),
    ]);
    expect(fork.error).toMatch(/^ANCHOR_FORK: slave-hv1 block 2 does not extend the anchored chain/);
    const replay = await h.invoke('Anchor', 'Record', ORGS.hv1, ['slave-hv1', JSON.stringify(blocks[1])]);
    expect(replay.error).toMatch(/^ANCHOR_FORK: slave-hv1 block 1 is already anchored/);
    const badHash = await h.invoke('Anchor', 'Record', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ ...blocks[2], headerHash: '00'.repeat(32) }),
    ]);
    expect(badHash.error).toMatch(/^HASH_MISMATCH/);
    expect(h.ledger.keys().length).toBe(before);
  });

  it('only the HV organization of the channel anchors; others are refused', async () => {
    const h = harness();
    const blocks = JSON.stringify(chain(1));
    expect((await h.invoke('Anchor', 'RecordBatch', ORGS.hv2, ['slave-hv1', blocks])).error).toMatch(
      /^ACCESS_DENIED: Hv2MSP cannot anchor data of slave-hv1/,
    );
    for (const who of [ORGS.gridco, ORGS.regulator, ORGS.lv1a, ORGS.cloudA]) {
      expect((await h.invoke('Anchor', 'RecordBatch', who, ['slave-hv1', blocks])).error).toMatch(
        /^ACCESS_DENIED/,
      );
    }
    expect((await h.invoke('Anchor', 'RecordBatch', ORGS.hv2, ['slave-hv2', blocks])).error).toBeUndefined();
  });

  it('verifies a slave block header and a slot package against their anchors', async () => {
    const h = harness();
    const blocks = chain(2);
    await h.submit('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', JSON.stringify(blocks)]);
    const good = (await h.evaluate('Anchor', 'VerifySlaveBlock', ORGS.regulator, [
      'slave-hv1',
      JSON.stringify(blocks[1]),
    ])) as {
      valid: boolean;
    };
    expect(good.valid).toBe(true);
    const tampered = (await h.evaluate('Anchor', 'VerifySlaveBlock', ORGS.regulator, [
      'slave-hv1',
      JSON.stringify({ blockNumber: 1, previousHash: blocks[1]?.previousHash, dataHash: 'cd'.repeat(32) }),
    ])) as { valid: boolean; reason: string };
    expect(tampered).toMatchObject({ valid: false, reason: 'header hash differs from the anchor' });

    // the slave channel as the cross-channel read sees it: slot 5 sealed, slot 6 not
    const pkg = { channel: 'slave-hv1', slot: 5, measurements: [], topologies: [] };
    const digest = canonicalSha256(pkg);
    h.linkHandler('carbon-slave', (args) => {
      if (args[1] !== '5') return Promise.resolve({ status: 500, message: 'NOT_FOUND: package of slot 6' });
      const sealed = {
        slot: 5,
        channel: 'slave-hv1',
        sha256: digest,
        package: pkg,
        sealTxId: 'tx',
        sealerMsp: 'Hv1MSP',
      };
      return Promise.resolve({ status: 200, payload: new TextEncoder().encode(JSON.stringify(sealed)) });
    });
    const early = await h.invoke('Anchor', 'RecordPackage', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ slot: 5, sha256: digest, blockNumber: 9 }),
    ]);
    expect(early.error).toMatch(/^NOT_FOUND: slave-hv1 block 9 is not anchored yet/);
    const madeUp = await h.invoke('Anchor', 'RecordPackage', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ slot: 5, sha256: 'ab'.repeat(32), blockNumber: 1 }),
    ]);
    expect(madeUp.error).toMatch(/^HASH_MISMATCH: slot 5 of slave-hv1 was sealed with another digest/);
    const unsealed = await h.invoke('Anchor', 'RecordPackage', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ slot: 6, sha256: digest, blockNumber: 1 }),
    ]);
    expect(unsealed.error).toMatch(/^NOT_FOUND: slot 6 package of slave-hv1 is not readable/);
    const first = await h.submit('Anchor', 'RecordPackage', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ slot: 5, sha256: digest, blockNumber: 1 }),
    ]);
    const twice = await h.invoke('Anchor', 'RecordPackage', ORGS.hv1, [
      'slave-hv1',
      JSON.stringify({ slot: 5, sha256: digest, blockNumber: 1 }),
    ]);
    // an identical replay (a retried call) returns the first record and writes nothing
    expect(JSON.parse(twice.result ?? '{}')).toEqual(first);
    expect(twice.writeSet.state).toHaveLength(0);
    expect(
      (
        (await h.evaluate('Anchor', 'VerifyPackage', ORGS.regulator, ['slave-hv1', '5', digest])) as {
          valid: boolean;
        }
      ).valid,
    ).toBe(true);
    const other = (await h.evaluate('Anchor', 'VerifyPackage', ORGS.regulator, [
      'slave-hv1',
      '5',
      'ab'.repeat(32),
    ])) as {
      valid: boolean;
      anchored: { blockNumber: number; headerHash: string };
    };
    expect(other.valid).toBe(false);
    expect(other.anchored).toMatchObject({ blockNumber: 1, headerHash: blocks[1]?.headerHash });
  });

  it('is deterministic', async () => {
    const [a, b] = await runTwice(harness, () => Promise.resolve(), {
      contract: 'Anchor',
      fn: 'RecordBatch',
      identity: ORGS.hv1,
      args: ['slave-hv1', JSON.stringify(chain(3))],
    });
    expect(a).toBe(b);
  });
});
