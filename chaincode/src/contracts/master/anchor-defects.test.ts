/**
 * Regression tests of issue 12 #6 for Anchor:RecordPackage (run together with `jest -t "defect:"`):
 * the digest is checked against the sealed package read across channels in the same transaction,
 * an unsealed slot is refused, and a wrong anchor recorded before the check existed can be
 * corrected, with the replaced digest kept in the record.
 */
import { canonicalSha256 } from '../shared/hashing';
import { toBytes } from '../shared/ledger-state';
import { ContractHarness } from '../testing/contract-harness';
import type { TxOutcome } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import { contracts } from './index';

const CHANNEL = 'slave-hv1';
const MADE_UP = 'ab'.repeat(32);

/** A composite key as the stub builds it. */
const compositeKey = (objectType: string, attributes: readonly string[]): string =>
  `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;

const packageKey = (slot: number): string =>
  compositeKey('anchorPackage', [CHANNEL, String(slot).padStart(12, '0')]);

const packageOf = (
  slot: number,
): { channel: string; slot: number; measurements: never[]; topologies: never[] } => ({
  channel: CHANNEL,
  slot,
  measurements: [],
  topologies: [],
});

/**
 * A master harness with block 0 of slave-hv1 anchored, whose cross-channel read of the slave
 * chaincode returns the sealed packages of the slots in `sealed` (other slots: NOT_FOUND, as the
 * slave's `Index:GetPackage` answers for an unsealed slot).
 */
async function anchoredMaster(sealed: Set<number>): Promise<ContractHarness> {
  const h = new ContractHarness(contracts, 'master');
  h.linkHandler('carbon-slave', (args, channel) => {
    const slot = Number(args[1]);
    if (channel !== CHANNEL || args[0] !== 'Index:GetPackage' || !sealed.has(slot)) {
      return Promise.resolve({ status: 500, message: `NOT_FOUND: package of slot ${args[1] ?? ''}` });
    }
    const pkg = packageOf(slot);
    const record = {
      slot,
      channel: CHANNEL,
      sha256: canonicalSha256(pkg),
      package: pkg,
      sealTxId: `seal-${slot}`,
      sealerMsp: 'Hv1MSP',
    };
    return Promise.resolve({ status: 200, payload: new TextEncoder().encode(JSON.stringify(record)) });
  });
  const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'cd'.repeat(32) }]);
  await h.submit('Anchor', 'RecordBatch', ORGS.hv1, [CHANNEL, entry]);
  return h;
}

const recordPackage = (h: ContractHarness, slot: number, sha256: string, txId?: string): Promise<TxOutcome> =>
  h.invoke(
    'Anchor',
    'RecordPackage',
    ORGS.hv1,
    [CHANNEL, JSON.stringify({ slot, sha256, blockNumber: 0 })],
    txId === undefined ? {} : { txId },
  );

const verify = async (
  h: ContractHarness,
  slot: number,
  sha256: string,
): Promise<{ valid: boolean; anchored: { sha256: string } | null }> =>
  (await h.evaluate('Anchor', 'VerifyPackage', ORGS.regulator, [CHANNEL, String(slot), sha256])) as {
    valid: boolean;
    anchored: { sha256: string } | null;
  };

/** The outcome wrote nothing at all: no state, no key-level policy, no event. */
function expectNothingWritten(outcome: TxOutcome): void {
  expect(outcome.writeSet.state).toHaveLength(0);
  expect(outcome.writeSet.validationParameters).toEqual({});
  expect(outcome.event).toBeUndefined();
}

describe('defects of issue 12 (Anchor)', () => {
  it("defect: the package anchor is only the HV's word (a made-up digest is refused with HASH_MISMATCH and writes nothing)", async () => {
    const h = await anchoredMaster(new Set([5]));
    const keys = h.ledger.keys();
    const madeUp = await recordPackage(h, 5, MADE_UP);
    expect(madeUp.error).toMatch(/^HASH_MISMATCH: slot 5 of slave-hv1 was sealed with another digest/);
    expectNothingWritten(madeUp);
    expect(h.ledger.keys()).toEqual(keys);
    expect(await verify(h, 5, MADE_UP)).toMatchObject({ valid: false, anchored: null });
    // the sealed digest itself is accepted and anchored with the key's owner + regulator policy
    const digest = canonicalSha256(packageOf(5));
    const honest = await recordPackage(h, 5, digest);
    expect(honest.error).toBeUndefined();
    expect(Object.keys(honest.writeSet.validationParameters)).toEqual([packageKey(5)]);
    expect(await verify(h, 5, digest)).toMatchObject({ valid: true });
  });

  it("defect: the package anchor is only the HV's word (an unsealed slot is refused until it is sealed)", async () => {
    const sealed = new Set<number>();
    const h = await anchoredMaster(sealed);
    const keys = h.ledger.keys();
    // slot 99 of the report: not sealed yet, so neither a made-up nor the future digest is anchored
    const digest = canonicalSha256(packageOf(99));
    for (const sha256 of [MADE_UP, digest]) {
      const early = await recordPackage(h, 99, sha256);
      expect(early.error).toMatch(/^NOT_FOUND: slot 99 package of slave-hv1 is not readable on this peer/);
      expectNothingWritten(early);
    }
    expect(h.ledger.keys()).toEqual(keys);
    expect(await verify(h, 99, digest)).toMatchObject({ valid: false, anchored: null });
    sealed.add(99);
    expect((await recordPackage(h, 99, MADE_UP)).error).toMatch(/^HASH_MISMATCH/);
    expect((await recordPackage(h, 99, digest)).error).toBeUndefined();
    expect(await verify(h, 99, digest)).toMatchObject({ valid: true });
  });

  it("defect: the package anchor is only the HV's word (a wrong anchor is corrected with its history kept; a replay is harmless)", async () => {
    const h = await anchoredMaster(new Set([5]));
    const block0 = (await h.evaluate('Anchor', 'Get', ORGS.regulator, [CHANNEL, '0'])) as {
      headerHash: string;
    };
    // a made-up digest anchored before the check existed, as that code stored it (no corrections)
    h.ledger.seed(
      packageKey(5),
      toBytes({
        channel: CHANNEL,
        slot: 5,
        sha256: MADE_UP,
        blockNumber: 0,
        headerHash: block0.headerHash,
        recorderMsp: 'Hv1MSP',
      }),
    );
    const digest = canonicalSha256(packageOf(5));
    expect(await verify(h, 5, digest)).toMatchObject({ valid: false, anchored: { sha256: MADE_UP } });

    // the correction: the sealed digest replaces the wrong one, which stays in the record
    const corrected = await recordPackage(h, 5, digest, 'correct-slot-5');
    expect(corrected.error).toBeUndefined();
    const expected = {
      channel: CHANNEL,
      slot: 5,
      sha256: digest,
      blockNumber: 0,
      headerHash: block0.headerHash,
      recorderMsp: 'Hv1MSP',
      corrections: [{ sha256: MADE_UP, blockNumber: 0, txId: 'correct-slot-5' }],
    };
    expect(JSON.parse(corrected.result ?? '{}')).toEqual(expected);
    expect(corrected.writeSet.state.map((w) => w.key)).toEqual([packageKey(5)]);
    // the existing key keeps its policy (set once, at creation)
    expect(corrected.writeSet.validationParameters).toEqual({});
    expect(corrected.event?.name).toBe('SlotPackageAnchored');
    expect(JSON.parse(corrected.event?.payload ?? '{}')).toEqual(expected);
    expect(JSON.parse(h.ledger.getText(packageKey(5)) ?? '{}')).toEqual(expected);
    expect(await verify(h, 5, digest)).toMatchObject({ valid: true });
    expect(await verify(h, 5, MADE_UP)).toMatchObject({ valid: false });

    // a replay of the same digest (a retried call) returns the record and writes nothing
    const history = h.ledger.history.length;
    const replay = await recordPackage(h, 5, digest, 'retry-slot-5');
    expect(replay.error).toBeUndefined();
    expect(JSON.parse(replay.result ?? '{}')).toEqual(expected);
    expectNothingWritten(replay);
    expect(h.ledger.history).toHaveLength(history + 1);
    expect(h.ledger.history[history]?.state).toHaveLength(0);
    expect(JSON.parse(h.ledger.getText(packageKey(5)) ?? '{}')).toEqual(expected);

    // the correction path cannot turn a right anchor back into a wrong one
    const back = await recordPackage(h, 5, MADE_UP);
    expect(back.error).toMatch(/^HASH_MISMATCH/);
    expectNothingWritten(back);
    expect(JSON.parse(h.ledger.getText(packageKey(5)) ?? '{}')).toEqual(expected);
  });
});
