/** World-state keys of the carbon-master chaincode (composite keys; numbers zero-padded to sort). */
import type { Context } from 'fabric-contract-api';
import { padNumber } from '../shared/ledger-state';

/** Object types of the master chaincode's composite keys. */
export const MASTER_KEY = {
  anchorHead: 'anchorHead',
  anchor: 'anchor',
  anchorPackage: 'anchorPackage',
  provider: 'provider',
  providerStanding: 'providerStanding',
  providerSettlement: 'providerSettlement',
  providerCycle: 'providerCycle',
  governance: 'governance',
  governanceSubmission: 'governanceSubmission',
  governanceVote: 'governanceVote',
  governanceStats: 'governanceStats',
  governanceAccuracy: 'governanceAccuracy',
  task: 'task',
  taskStep: 'taskStep',
  taskResult: 'taskResult',
  carbonFlow: 'carbonFlow',
  busIntensity: 'busIntensity',
} as const;

/** Head (last anchored block) of a slave channel's chain. */
export function anchorHeadKey(ctx: Context, channel: string): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.anchorHead, [channel]);
}

/** The verification block that anchors slave block `blockNumber` of `channel`. */
export function anchorKey(ctx: Context, channel: string, blockNumber: number): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.anchor, [channel, padNumber(blockNumber, 16)]);
}

/** The anchored package digest of `slot` on `channel`. */
export function anchorPackageKey(ctx: Context, channel: string, slot: number): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.anchorPackage, [channel, padNumber(slot)]);
}

/** A cloud provider's record. */
export function providerKey(ctx: Context, providerId: string): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.provider, [providerId]);
}

/** A cloud provider's standing (strikes, blacklist), written only when a settlement changes it. */
export function providerStandingKey(ctx: Context, providerId: string): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.providerStanding, [providerId]);
}

/** What one task's settlement gave and took from one provider (written once, by that task). */
export function providerSettlementKey(ctx: Context, providerId: string, taskId: string): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.providerSettlement, [providerId, taskId]);
}

/** The current settlement cycle. */
export function providerCycleKey(ctx: Context): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.providerCycle, ['current']);
}
