/**
 * Issue 12 #13 on the provider registry: condition a of one task (the provider pool) and the
 * settlement of another task run concurrently in a day (two HV regions), and must not conflict.
 * Each transaction is simulated on the same committed state with a stub that records its reads;
 * two transactions can MVCC- or phantom-conflict only when one writes a key inside the other's
 * reads.
 */
import { startArbitration } from '../../outsourcing/arbitration';
import type { ArbitrationState, FeeTransfer } from '../../outsourcing/arbitration';
import { ContractHarness } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import { compositeKey, transactionOn } from '../testing/read-recording-stub';
import { contracts } from './index';
import { providerPoolOf } from './provider-ledger';
import { settleProviders } from './provider-settlement';

const harness = (): ContractHarness => new ContractHarness(contracts, 'master');

/** An ended arbitration of `taskId`: I and II assigned, with the given transfers and strikes. */
function ended(
  taskId: string,
  transfers: readonly FeeTransfer[],
  strikesThisTask: Record<string, number>,
  standing: Record<string, { strikes: number; blacklistedUntil: number | null }>,
): ArbitrationState {
  const start = startArbitration({
    taskId,
    cycle: 0,
    pool: { order: ['CloudA', 'CloudB', 'CloudC'], standing },
    fees: { providerFee: 1, dataCenterCost: 5 },
  });
  return {
    ...start,
    stage: 'END',
    assignment: { I: 'CloudA', II: 'CloudB', III: null },
    transfers,
    strikesThisTask,
  };
}

const CLEAN = { strikes: 0, blacklistedUntil: null };

async function registered(): Promise<ContractHarness> {
  const h = harness();
  await h.submit('Providers', 'Register', ORGS.cloudA, ['{"feePerTask":1}']);
  await h.submit('Providers', 'Register', ORGS.cloudB, ['{"feePerTask":2}']);
  await h.submit('Providers', 'Register', ORGS.cloudC, ['{"feePerTask":3}']);
  return h;
}

