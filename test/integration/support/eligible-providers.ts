/**
 * Makes every cloud provider eligible again before a test runs the main job: earlier test files
 * on the same network may have blacklisted the cheating provider (for three cycles), so GridCo
 * closes settlement cycles until none is blacklisted, as a new day would.
 */
import { openGridCompany, openRegulator } from '../../../gateway-client/src/clients/open-clients';

/** Advances at most `maxCycles` settlement cycles until no provider is blacklisted. */
export async function makeProvidersEligible(maxCycles = 4): Promise<void> {
  const gridCo = await openGridCompany({ org: 'GridCo' });
  const regulator = await openRegulator({ org: 'Regulator' });
  try {
    for (let i = 0; i < maxCycles && (await regulator.client.providers()).some((p) => p.blacklisted); i++) {
      await gridCo.client.advanceCycle();
    }
  } finally {
    gridCo.close();
    regulator.close();
  }
}
