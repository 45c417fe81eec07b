/**
 * carbon-master `Anchor`: verification blocks that record slave block headers, chained per slave
 * channel (gaps and forks refused); slot-package digests tied to anchored blocks; and queries that
 * verify a slave block header or a slot package against its anchor.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import {
  asArray,
  asInteger,
  asRecord,
  asSha256,
  asString,
  onlyKeys,
  parseJsonArgument,
  parseDecimalInteger,
} from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { setKeyPolicy } from '../shared/key-endorsement';
import { readNetworkOrgs, regionOfHv } from '../shared/network-orgs';
import type { NetworkOrgs } from '../shared/network-orgs';
import { hvRecordPolicy } from '../shared/trust-policies';
import { readSealedPackage } from './slot-package-reader';
import { getJson, mustGetJson, putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { parseSlot } from '../slave/measurement-contract';
import { MAX_SLOT } from '../slave/measurement-record';
import { assertMayRecordVerificationBlock, noteVerificationBlock } from './governance-ledger';
import { readAnchoredPackage } from './anchor-ledger';
import type { AnchoredPackageRecord } from './anchor-ledger';
import { anchorHeadKey, anchorKey, anchorPackageKey } from './master-keys';
import {
  checkExtendsChain,
  computeHeaderHash,
  parseVerificationBlock,
  SLAVE_CHANNEL_PATTERN,
} from './verification-block';
import type { AnchorHead, VerificationBlock, VerificationBlockSubmission } from './verification-block';

/** A stored package anchor, possibly from before corrections were recorded. */
type LegacyAnchoredPackageRecord = Omit<AnchoredPackageRecord, 'corrections'> & {
  readonly corrections?: AnchoredPackageRecord['corrections'];
};

/** Events emitted by {@link AnchorContract}. */
export const ANCHOR_EVENTS = {
  recorded: 'VerificationBlockRecorded',
  packageRecorded: 'SlotPackageAnchored',
} as const;

/** The caller is the HV organization the network record names for `channel`. */
async function assertOwnsChannel(ctx: Context, caller: Caller, channel: string): Promise<NetworkOrgs> {
  const orgs = await readNetworkOrgs(ctx);
  if (regionOfHv(orgs, caller.mspId)?.channel !== channel) {
    throw new CarbonTraceError('ACCESS_DENIED', `${caller.mspId} cannot anchor data of ${channel}`, {
      mspId: caller.mspId,
      channel,
    });
  }
  return orgs;
}

/** Verification blocks on the master channel. */
@Info({ title: 'Anchor', description: 'Slave block headers anchored on master, chained per slave channel' })
export class AnchorContract extends CarbonContract {
  constructor() {
    super('Anchor');
  }