describe('provider registry under concurrency', () => {
  it('defect: concurrency hot spots (condition a and an honest settlement of another task touch no common key)', async () => {
    const h = await registered();
    const t = h.nowSeconds + 1;
    // region 2's condition a builds its pool while region 1's task settles (both honest)
    const pool = transactionOn(h, 'condition-a-tx', t, 'Hv2MSP');
    const { pool: built } = await providerPoolOf(pool.ctx, []);
    expect(built.order).toEqual(['CloudA', 'CloudB', 'CloudC']);
    const settle = transactionOn(h, 'settle-tx', t, 'Hv1MSP');
    await settleProviders(
      settle.ctx,
      ended(
        'task-1',
        [
          { from: 'GridCo', to: 'CloudA', amount: 1, reason: 'fee' },
          { from: 'GridCo', to: 'CloudB', amount: 1, reason: 'fee' },
        ],
        {},
        { CloudA: CLEAN, CloudB: CLEAN, CloudC: CLEAN },
      ),
    );
    const written = settle.stub.keysWritten();
    expect(written.sort()).toEqual([
      compositeKey('providerSettlement', ['CloudA', 'task-1']),
      compositeKey('providerSettlement', ['CloudB', 'task-1']),
    ]);
    // before the split, settlement rewrote provider~CloudA and provider~CloudB, which condition a
    // reads as a range: a phantom-read conflict on every concurrent condition a
    for (const key of written) expect(pool.stub.reads(key)).toBe(false);
    for (const key of pool.stub.keysWritten()) expect(settle.stub.reads(key)).toBe(false);
    // two honest settlements of different tasks write disjoint keys
    const other = transactionOn(h, 'settle-2-tx', t, 'Hv2MSP');
    await settleProviders(
      other.ctx,
      ended(
        'task-2',
        [{ from: 'GridCo', to: 'CloudA', amount: 1, reason: 'fee' }],
        {},
        { CloudA: CLEAN, CloudB: CLEAN },
      ),
    );
    for (const key of other.stub.keysWritten()) {
      expect(settle.stub.reads(key)).toBe(false);
      expect(written).not.toContain(key);
    }
    settle.stub.commit();
    other.stub.commit();
    // the totals are the sum of the settlements
    const a = (await h.evaluate('Providers', 'Get', ORGS.regulator, ['CloudA'])) as Record<string, unknown>;
    expect(a).toMatchObject({ earned: 2, correctResults: 2, strikes: 0, wrongResults: 0, feePerTask: 1 });
  });

  it('a strike changes the standing that condition a reads (a real dependency), and the blacklist holds', async () => {
    const h = await registered();
    const t = h.nowSeconds + 1;
    // CloudB's first wrong result, in an earlier task
    const first = transactionOn(h, 'first-strike-tx', t, 'Hv1MSP');
    await settleProviders(
      first.ctx,
      ended('task-first', [], { CloudB: 1 }, { CloudA: CLEAN, CloudB: CLEAN }),
    );
    first.stub.commit();
    const settle = transactionOn(h, 'strike-tx', t, 'Hv1MSP');
    await settleProviders(
      settle.ctx,
      ended(
        'task-cheat',
        [{ from: 'CloudB', to: 'GridCo', amount: 5, reason: 'penalty' }],
        { CloudB: 1 },
        { CloudA: CLEAN, CloudB: { strikes: 1, blacklistedUntil: null } },
      ),
    );
    expect(settle.stub.keysWritten()).toContain(compositeKey('providerStanding', ['CloudB']));
    const pool = transactionOn(h, 'condition-a-tx', t, 'Hv2MSP');
    await providerPoolOf(pool.ctx, []);
    expect(pool.stub.reads(compositeKey('providerStanding', ['CloudB']))).toBe(true);
    settle.stub.commit();
    const b = (await h.evaluate('Providers', 'Get', ORGS.regulator, ['CloudB'])) as Record<string, unknown>;
    expect(b).toMatchObject({
      blacklisted: true,
      blacklistedUntilCycle: 3,
      blacklistings: 1,
      penaltiesPaid: 5,
      wrongResults: 2,
    });
    const next = transactionOn(h, 'condition-a-2-tx', t + 1, 'Hv2MSP');
    expect((await providerPoolOf(next.ctx, [])).pool.order).toEqual(['CloudA', 'CloudC']);
  });

  it('defect: a task that started before another task struck a provider neither undoes nor swallows that strike', async () => {
    const h = await registered();
    const t = h.nowSeconds + 1;
    const onC = (state: ArbitrationState): ArbitrationState => ({
      ...state,
      assignment: { I: 'CloudC', II: null, III: null },
    });
    // tasks 1 and 2 (two regions) both took their pool while CloudC was clean; task 1 strikes it
    const strike = transactionOn(h, 'strike-1-tx', t, 'Hv1MSP');
    await settleProviders(strike.ctx, onC(ended('task-1', [], { CloudC: 1 }, { CloudC: CLEAN })));
    strike.stub.commit();
    // task 2 settles CloudC honestly: before the fix it wrote its snapshot (strikes 0) back
    const honest = transactionOn(h, 'honest-2-tx', t, 'Hv2MSP');
    const paid = ended(
      'task-2',
      [{ from: 'GridCo', to: 'CloudC', amount: 3, reason: 'fee' }],
      {},
      { CloudC: CLEAN },
    );
    await settleProviders(honest.ctx, onC(paid));
    expect(honest.stub.keysWritten()).not.toContain(compositeKey('providerStanding', ['CloudC']));
    expect(honest.stub.reads(compositeKey('providerStanding', ['CloudC']))).toBe(false);
    honest.stub.commit();
    let c = (await h.evaluate('Providers', 'Get', ORGS.regulator, ['CloudC'])) as Record<string, unknown>;
    expect(c).toMatchObject({ strikes: 1, blacklisted: false, wrongResults: 1, correctResults: 1 });
    // task 3, also from the clean snapshot, strikes CloudC too: before the fix its snapshot's
    // "strikes 1" equalled the stored value and the second strike was lost
    const second = transactionOn(h, 'strike-3-tx', t, 'Hv2MSP');
    await settleProviders(second.ctx, onC(ended('task-3', [], { CloudC: 1 }, { CloudC: CLEAN })));
    expect(second.stub.reads(compositeKey('providerStanding', ['CloudC']))).toBe(true);
    second.stub.commit();
    c = (await h.evaluate('Providers', 'Get', ORGS.regulator, ['CloudC'])) as Record<string, unknown>;
    expect(c).toMatchObject({
      strikes: 0,
      blacklisted: true,
      blacklistedUntilCycle: 3,
      blacklistings: 1,
      wrongResults: 2,
    });
  });

  it('reads a record written before the split (standing and totals in the registration) as its starting values', async () => {
    const h = await registered();
    const key = compositeKey('provider', ['CloudC']);
    const legacy = {
      id: 'CloudC',
      mspId: 'CloudCMSP',
      feePerTask: 3,
      strikes: 1,
      wrongResults: 1,
      correctResults: 4,
      blacklistedUntilCycle: null,
      blacklistings: 0,
      earned: 12,
      penaltiesPaid: 2,
    };
    h.ledger.seed(key, new TextEncoder().encode(JSON.stringify(legacy)));
    const settle = transactionOn(h, 'settle-legacy-tx', h.nowSeconds + 1, 'Hv1MSP');
    const state = ended(
      'task-3',
      [{ from: 'GridCo', to: 'CloudC', amount: 3, reason: 'fee' }],
      {},
      { CloudC: { strikes: 1, blacklistedUntil: null } },
    );
    await settleProviders(settle.ctx, { ...state, assignment: { I: 'CloudC', II: null, III: null } });
    settle.stub.commit();
    const c = (await h.evaluate('Providers', 'Get', ORGS.regulator, ['CloudC'])) as Record<string, unknown>;
    expect(c).toMatchObject({ strikes: 1, earned: 15, correctResults: 5, wrongResults: 1, penaltiesPaid: 2 });
  });
});
