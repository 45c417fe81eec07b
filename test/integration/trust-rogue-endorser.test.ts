/**
 * Rogue endorsers on the real network (DESIGN.md §8, docs/security.md): an organization replaces
 * its own chaincode server by one with every check switched off (support/rogue-chaincode) and
 * endorses, alone, a forged write for each record class: another substation's measurement, a
 * sealed package, an anchor, a package digest, provider strikes and the blacklist, governance
 * state, a trace task, an accepted result, a carbon flow, the network record, a key-level policy.
 * Each must commit as ENDORSEMENT_POLICY_FAILURE and leave the ledger unchanged; a rogue endorser
 * paired with an honest one gets no matching endorsement at all.
 */
import type { Contract, ProposalOptions, SubmittedTransaction } from '@hyperledger/fabric-gateway';
import { connectGateway, getOrg, loadTestNetwork } from './support';
import type { OrgGateway } from './support';
import { restoreHonestServers, startRogueServer } from './support/rogue-server';

/**
 * The attacker's submit, sent again when too few orderers took it (`UNAVAILABLE` from the
 * gateway's broadcast under BFT: a transient failure of ordering, not a refusal of the write).
 * A copy that was ordered after all is invalidated like the other, so sending again is harmless.
 */
async function submitForged(
  rogue: Contract,
  fn: string,
  options: ProposalOptions,
): Promise<SubmittedTransaction> {
  const UNAVAILABLE = 14;
  for (let attempt = 1; ; attempt++) {
    try {
      return await rogue.submitAsync(fn, options);
    } catch (error: unknown) {
      // a SubmitError (exported as a type only): the broadcast step, with the gRPC status code
      const e = error as { name?: unknown; code?: unknown; message?: unknown };
      if (attempt >= 5 || e.name !== 'SubmitError' || e.code !== UNAVAILABLE) throw error;
      console.warn(`${fn}: attempt ${attempt}: ${String(e.message)}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

jest.setTimeout(600_000);

const utf8 = new TextDecoder();
/** A composite key as the shim builds it. */
const ck = (type: string, ...attrs: string[]): string =>
  `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
const pad = (n: number, width = 12): string => String(n).padStart(width, '0');

/** One forged write. */
interface Forgery {
  readonly recordClass: string;
  readonly org: 'GridCo' | 'Hv1' | 'Lv1a';
  readonly channel: string;
  readonly chaincode: string;
  readonly fn: 'PutState' | 'PutPrivate' | 'SetPolicy';
  readonly args: readonly string[];
  /** The key whose committed value must not change (public keys). */
  readonly key?: string;
}

/**
 * The forged value (a scaled-down intensity, strikes wiped, a rival blacklisted). Its field names are
 * not the engine's: invalidated transactions stay in the blocks, and the provider's-eyes test looks
 * for the engine's parameter names in every master block.
 */
const FORGED = JSON.stringify({
  forged: true,
  strikes: 0,
  blacklistedUntilCycle: 99,
  forgedIntensity: 0.0431,
});
/** A key-level policy naming Hv1's peer alone (base64 SignaturePolicyEnvelope, built by the chaincode helper). */
const slot = 990_000 + (Math.floor(Date.now() / 1000) % 9_000);

const FORGERIES: readonly Forgery[] = [
  // slave channel: an LV substation writing another's data, the HV's package
  {
    recordClass: 'measurement',
    org: 'Lv1a',
    channel: 'slave-hv1',
    chaincode: 'carbon-slave',
    fn: 'PutState',
    args: [ck('measurement', pad(slot), 'Lv1b'), FORGED],
  },
  {
    recordClass: 'measurement',
    org: 'Lv1a',
    channel: 'slave-hv1',
    chaincode: 'carbon-slave',
    fn: 'PutState',
    args: [ck('measurement', pad(slot), 'Lv1a'), FORGED],
  },
  {
    recordClass: 'topology',
    org: 'Lv1a',
    channel: 'slave-hv1',
    chaincode: 'carbon-slave',
    fn: 'PutState',
    args: [ck('topology', 'forged-topology'), FORGED],
  },
  {
    recordClass: 'slot-package',
    org: 'Lv1a',
    channel: 'slave-hv1',
    chaincode: 'carbon-slave',
    fn: 'PutState',
    args: [ck('slotPackage', pad(slot)), FORGED],
  },
  {
    recordClass: 'network',
    org: 'Lv1a',
    channel: 'slave-hv1',
    chaincode: 'carbon-slave',
    fn: 'PutState',
    args: ['networkOrgs', FORGED],
  },
  // master: the HV's records
  {
    recordClass: 'anchor',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('anchorHead', 'slave-hv1'), FORGED],
  },
  {
    recordClass: 'anchor',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('anchor', 'slave-hv1', pad(999_999, 16)), FORGED],
  },
  {
    recordClass: 'package-anchor',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('anchorPackage', 'slave-hv1', pad(slot)), FORGED],
  },
  {
    recordClass: 'trace-region-record',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('traceAccepted', `forged-${slot}`), FORGED],
  },
  {
    recordClass: 'trace-region-record',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutPrivate',
    args: ['region-hv1', ck('traceAccepted', `forged-${slot}`), FORGED],
  },
  {
    recordClass: 'trace-region-record',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('traceArbitration', `forged-${slot}`), FORGED],
  },
  {
    recordClass: 'provider',
    org: 'Hv1',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('provider', 'CloudA'), FORGED],
  },
  // master: GridCo's records and the shared ones it would benefit from changing
  {
    recordClass: 'provider',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('provider', 'CloudB'), FORGED],
  },
  {
    recordClass: 'provider-cycle',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('providerCycle', 'current'), '{"cycle":99}'],
  },
  {
    recordClass: 'governance',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('governance', 'current'), FORGED],
  },
  {
    recordClass: 'governance',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('governanceStats', 'Hv1'), FORGED],
  },
  {
    recordClass: 'trace-task',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('traceTask', `forged-${slot}`), FORGED],
  },
  {
    recordClass: 'trace-carbon-flow',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('traceCarbonFlow', `forged-${slot}`), FORGED],
  },
  {
    recordClass: 'trace-carbon-flow',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutPrivate',
    args: ['region-hv1', ck('traceCarbonFlow', `forged-${slot}`), FORGED],
  },
  {
    recordClass: 'trace-carbon-flow',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: [ck('traceSlotCurrent', 'slave-hv1', pad(slot)), FORGED],
  },
  {
    recordClass: 'network',
    org: 'GridCo',
    channel: 'master',
    chaincode: 'carbon-master',
    fn: 'PutState',
    args: ['networkOrgs', FORGED],
  },
];

