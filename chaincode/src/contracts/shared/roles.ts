/**
 * Who may call what: the caller's role is derived from its MSP id by the project's naming
 * convention (DESIGN.md §2): `GridCoMSP`, `Hv<id>MSP`, `Lv<id>MSP`, `Cloud<id>MSP`, `RegulatorMSP`.
 * A utility that names its organizations differently keeps the prefixes (`Hv…`, `Lv…`, `Cloud…`).
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
  [/^Hv[A-Za-z0-9]+MSP$/, 'hv'],
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
