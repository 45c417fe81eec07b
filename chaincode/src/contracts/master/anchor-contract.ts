/**
 * carbon-master `Anchor`: verification blocks that record slave block headers, chained per slave
 * channel (gaps and forks refused), and queries that verify a slave block or a slot package
 * against its anchor.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { asArray, asInteger, asSha256, asString, parseJsonArgument } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { restrictKeyToOrgs } from '../shared/key-endorsement';
import { exists, getJson, mustGetJson, putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { parseSlot } from '../slave/measurement-contract';
import { assertMayRecordVerificationBlock, noteVerificationBlock } from './governance-ledger';
import { anchorHeadKey, anchorKey, anchorPackageKey } from './master-keys';
import {
  checkExtendsChain,
  computeHeaderHash,
  parseVerificationBlock,
  SLAVE_CHANNEL_PATTERN,
} from './verification-block';
import type {
  AnchorHead,
  AnchoredPackage,
  VerificationBlock,
  VerificationBlockSubmission,
} from './verification-block';

/** Events emitted by {@link AnchorContract}. */
export const ANCHOR_EVENTS = { recorded: 'VerificationBlocksRecorded' } as const;

/** A package digest as anchored, with the block that sealed it. */
export interface AnchoredPackageRecord extends AnchoredPackage {
  readonly channel: string;
  readonly blockNumber: number;
  readonly headerHash: string;
}

/** The slave channel an HV organization owns: `Hv1` → `slave-hv1`. */
export function slaveChannelOf(hvOrgId: string): string {
  return `slave-${hvOrgId.toLowerCase()}`;
}

/** Verification blocks on the master channel. */
@Info({ title: 'Anchor', description: 'Slave block headers anchored on master, chained per slave channel' })
export class AnchorContract extends CarbonContract {
  constructor() {
    super('Anchor');
  }

  /** Anchors one slave block (HV organization of that slave channel). Returns the stored block. */
  @Transaction()
  @Returns('string')
  async Record(ctx: Context, blockJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Anchor:Record', 'hv');
    const block = parseVerificationBlock(parseJsonArgument(blockJson, 'block'));
    const [stored] = await this.#record(ctx, caller, [block]);
    return canonicalJson(stored);
  }

  /** Anchors consecutive slave blocks of one channel in one transaction. Returns the stored blocks. */
  @Transaction()
  @Returns('string')
  async RecordBatch(ctx: Context, blocksJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Anchor:RecordBatch', 'hv');
    const blocks = asArray(parseJsonArgument(blocksJson, 'blocks'), 'blocks', 1, 500).map((b, i) =>
      parseVerificationBlock(b, `blocks[${i}]`),
    );
    return canonicalJson(await this.#record(ctx, caller, blocks));
  }

  /** The last anchored block of a slave channel, or NOT_FOUND. */
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
    const number = asInteger(Number(blockNumber), 'blockNumber', 0);
    const key = anchorKey(ctx, asString(channel, 'channel', SLAVE_CHANNEL_PATTERN), number);
    return canonicalJson(
      await mustGetJson<VerificationBlock>(ctx, key, `anchor of ${channel} block ${number}`),
    );
  }

  /**
   * Verifies a slave block header (`{channel, number, previousHash, dataHash}`, hex) against its
   * anchor. Returns `{valid, computedHeaderHash, anchoredHeaderHash, reason}`.
   */
  @Transaction(false)
  @Returns('string')
  async VerifySlaveBlock(ctx: Context, headerJson: string): Promise<string> {
    requireRole(ctx, 'Anchor:VerifySlaveBlock', ...ALL_ROLES);
    const header = parseVerificationBlock(parseJsonArgument(headerJson, 'header'), 'header');
    const computed = computeHeaderHash(header.number, header.previousHash, header.dataHash);
    const anchored = await getJson<VerificationBlock>(ctx, anchorKey(ctx, header.channel, header.number));
    if (anchored === undefined) {
      return canonicalJson({
        valid: false,
        computedHeaderHash: computed,
        anchoredHeaderHash: null,
        reason: 'not anchored',
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
    const anchored = await getJson<AnchoredPackageRecord>(
      ctx,
      anchorPackageKey(ctx, asString(channel, 'channel', SLAVE_CHANNEL_PATTERN), parseSlot(slot)),
    );
    const digest = asSha256(sha256, 'sha256');
    if (anchored === undefined)
      return canonicalJson({ valid: false, anchored: null, reason: 'slot package not anchored' });
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
    blocks: readonly VerificationBlockSubmission[],
  ): Promise<VerificationBlock[]> {
    const channel = blocks[0]?.channel ?? '';
    if (blocks.some((b) => b.channel !== channel)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', 'a batch must anchor blocks of one slave channel', {
        field: 'channel',
      });
    }
    if (channel !== slaveChannelOf(caller.orgId)) {
      throw new CarbonTraceError('ACCESS_DENIED', `${caller.mspId} cannot anchor blocks of ${channel}`, {
        mspId: caller.mspId,
        channel,
      });
    }
    await assertMayRecordVerificationBlock(ctx, caller);
    const headKey = anchorHeadKey(ctx, channel);
    let head = await getJson<AnchorHead>(ctx, headKey);
    const stored: VerificationBlock[] = [];
    for (const block of blocks) {
      const headerHash = checkExtendsChain(head, block);
      const record: VerificationBlock = {
        channel,
        number: block.number,
        previousHash: block.previousHash,
        dataHash: block.dataHash,
        headerHash,
        packages: block.packages,
        recorderMsp: caller.mspId,
        txId: ctx.stub.getTxID(),
      };
      for (const pkg of block.packages) {
        const key = anchorPackageKey(ctx, channel, pkg.slot);
        if (await exists(ctx, key)) {
          throw new CarbonTraceError(
            'ALREADY_EXISTS',
            `slot ${pkg.slot} of ${channel} already has an anchored package`,
            {
              channel,
              slot: pkg.slot,
            },
          );
        }
        const packageRecord: AnchoredPackageRecord = {
          ...pkg,
          channel,
          blockNumber: block.number,
          headerHash,
        };
        await putJson(ctx, key, packageRecord);
      }
      await putJson(ctx, anchorKey(ctx, channel, block.number), record);
      head = { channel, number: block.number, headerHash };
      stored.push(record);
    }
    if (head !== undefined) {
      await putJson(ctx, headKey, head);
      await restrictKeyToOrgs(ctx, headKey, caller.mspId);
    }
    await noteVerificationBlock(ctx, caller, stored.length);
    emitEvent(ctx, ANCHOR_EVENTS.recorded, {
      channel,
      numbers: stored.map((b) => b.number),
      headerHashes: stored.map((b) => b.headerHash),
      recorderMsp: caller.mspId,
    });
    return stored;
  }
}
