/** World-state keys of the carbon-slave chaincode (composite keys; numbers zero-padded to sort). */
import type { Context } from 'fabric-contract-api';
import { padNumber } from '../shared/ledger-state';

/** Object types of the slave chaincode's composite keys. */
export const SLAVE_KEY = {
  measurement: 'measurement',
  topology: 'topology',
  slotPackage: 'slotPackage',
  consensusState: 'consensusState',
  consensusRound: 'consensusRound',
  busOwner: 'busOwner',
  channelBase: 'channelBase',
} as const;

/** Key of the measurement of `substation` at `slot` (its current version; earlier ones in the key's history). */
export function measurementKey(ctx: Context, slot: number, substation: string): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.measurement, [padNumber(slot), substation]);
}

/** Key of a registered topology. */
export function topologyKey(ctx: Context, id: string): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.topology, [id]);
}

/** Key of a slot's sealed package. */
export function slotPackageKey(ctx: Context, slot: number): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.slotPackage, [padNumber(slot)]);
}

/** Key of the channel's improved-PBFT state. */
export function consensusStateKey(ctx: Context): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.consensusState, ['current']);
}

/** Key of a round recorded by `Consensus:RecordRound` (kept so a retried call returns it). */
export function consensusRoundKey(ctx: Context, round: number): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.consensusRound, [padNumber(round)]);
}

/** Key of the owner (LV substation) of a bus of `grid`, written when a topology registers it. */
export function busOwnerKey(ctx: Context, grid: string, busId: number): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.busOwner, [grid, padNumber(busId, 8)]);
}

/** Key of a grid's base values (baseMva), set by its first registered topology. */
export function channelBaseKey(ctx: Context, grid: string): string {
  return ctx.stub.createCompositeKey(SLAVE_KEY.channelBase, [grid]);
}
