/**
 * Steps that others co-endorse (DESIGN.md §8) run on two peers: the caller's, which has committed
 * the previous step, and the verifier's (the regulator's), which may be a block behind. A
 * NOT_FOUND from such a step is then only the verifier's lag: it is asked again for a few seconds
 * before the refusal counts. Nothing was ordered, so asking again is safe.
 */
import { isContractError } from '../sdk/client-errors';
import { abortableSleep } from '../sdk/polling';

/** Runs `step`, repeating it while it fails with NOT_FOUND, for about `budgetMs` in all. */
export async function allowingVerifierLag<T>(step: () => Promise<T>, budgetMs = 8_000): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let delayMs = 100; ; delayMs = Math.min(1_000, delayMs * 2)) {
    try {
      return await step();
    } catch (error: unknown) {
      if (!isContractError(error, 'NOT_FOUND') || Date.now() + delayMs > deadline) throw error;
      await abortableSleep(delayMs);
    }
  }
}
