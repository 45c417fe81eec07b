/**
 * What a cloud provider computes on a masked task: the engine's worker library
 * (`runProvider`), honestly, or — for the main job's cheating provider — corrupted now and then.
 * Whether a task is cheated on is decided by a seeded draw over the provider id and task id, so a
 * restarted worker makes the same choice again (and the run is reproducible).
 */
import { parseMaskedTask, runProvider, SeededRandom, serializeMaskedResult } from '@carbontrace/chaincode';
import type { MaskedComputation, OwedWork } from './cloud-worker';

/** How a provider behaves. */
export type ProviderConduct =
  | { readonly kind: 'honest' }
  /** Corrupts one entry of its answer (the engine's `corrupt` behaviour) on a fraction of tasks. */
  | { readonly kind: 'cheats-sometimes'; readonly rate: number; readonly seed: string };

/** Options of {@link newProviderComputation}. */
export interface ProviderComputationOptions {
  /** Provider id (part of the cheating draw). */
  readonly providerId: string;
  /** Its conduct. */
  readonly conduct: ProviderConduct;
  /** Called with each task's decision (for the report). */
  readonly onDecision?: (work: OwedWork, cheated: boolean) => void;
}

/** True when a cheating provider cheats on `taskId` (same answer for every round of a task). */
export function cheatsOn(conduct: ProviderConduct, providerId: string, taskId: string): boolean {
  if (conduct.kind === 'honest') return false;
  return new SeededRandom(conduct.seed, `cheat:${providerId}:${taskId}`).nextFloat() < conduct.rate;
}

/** The provider's computation: masked task JSON in, masked result JSON out. */
export function newProviderComputation(options: Readonly<ProviderComputationOptions>): MaskedComputation {
  return (maskedTaskJson: string, work: OwedWork): string => {
    const task = parseMaskedTask(maskedTaskJson);
    const cheated = cheatsOn(options.conduct, options.providerId, work.taskId);
    options.onDecision?.(work, cheated);
    return serializeMaskedResult(runProvider(cheated ? 'corrupt' : 'honest', task));
  };
}
