/**
 * Access control and input validation of the two chaincodes on the real test network: one
 * refused call per role, and a malformed submission refused with nothing written.
 */
import { connectGateway, getChainInfo, loadTestNetwork } from './support';
import type { OrgGateway } from './support';

jest.setTimeout(300_000);

function errorText(error: unknown): string {
  const e = error as { message?: string; details?: unknown };
  return `${e.message ?? String(error)} ${JSON.stringify(e.details ?? [])}`;
}

async function refusal(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'the call was accepted',
    (e: unknown) => errorText(e),
  );
}

describe('access and validation on the test network', () => {
  const network = loadTestNetwork();
  const gw: Record<string, OrgGateway> = {};
  const slot = Math.floor(Date.now() / 1000) + 1000;
  const get = (org: string): OrgGateway => {
    const g = gw[org];
    if (g === undefined) throw new Error(`no gateway for ${org}`);
    return g;
  };

  beforeAll(async () => {
    for (const org of ['GridCo', 'Hv1', 'Hv2', 'Lv1a', 'CloudA', 'Regulator'])
      gw[org] = await connectGateway({ org, network });
  });
  afterAll(() => {
    for (const g of Object.values(gw)) g.close();
  });

  it('refuses one call per role with ACCESS_DENIED', async () => {
    const master = (org: string, contract: string) =>
      get(org).gateway.getNetwork('master').getContract('carbon-master', contract);
    const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'GridCo',
        () => master('GridCo', 'Anchor').submitTransaction('RecordBatch', 'slave-hv1', entry),
        'Anchor:RecordBatch is not allowed for GridCoMSP',
      ],
      [
        'Hv2',
        () => master('Hv2', 'Anchor').submitTransaction('RecordBatch', 'slave-hv1', entry),
        'Hv2MSP cannot anchor data of slave-hv1',
      ],
      [
        'Lv1a',
        () =>
          get('Lv1a')
            .gateway.getNetwork('slave-hv1')
            .getContract('carbon-slave', 'Measurement')
            .submitTransaction(
              'Submit',
              JSON.stringify({
                slot,
                substation: 'Lv1b',
                loads: [{ busId: 4, pMw: 1, qMvar: 0 }],
                branches: [{ fromBusId: 3, toBusId: 4, rPu: 0.01, xPu: 0.05 }],
              }),
            ),
        'Lv1aMSP cannot write data of substation Lv1b',
      ],
      [
        'CloudA',
        () => master('CloudA', 'Providers').submitTransaction('AdvanceCycle', '0'),
        'Providers:AdvanceCycle is not allowed for CloudAMSP',
      ],
      [
        'Regulator',
        () => master('Regulator', 'Providers').submitTransaction('AdvanceCycle', '0'),
        'Providers:AdvanceCycle is not allowed for RegulatorMSP',
      ],
      [
        'Hv1',
        () => master('Hv1', 'Trace').submitTransaction('Request', '{}'),
        'Trace:Request is not allowed for Hv1MSP',
      ],
    ];
    for (const [org, call, text] of cases) {
      const message = await refusal(call());
      expect(`${org}: ${message}`).toContain(`ACCESS_DENIED: ${text}`);
    }
  });

  it('refuses a malformed measurement with a CODE: message naming field, bus and value, writing nothing', async () => {
    const slaveNetwork = get('Lv1a').gateway.getNetwork('slave-hv1');
    const measurement = slaveNetwork.getContract('carbon-slave', 'Measurement');
    const before = await getChainInfo(slaveNetwork);
    const message = await refusal(
      measurement.submitTransaction(
        'Submit',
        JSON.stringify({
          slot,
          substation: 'Lv1a',
          loads: [{ busId: 3, pMw: 'two hundred', qMvar: 80 }],
          branches: [{ fromBusId: 1, toBusId: 3, rPu: 0.01938, xPu: 0.05917 }],
        }),
      ),
    );
    expect(message).toContain('INVALID_ARGUMENT: loads[0].pMw at bus 3 must be a finite number (got ');
    const after = await getChainInfo(slaveNetwork);
    expect(after.height).toBe(before.height);
    const read = await refusal(measurement.evaluateTransaction('Get', String(slot), 'Lv1a'));
    expect(read).toContain(`NOT_FOUND: measurement of Lv1a at slot ${slot} does not exist`);
  });
});
