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

describe('EndorserCatchUp', () => {
  it('says no endorser was behind when all hold the own peer’s blocks (one question each)', async () => {
    const { network, asked } = fakeNetwork(40, { Hv1MSP: 40, RegulatorMSP: 41 });
    await expect(newEndorserCatchUp(network)(['Hv1MSP', 'RegulatorMSP'])).resolves.toBe(false);
    expect(asked).toEqual(['own', 'Hv1MSP', 'RegulatorMSP']);
  });

  it('waits for an endorser behind the own peer and says it was behind', async () => {
    const heights = { Hv1MSP: 40, RegulatorMSP: 37 };
    const { network } = fakeNetwork(40, heights);
    await expect(
      newEndorserCatchUp(network, { reference: ['GridCoMSP'] })(['Hv1MSP', 'RegulatorMSP']),
    ).resolves.toBe(true);
    expect(heights.RegulatorMSP).toBe(40);
  });

  it('lets the refusal stand when an endorser stays behind past the limit', async () => {
    const { network } = fakeNetwork(40, { RegulatorMSP: 30 }, true);
    await expect(newEndorserCatchUp(network, { timeoutMs: 300 })(['RegulatorMSP'])).resolves.toBe(false);
  });
});
