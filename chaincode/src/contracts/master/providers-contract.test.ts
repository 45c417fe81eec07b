import { ContractHarness } from '../testing/contract-harness';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { contracts } from './index';
import { assignProviders, isBlacklisted, newProvider, strikeProvider } from './provider-record';

const harness = (): ContractHarness => new ContractHarness(contracts, 'master');

describe('provider rules (MATH.md F.3)', () => {
  it('two strikes blacklist for the offending cycle and the next three, then the counter resets', () => {
    let p = newProvider('CloudB', 'CloudBMSP', 2);
    p = strikeProvider(p, 4);
    expect([p.strikes, p.blacklistedUntilCycle]).toEqual([1, null]);
    p = strikeProvider(p, 5);
    expect([p.strikes, p.blacklistedUntilCycle, p.wrongResults]).toEqual([0, 8, 2]);
    expect([5, 6, 7, 8, 9].map((c) => isBlacklisted(p, c))).toEqual([true, true, true, true, false]);
  });

  it('assigns the cheapest eligible providers, or the requested ones, never a blacklisted one', () => {
    const a = newProvider('A', 'AMSP', 3);
    const b = { ...newProvider('B', 'BMSP', 1), blacklistedUntilCycle: 2 };
    const c = newProvider('C', 'CMSP', 2);
    expect(assignProviders([a, b, c], 1, 2).map((p) => p.id)).toEqual(['C', 'A']);
    expect(assignProviders([a, b, c], 3, 2).map((p) => p.id)).toEqual(['B', 'C']);
    expect(() => assignProviders([a, b, c], 1, 2, ['A', 'B'])).toThrow(/blacklisted until cycle 2/);
    expect(() => assignProviders([a, c], 1, 3)).toThrow(/only 2 eligible providers/);
  });
});

describe('Providers contract', () => {
  it('lets a cloud organization register itself once and change its own fee only', async () => {
    const h = harness();
    const reg = await h.invoke('Providers', 'Register', ORGS.cloudA, ['{"feePerTask":1.5}']);
    expect(reg.error).toBeUndefined();
    expect(reg.event?.name).toBe('ProviderRegistered');
    expect((await h.invoke('Providers', 'Register', ORGS.cloudA, ['{"feePerTask":1}'])).error).toMatch(
      /^ALREADY_EXISTS/,
    );
    expect((await h.invoke('Providers', 'Register', ORGS.cloudB, ['{"feePerTask":-1}'])).error).toMatch(
      /^INVALID_ARGUMENT: feePerTask must be within \[0, 1000000000\] \(got -1\)/,
    );
    await h.submit('Providers', 'SetFee', ORGS.cloudA, ['2']);
    const got = (await h.evaluate('Providers', 'Get', ORGS.regulator, ['CloudA'])) as {
      feePerTask: number;
      blacklisted: boolean;
    };
    expect(got).toMatchObject({ feePerTask: 2, blacklisted: false });
    expect((await h.invoke('Providers', 'SetFee', ORGS.cloudB, ['1'])).error).toMatch(
      /^NOT_FOUND: provider CloudB/,
    );
  });

  it('refuses writes by other roles; GridCo advances the cycle', async () => {
    const h = harness();
    for (const who of [ORGS.gridco, ORGS.hv1, ORGS.lv1a, ORGS.regulator]) {
      expect((await h.invoke('Providers', 'Register', who, ['{"feePerTask":1}'])).error).toMatch(
        /^ACCESS_DENIED/,
      );
    }
    expect((await h.invoke('Providers', 'AdvanceCycle', ORGS.cloudA, ['0'])).error).toMatch(/^ACCESS_DENIED/);
    expect(await h.submit('Providers', 'AdvanceCycle', ORGS.gridco, ['0'])).toEqual({ cycle: 1 });
    expect(await h.evaluate('Providers', 'GetCycle', ORGS.cloudA, [])).toEqual({ cycle: 1 });
    expect(await h.evaluate('Providers', 'GetBlacklist', ORGS.regulator, [])).toEqual({
      cycle: 1,
      providers: [],
    });
  });

  it('is deterministic', async () => {
    const [a, b] = await runTwice(harness, () => Promise.resolve(), {
      contract: 'Providers',
      fn: 'Register',
      identity: ORGS.cloudC,
      args: ['{"feePerTask":3}'],
    });
    expect(a).toBe(b);
  });
});
