/**
 * Who may call what: the caller's role is derived from its MSP id by the project's naming
 * convention (DESIGN.md §2): `GridCoMSP`, `Hv<id>MSP`, `Lv<id>MSP`, `Cloud<id>MSP`, `RegulatorMSP`.
 * A utility that names its organizations differently keeps the prefixes (`Hv…`, `Lv…`, `Cloud…`).
 *
 * HV organizations own slave channels by one exact, injective rule (used by every contract and,
 * in the same form, by gateway-client's `network-names.ts` and the topology generator): the HV id
 * is `Hv` followed by lower-case letters and digits, and its channel is `slave-` followed by the
 * id in lower case (`Hv1` ↔ `slave-hv1`, `Hvnorth` ↔ `slave-hvnorth`). An MSP id such as
 * `HvNorthMSP`, which would lower-case onto the same channel as `HvnorthMSP`, has no HV role.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';

/** The five roles of DESIGN.md §2. */
export type Role = 'gridco' | 'hv' | 'lv' | 'cloud' | 'regulator';

/** The caller as the contracts see it. */
export interface Caller {
  /** MSP id, e.g. `Lv1aMSP`. */
  readonly mspId: string;
  /** Role derived from the MSP id. */
  readonly role: Role;
  /** Organization name without the `MSP` suffix, e.g. `Lv1a` (the substation or provider id). */
  readonly orgId: string;
}

const ROLE_PATTERNS: readonly (readonly [RegExp, Role])[] = [
  [/^GridCo[A-Za-z0-9]*MSP$/, 'gridco'],
  [/^Hv[a-z0-9]{1,30}MSP$/, 'hv'],
  [/^Lv[A-Za-z0-9]+MSP$/, 'lv'],
  [/^Cloud[A-Za-z0-9]+MSP$/, 'cloud'],
  [/^Regulator[A-Za-z0-9]*MSP$/, 'regulator'],
];

/** The role of an MSP id, or undefined when it follows none of the conventions. */
export function roleOfMsp(mspId: string): Role | undefined {
  for (const [pattern, role] of ROLE_PATTERNS) {
    if (pattern.test(mspId)) return role;
  }
  return undefined;
}

/** The organization id of an MSP id (`Lv1aMSP` → `Lv1a`). */
export function orgIdOfMsp(mspId: string): string {
  return mspId.endsWith('MSP') ? mspId.slice(0, -3) : mspId;
}

/** The MSP id of an organization id (`Hv1` → `Hv1MSP`). */
export function mspOfOrgId(orgId: string): string {
  return `${orgId}MSP`;
}

/** The caller of the current transaction. @throws CarbonTraceError ACCESS_DENIED for an unknown MSP. */
export function callerOf(ctx: Context): Caller {
  const mspId = ctx.clientIdentity.getMSPID();
  const role = roleOfMsp(mspId);
  if (role === undefined) {
    throw new CarbonTraceError('ACCESS_DENIED', `organization ${mspId} has no carbontrace role`, { mspId });
  }
  return { mspId, role, orgId: orgIdOfMsp(mspId) };
}

/**
 * The caller, required to hold one of `roles`.
 * @throws CarbonTraceError ACCESS_DENIED naming the transaction, the caller's MSP and the roles allowed.
 */
export function requireRole(ctx: Context, action: string, ...roles: readonly Role[]): Caller {
  const caller = callerOf(ctx);
  if (!roles.includes(caller.role)) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${action} is not allowed for ${caller.mspId} (role ${caller.role}; allowed: ${roles.join(', ')})`,
      { mspId: caller.mspId, role: caller.role, action },
    );
  }
  return caller;
}

/** Every role: used by read-only queries open to all members. */
export const ALL_ROLES: readonly Role[] = ['gridco', 'hv', 'lv', 'cloud', 'regulator'];

/** The implicit private data collection of an organization (Fabric ≥ 2.0). */
export function implicitCollectionOf(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

/** HV organization ids: `Hv` and 1–30 lower-case letters or digits (see the module comment). */
export const HV_ORG_PATTERN = /^Hv[a-z0-9]{1,30}$/;
/** Slave channel names, the image of {@link HV_ORG_PATTERN} under {@link slaveChannelOfHv}. */
export const SLAVE_CHANNEL_OF_HV_PATTERN = /^slave-hv[a-z0-9]{1,30}$/;

/**
 * The slave channel an HV organization owns: `Hv1` → `slave-hv1`.
 * @throws CarbonTraceError ACCESS_DENIED for an id outside {@link HV_ORG_PATTERN}.
 */
export function slaveChannelOfHv(hvOrgId: string): string {
  if (!HV_ORG_PATTERN.test(hvOrgId)) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${hvOrgId} is not an HV organization id (Hv followed by lower-case letters or digits) and owns no slave channel`,
      { orgId: hvOrgId },
    );
  }
  return `slave-${hvOrgId.toLowerCase()}`;
}

/**
 * The HV organization that owns a slave channel: `slave-hv1` → `Hv1` (inverse of
 * {@link slaveChannelOfHv}). @throws CarbonTraceError INVALID_ARGUMENT for another name.
 */
export function hvOrgOfSlaveChannel(channel: string): string {
  if (!SLAVE_CHANNEL_OF_HV_PATTERN.test(channel)) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `channel must name an HV slave channel (slave-hv…) (got ${JSON.stringify(channel)})`,
      {
        field: 'channel',
        value: channel,
      },
    );
  }
  return `Hv${channel.slice('slave-hv'.length)}`;
}

/** The MSP id of the HV organization that owns a slave channel: `slave-hv1` → `Hv1MSP`. */
export function hvMspOfSlaveChannel(channel: string): string {
  return mspOfOrgId(hvOrgOfSlaveChannel(channel));
}