  /**
   * Records one verification block holding consecutive slave block headers of `channel`
   * (`[{blockNumber, previousHash, dataHash, headerHash?}]`, hex). Only the HV organization of
   * that slave channel, and during an active EA-DPoS epoch only in its slot. Returns the new head.
   */
  @Transaction()
  @Returns('string')
  async RecordBatch(ctx: Context, channel: string, entriesJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Anchor:RecordBatch', 'hv');
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const entries = asArray(parseJsonArgument(entriesJson, 'entries'), 'entries', 1, 500).map((b, i) =>
      parseVerificationBlock(b, name, `entries[${i}]`),
    );
    const orgs = await assertOwnsChannel(ctx, caller, name);
    await assertMayRecordVerificationBlock(ctx, caller);
    return canonicalJson(await this.#record(ctx, caller, orgs, name, entries));
  }

  /** Records one slave block header (same rules as {@link AnchorContract.RecordBatch}). */
  @Transaction()
  @Returns('string')
  async Record(ctx: Context, channel: string, entryJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Anchor:Record', 'hv');
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const entry = parseVerificationBlock(parseJsonArgument(entryJson, 'entry'), name, 'entry');
    const orgs = await assertOwnsChannel(ctx, caller, name);
    await assertMayRecordVerificationBlock(ctx, caller);
    return canonicalJson(await this.#record(ctx, caller, orgs, name, [entry]));
  }

  /**
   * Ties a slot package digest (`{slot, sha256, blockNumber}`) to the anchored slave block whose
   * transaction sealed it. Endorsed by the channel's HV and the regulator, each of which reads the
   * sealed package across channels and checks the digest in this transaction; an unsealed slot is
   * refused. An identical replay returns the record; a recorded digest that no longer matches the
   * sealed package (recorded before this check existed) can be corrected, keeping its history.
   */
  @Transaction()
  @Returns('string')
  async RecordPackage(ctx: Context, channel: string, packageJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Anchor:RecordPackage', 'hv');
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const r = asRecord(parseJsonArgument(packageJson, 'package'), 'package');
    onlyKeys(r, 'package', ['slot', 'sha256', 'blockNumber']);
    const slot = asInteger(r['slot'], 'slot', 0, MAX_SLOT);
    const sha256 = asSha256(r['sha256'], 'sha256');
    const blockNumber = asInteger(r['blockNumber'], 'blockNumber', 0);
    const orgs = await assertOwnsChannel(ctx, caller, name);
    const sealed = await readSealedPackage(ctx, name, slot);
    if (sealed.sha256 !== sha256) {
      throw new CarbonTraceError('HASH_MISMATCH', `slot ${slot} of ${name} was sealed with another digest`, {
        channel: name,
        slot,
        value: sha256,
      });
    }
    const block = await getJson<VerificationBlock>(ctx, anchorKey(ctx, name, blockNumber));
    if (block === undefined) {
      throw new CarbonTraceError('NOT_FOUND', `${name} block ${blockNumber} is not anchored yet`, {
        channel: name,
        blockNumber,
      });
    }
    const key = anchorPackageKey(ctx, name, slot);
    // a record written before the digest check existed has no `corrections` field
    const before = await getJson<LegacyAnchoredPackageRecord>(ctx, key);
    if (before !== undefined && before.sha256 === sha256) return canonicalJson(before);
    const record: AnchoredPackageRecord = {
      channel: name,
      slot,
      sha256,
      blockNumber,
      headerHash: block.headerHash,
      recorderMsp: caller.mspId,
      corrections:
        before === undefined
          ? []
          : [
              ...(before.corrections ?? []),
              { sha256: before.sha256, blockNumber: before.blockNumber, txId: ctx.stub.getTxID() },
            ],
    };
    await putJson(ctx, key, record);
    if (before === undefined) await setKeyPolicy(ctx, key, hvRecordPolicy(orgs, caller.mspId));
    emitEvent(ctx, ANCHOR_EVENTS.packageRecorded, record);
    return canonicalJson(record);
  }

  /** The last anchored block of a slave channel `{channel, blockNumber, headerHash}`, or NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async GetHead(ctx: Context, channel: string): Promise<string> {
    requireRole(ctx, 'Anchor:GetHead', ...ALL_ROLES);
    const key = anchorHeadKey(ctx, asString(channel, 'channel', SLAVE_CHANNEL_PATTERN));
    return canonicalJson(await mustGetJson<AnchorHead>(ctx, key, `anchor chain of ${channel}`));
  }

  /** The verification block of one slave block. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, channel: string, blockNumber: string): Promise<string> {
    requireRole(ctx, 'Anchor:Get', ...ALL_ROLES);
    const number = parseDecimalInteger(blockNumber, 'blockNumber', 0);
    const key = anchorKey(ctx, asString(channel, 'channel', SLAVE_CHANNEL_PATTERN), number);
    return canonicalJson(
      await mustGetJson<VerificationBlock>(ctx, key, `anchor of ${channel} block ${number}`),
    );
  }

  /**
   * Verifies a slave block header (`{blockNumber, previousHash, dataHash}`, hex) against its
   * anchor. Returns `{valid, computedHeaderHash, anchoredHeaderHash, reason}`.
   */
  @Transaction(false)
  @Returns('string')
  async VerifySlaveBlock(ctx: Context, channel: string, headerJson: string): Promise<string> {
    requireRole(ctx, 'Anchor:VerifySlaveBlock', ...ALL_ROLES);
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const header = parseVerificationBlock(parseJsonArgument(headerJson, 'header'), name, 'header');
    const computed = computeHeaderHash(header.blockNumber, header.previousHash, header.dataHash);
    const anchored = await getJson<VerificationBlock>(ctx, anchorKey(ctx, name, header.blockNumber));
    if (anchored === undefined) {
      return canonicalJson({
        valid: false,
        computedHeaderHash: computed,
        anchoredHeaderHash: null,
        reason: 'block not anchored',
      });
    }
    const valid = anchored.headerHash === computed;
    return canonicalJson({
      valid,
      computedHeaderHash: computed,
      anchoredHeaderHash: anchored.headerHash,
      reason: valid ? 'header hash matches the anchor' : 'header hash differs from the anchor',
    });
  }

  /** Verifies a slot package digest against its anchor. Returns `{valid, anchored, reason}`. */
  @Transaction(false)
  @Returns('string')
  async VerifyPackage(ctx: Context, channel: string, slot: string, sha256: string): Promise<string> {
    requireRole(ctx, 'Anchor:VerifyPackage', ...ALL_ROLES);
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const digest = asSha256(sha256, 'sha256');
    const anchored = await readAnchoredPackage(ctx, name, parseSlot(slot));
    if (anchored === undefined) {
      return canonicalJson({ valid: false, anchored: null, reason: 'slot package not anchored' });
    }
    const valid = anchored.sha256 === digest;
    return canonicalJson({
      valid,
      anchored,
      reason: valid ? 'digest matches the anchor' : 'digest differs from the anchor',
    });
  }

  async #record(
    ctx: Context,
    caller: Caller,
    orgs: NetworkOrgs,
    channel: string,
    entries: readonly VerificationBlockSubmission[],
  ): Promise<AnchorHead> {
    const headKey = anchorHeadKey(ctx, channel);
    const before = await getJson<AnchorHead>(ctx, headKey);
    let head = before;
    const stored: VerificationBlock[] = [];
    const policy = hvRecordPolicy(orgs, caller.mspId);
    for (const entry of entries) {
      const headerHash = checkExtendsChain(head, entry);
      const record: VerificationBlock = {
        channel,
        blockNumber: entry.blockNumber,
        previousHash: entry.previousHash,
        dataHash: entry.dataHash,
        headerHash,
        recorderMsp: caller.mspId,
        txId: ctx.stub.getTxID(),
      };
      const key = anchorKey(ctx, channel, entry.blockNumber);
      await putJson(ctx, key, record);
      await setKeyPolicy(ctx, key, policy);
      head = { channel, blockNumber: entry.blockNumber, headerHash };
      stored.push(record);
    }
    if (head === undefined) throw new CarbonTraceError('INTERNAL', 'no entries recorded', {});
    await putJson(ctx, headKey, head);
    // pin the head to its HV organization once: changing a key's policy in every transaction would
    // turn a concurrent anchor in the same block into an endorsement-policy failure, not a conflict
    if (before === undefined) await setKeyPolicy(ctx, headKey, policy);
    await noteVerificationBlock(ctx, caller, stored.length);
    emitEvent(ctx, ANCHOR_EVENTS.recorded, {
      channel,
      blockNumbers: stored.map((b) => b.blockNumber),
      headerHashes: stored.map((b) => b.headerHash),
      recorderMsp: caller.mspId,
    });
    return head;
  }
}
