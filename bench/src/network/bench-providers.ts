/**
 * Honest providers that answer only the bench's own tasks (a shared network may have other
 * workers running for other tasks; ours must not answer theirs): poll what each owes for `taskId`,
 * compute on the masked task with the engine's worker library, submit.
 */
import { computeMaskedResult, parseMaskedTask, serializeMaskedResult } from '@carbontrace/chaincode';
import { isContractError, type CloudProviderClient } from '@carbontrace/gateway-client';

/**
 * Answers what `clouds` owe for `taskId`, each provider polling every `pollMs` on its own (as
 * separate workers would: the two answers of a round are computed and committed side by side)
 * until `done()`. Never throws.
 */
export async function answerOwnTask(
  clouds: readonly CloudProviderClient[],
  taskId: string,
  pollMs: number,
  done: () => boolean,
): Promise<void> {
  await Promise.all(clouds.map((cloud) => answerAsProvider(cloud, taskId, pollMs, done)));
}

async function answerAsProvider(
  cloud: CloudProviderClient,
  taskId: string,
  pollMs: number,
  done: () => boolean,
): Promise<void> {
  const answered = new Set<string>();
  while (!done()) {
    let owed: Awaited<ReturnType<CloudProviderClient['owed']>> = [];
    try {
      owed = await cloud.owed(taskId);
    } catch {
      owed = [];
    }
    await Promise.all(
      owed.map(async (o) => {
        const key = `${o.role}/${o.kind}`;
        if (answered.has(key)) return;
        try {
          const record = await cloud.maskedTask(taskId, o.role);
          const result = serializeMaskedResult(computeMaskedResult(parseMaskedTask(record.taskJson)));
          await cloud.submitResult(taskId, o.role, result);
          answered.add(key);
        } catch (error) {
          if (isContractError(error, 'ALREADY_EXISTS')) answered.add(key);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
