/**
 * Who must endorse each kind of record (DESIGN.md §8, docs/security.md): the key-level policy a
 * key gets when it is created. Every policy needs at least two organizations, and every record
 * that others rely on needs its owner plus an independent verifier, normally the regulator, whose
 * peer joins master and every slave channel and re-checks what it endorses.
 */
import type { EndorsementRule } from './key-endorsement';
import { allOf, anyOf, outOf } from './key-endorsement';
import type { NetworkOrgs } from './network-orgs';
import { masterPeerOrgs, regionOfChannel } from './network-orgs';

/** The record classes, as docs/security.md lists them. */
export type RecordClass =
  | 'network'
  | 'measurement'
  | 'topology'
  | 'slot-package'
  | 'pbft-points'
  | 'anchor'
  | 'package-anchor'
  | 'provider'
  | 'provider-cycle'
  | 'governance'
  | 'trace-task'
  | 'trace-region-record'
  | 'trace-carbon-flow';

/** An LV substation's own data: its peer plus the HV's or the regulator's; only it can amend. */
export function lvOwnedPolicy(orgs: NetworkOrgs, channel: string, lvMsp: string): EndorsementRule {
  return allOf(lvMsp, anyOf(regionOfChannel(orgs, channel).hv, orgs.regulator));
}

/**
 * A region's HV record (sealed package, PBFT points, anchors, condition a/b, accepted result):
 * the HV plus the regulator, which re-reads the package across channels and re-checks it.
 */
export function hvRecordPolicy(orgs: NetworkOrgs, hvMsp: string): EndorsementRule {
  return allOf(hvMsp, orgs.regulator);
}

/** GridCo's records (trace request, carbon flow, settlement cycle): GridCo plus the regulator. */
export function gridCompanyRecordPolicy(orgs: NetworkOrgs): EndorsementRule {
  return allOf(orgs.gridCompany, orgs.regulator);
}

/**
 * Shared master records that several organizations change (provider records with fees, strikes
 * and blacklist; governance state): the regulator plus any one other master peer organization,
 * so no organization, including the one that benefits, changes them alone.
 */
export function sharedMasterPolicy(orgs: NetworkOrgs): EndorsementRule {
  const others = masterPeerOrgs(orgs).filter((m) => m !== orgs.regulator);
  return allOf(orgs.regulator, anyOf(...others));
}

/** The network record itself: every peer organization of the channel. */
export function unanimousPolicy(peerOrgs: readonly string[]): EndorsementRule {
  return allOf(...peerOrgs);
}

/** Chaincode-level policy of a channel: any two of its peer organizations. */
export function chaincodePolicy(peerOrgs: readonly string[]): EndorsementRule {
  return outOf(2, ...peerOrgs);
}
