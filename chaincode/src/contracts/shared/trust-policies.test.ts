import { common } from '@hyperledger/fabric-protos';
import { encodeEndorsementRule, fewestOrganizations, isSatisfiedBy, policyText } from './key-endorsement';
import { TEST_NETWORK_ORGS } from './network-orgs';
import {
  chaincodePolicy,
  gridCompanyRecordPolicy,
  hvRecordPolicy,
  lvOwnedPolicy,
  sharedMasterPolicy,
  unanimousPolicy,
} from './trust-policies';

const orgs = TEST_NETWORK_ORGS;
const MASTER_PEERS = ['GridCoMSP', 'Hv1MSP', 'Hv2MSP', 'RegulatorMSP'];

describe('trust policies (docs/security.md)', () => {
  const table = [
    ['chaincode carbon-master', chaincodePolicy(MASTER_PEERS)],
    ['chaincode carbon-slave (slave-hv1)', chaincodePolicy(['Hv1MSP', 'Lv1aMSP', 'Lv1bMSP', 'RegulatorMSP'])],
    ['LV measurement / topology', lvOwnedPolicy(orgs, 'slave-hv1', 'Lv1aMSP')],
    ['HV record (package, anchor, condition a/b, accepted)', hvRecordPolicy(orgs, 'Hv1MSP')],
    ['GridCo record (task, carbon flow, cycle)', gridCompanyRecordPolicy(orgs)],
    ['shared (providers, governance)', sharedMasterPolicy(orgs)],
    ['network record (master)', unanimousPolicy(MASTER_PEERS)],
  ] as const;

  it.each(table)('%s is never satisfied by one organization', (_name, rule) => {
    expect(fewestOrganizations(rule)).toBeGreaterThanOrEqual(2);
    for (const single of [...MASTER_PEERS, 'Lv1aMSP', 'Lv1bMSP'])
      expect(isSatisfiedBy(rule, [single])).toBe(false);
  });

  it('an LV record needs its owner plus the HV or the regulator; a neighbour LV never counts', () => {
    const rule = lvOwnedPolicy(orgs, 'slave-hv1', 'Lv1aMSP');
    expect(policyText(rule)).toBe("AND('Lv1aMSP.peer', OR('Hv1MSP.peer', 'RegulatorMSP.peer'))");
    expect(isSatisfiedBy(rule, ['Lv1aMSP', 'Hv1MSP'])).toBe(true);
    expect(isSatisfiedBy(rule, ['Lv1aMSP', 'RegulatorMSP'])).toBe(true);
    expect(isSatisfiedBy(rule, ['Lv1aMSP', 'Lv1bMSP'])).toBe(false);
    expect(isSatisfiedBy(rule, ['Hv1MSP', 'RegulatorMSP'])).toBe(false);
  });

  it('shared records need the regulator plus anyone else, never GridCo and an HV without it', () => {
    const rule = sharedMasterPolicy(orgs);
    expect(isSatisfiedBy(rule, ['GridCoMSP', 'Hv1MSP'])).toBe(false);
    expect(isSatisfiedBy(rule, ['Hv2MSP', 'RegulatorMSP'])).toBe(true);
    expect(fewestOrganizations(chaincodePolicy(MASTER_PEERS))).toBe(2);
    expect(fewestOrganizations(unanimousPolicy(MASTER_PEERS))).toBe(4);
  });

  it("encodes Fabric's SignaturePolicyEnvelope: principals once each, nested n-out-of rules", () => {
    const bytes = encodeEndorsementRule(lvOwnedPolicy(orgs, 'slave-hv1', 'Lv1aMSP'));
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
    expect(envelope.getIdentitiesList()).toHaveLength(3);
    const root = envelope.getRule()?.getNOutOf();
    expect(root?.getN()).toBe(2);
    expect(root?.getRulesList()[0]?.getSignedBy()).toBe(0);
    expect(root?.getRulesList()[1]?.getNOutOf()?.getN()).toBe(1);
    expect(
      root
        ?.getRulesList()[1]
        ?.getNOutOf()
        ?.getRulesList()
        .map((r) => r.getSignedBy()),
    ).toEqual([1, 2]);
  });
});
