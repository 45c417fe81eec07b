import { common } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
import { newEndorserCatchUp } from './endorser-catch-up';

/**
 * A fake channel (unit tests only): `qscc GetChainInfo` answers each organization's peer height;
 * `own` is the height of the peer asked without naming an organization (the gateway's own).
 * Every question moves a lagging peer one block closer to `own`, unless the peers are `stuck`.
 */
function fakeNetwork(
  own: number,
  heights: Record<string, number>,
  stuck = false,
): { network: Network; asked: string[] } {
  const asked: string[] = [];
  const info = (height: number): Uint8Array => {
    const i = new common.BlockchainInfo();
    i.setHeight(height);
    return i.serializeBinary();
  };
  const network = {
    getName: () => 'master',
    getContract: () => ({
      evaluate: (_name: string, options: { endorsingOrganizations?: string[] }) => {
        const org = options.endorsingOrganizations?.[0];
        asked.push(org ?? 'own');
        if (org === undefined || org === 'GridCoMSP') return Promise.resolve(info(own));
        const h = heights[org] ?? own;
        if (h < own && !stuck) heights[org] = h + 1;
        return Promise.resolve(info(h));
      },
    }),
  } as unknown as Network;
  return { network, asked };
}

const refusal = (endorsers: string[], refusers: string[], round = 0) => ({ endorsers, refusers, round });
const noSleep = { sleep: () => Promise.resolve() };

describe('EndorserCatchUp', () => {
  it('lets a refusal stand when no endorser is behind and the own peer refused too', async () => {
    const { network, asked } = fakeNetwork(40, { Hv1MSP: 40, RegulatorMSP: 41 });
    const catchUp = newEndorserCatchUp(network, { own: 'Hv1MSP', ...noSleep });
    await expect(catchUp(refusal(['Hv1MSP', 'RegulatorMSP'], ['Hv1MSP', 'RegulatorMSP']))).resolves.toBe(
      false,
    );
    expect(asked).toEqual(['Hv1MSP', 'RegulatorMSP']);
  });

  it('waits for an endorser behind the own peer, then asks again', async () => {
    const heights = { Hv1MSP: 40, RegulatorMSP: 37 };
    const { network } = fakeNetwork(40, heights);
    const catchUp = newEndorserCatchUp(network, noSleep);
    await expect(catchUp(refusal(['Hv1MSP', 'RegulatorMSP'], ['RegulatorMSP']))).resolves.toBe(true);
    expect(heights.RegulatorMSP).toBe(40);
  });

  it('asks again after a pause when only another organization refused, though the heights agree', async () => {
    const { network } = fakeNetwork(40, { Hv1MSP: 40, RegulatorMSP: 40 });
    const pauses: number[] = [];
    const catchUp = newEndorserCatchUp(network, {
      own: 'Hv1MSP',
      sleep: (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    });
    await expect(catchUp(refusal(['Hv1MSP', 'RegulatorMSP'], ['RegulatorMSP'], 0))).resolves.toBe(true);
    await expect(catchUp(refusal(['Hv1MSP', 'RegulatorMSP'], ['RegulatorMSP'], 3))).resolves.toBe(true);
    await expect(catchUp(refusal(['Hv1MSP', 'RegulatorMSP'], ['RegulatorMSP'], 9))).resolves.toBe(true);
    expect(pauses).toEqual([250, 2000, 4000]);
  });

  it('lets the refusal stand when an endorser stays behind past the limit', async () => {
    const { network } = fakeNetwork(40, { RegulatorMSP: 30 }, true);
    const catchUp = newEndorserCatchUp(network, { timeoutMs: 300, ...noSleep });
    await expect(catchUp(refusal(['RegulatorMSP'], ['RegulatorMSP']))).resolves.toBe(false);
  });
});