describe('rogue endorsers: one organization alone cannot write any record', () => {
  const network = loadTestNetwork();
  const gw: Record<string, OrgGateway> = {};
  const contract = (org: string, channel: string, chaincode: string, name: string): Contract => {
    const g = gw[org];
    if (g === undefined) throw new Error(`no gateway for ${org}`);
    return g.gateway.getNetwork(channel).getContract(chaincode, name);
  };
  const refusedByClass = new Map<string, number>();

  beforeAll(async () => {
    for (const org of ['GridCo', 'Hv1', 'Lv1a', 'Regulator'])
      gw[org] = await connectGateway({ org, network });
    await startRogueServer(network, getOrg('GridCo', network), 'carbon-master');
    await startRogueServer(network, getOrg('Hv1', network), 'carbon-master');
    await startRogueServer(network, getOrg('Lv1a', network), 'carbon-slave');
  });

  afterAll(() => {
    for (const g of Object.values(gw)) g.close();
    restoreHonestServers();
    console.log(
      `forged writes refused per record class: ${JSON.stringify(Object.fromEntries(refusedByClass))}`,
    );
  });

  it.each(FORGERIES.map((f, i) => [`${f.recordClass} by ${f.org} (${f.fn} #${i})`, f] as const))(
    'defect: rogue endorser — %s is invalidated at commit and changes nothing',
    async (_label, f) => {
      const rogue = contract(f.org, f.channel, f.chaincode, 'Rogue');
      const key = f.fn === 'PutPrivate' ? undefined : f.args[0];
      const before = key === undefined ? '' : utf8.decode(await rogue.evaluateTransaction('GetRaw', key));
      // the attacker's own peer endorses (its chaincode happily forges the write set)
      const submitted = await submitForged(rogue, f.fn, {
        arguments: [...f.args],
        endorsingOrganizations: [getOrg(f.org, network).mspId],
      });
      expect(utf8.decode(submitted.getResult())).toBe('forged');
      const status = await submitted.getStatus();
      expect(status.successful).toBe(false);
      expect(status.code).toBe(10); // ENDORSEMENT_POLICY_FAILURE
      if (key !== undefined) {
        const after = utf8.decode(await rogue.evaluateTransaction('GetRaw', key));
        expect(after).toBe(before);
        expect(after).not.toContain('"forged"');
      }
      refusedByClass.set(f.recordClass, (refusedByClass.get(f.recordClass) ?? 0) + 1);
    },
  );

  it('an attacker cannot loosen a key-level policy alone', async () => {
    // Hv1's anchor head is pinned to Hv1 + regulator; Hv1 tries to make it Hv1-only
    const rogue = contract('Hv1', 'master', 'carbon-master', 'Rogue');
    const key = ck('anchorHead', 'slave-hv1');
    // any bytes: the policy change itself is validated against the key's current policy
    const submitted = await submitForged(rogue, 'SetPolicy', {
      arguments: [key, Buffer.from('forged-policy').toString('base64')],
      endorsingOrganizations: ['Hv1MSP'],
    });
    const status = await submitted.getStatus();
    expect(status.successful).toBe(false);
    refusedByClass.set('key-level policy', (refusedByClass.get('key-level policy') ?? 0) + 1);
  });

  it('a rogue endorser paired with an honest one gets no matching endorsement', async () => {
    const rogue = contract('GridCo', 'master', 'carbon-master', 'Rogue');
    await expect(
      rogue.submit('PutState', {
        arguments: [ck('provider', 'CloudB'), FORGED],
        endorsingOrganizations: ['GridCoMSP', 'RegulatorMSP'],
      }),
    ).rejects.toThrow();
    // and the honest regulator still reads CloudB's real record
    const record = JSON.parse(
      utf8.decode(
        await contract('Regulator', 'master', 'carbon-master', 'Providers').evaluateTransaction('List'),
      ),
    ) as { id: string; blacklistedUntilCycle: number | null }[];
    expect(record.find((p) => p.id === 'CloudB')?.blacklistedUntilCycle ?? null).not.toBe(99);
  });
});
