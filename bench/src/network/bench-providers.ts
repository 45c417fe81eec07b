/**
 * Honest providers that answer only the bench's own tasks (a shared network may have other
 * workers running for other tasks; ours must not answer theirs): poll what each owes for `taskId`,
 * compute on the masked task with the engine's worker library, submit.
 */
import { computeMaskedResult, parseMaskedTask, serializeMaskedResult } from '@carbontrace/chaincode';
import { isContractError, type CloudProviderClient } from '@carbontrace/gateway-client';

/** Answers what `clouds` owe for `taskId` every `pollMs` until `done()`. Never throws. */
export async function answerOwnTask(
  clouds: readonly CloudProviderClient[],
  taskId: string,
  pollMs: number,
  done: () => boolean,
): Promise<void> {
  const answered = new Set<string>();
  while (!done()) {
    for (const cloud of clouds) {
      let owed: Awaited<ReturnType<CloudProviderClient['owed']>> = [];
      try {
        owed = await cloud.owed(taskId);
      } catch {
        owed = [];
      }
      for (const o of owed) {
        const key = `${cloud.providerId}/${o.role}/${o.kind}`;
        if (answered.has(key)) continue;
        try {
          const record = await cloud.maskedTask(taskId, o.role);
          const result = serializeMaskedResult(computeMaskedResult(parseMaskedTask(record.taskJson)));
          await cloud.submitResult(taskId, o.role, result);
          answered.add(key);
        } catch (error) {
          if (isContractError(error, 'ALREADY_EXISTS')) answered.add(key);
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
