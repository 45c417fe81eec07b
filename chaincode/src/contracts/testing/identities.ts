/** The test-network organizations (DESIGN.md §2) as fake identities for unit tests. */
import type { FakeIdentity } from './contract-harness';

/** One identity per organization of the default topology. */
export const ORGS = {
  gridco: { mspId: 'GridCoMSP' },
  hv1: { mspId: 'Hv1MSP' },
  hv2: { mspId: 'Hv2MSP' },
  lv1a: { mspId: 'Lv1aMSP' },
  lv1b: { mspId: 'Lv1bMSP' },
  lv2a: { mspId: 'Lv2aMSP' },
  cloudA: { mspId: 'CloudAMSP' },
  cloudB: { mspId: 'CloudBMSP' },
  cloudC: { mspId: 'CloudCMSP' },
  regulator: { mspId: 'RegulatorMSP' },
  stranger: { mspId: 'StrangerMSP' },
} as const satisfies Record<string, FakeIdentity>;
