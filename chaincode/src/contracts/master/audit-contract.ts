/**
 * carbon-master `Audit`: read-only queries for the regulator (and GridCo and the region's HV, the
 * other members of the region's collection): a bus's carbon intensity at a slot (the slot's
 * current result and the results it superseded), the provenance of a result down to the anchored
 * slave block, and a check of each on-channel hash against the private data this peer holds.
 * The provider record, blacklist and governance state are public (`Audit:Overview`).
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { asString, parseDecimalInteger } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { sha256Hex } from '../shared/hashing';
import { getJson, mustGetJson, padNumber } from '../shared/ledger-state';
import { providerCollection, regionCollection } from '../shared/network-orgs';
import { requireRole } from '../shared/roles';
import { parseSlot } from '../slave/measurement-contract';
import { ROLES } from './answer-driver';
import { readAnchoredPackage } from './anchor-ledger';
import { readGovernance } from './governance-ledger';
import { anchorKey } from './master-keys';
import { isBlacklisted } from './provider-record';
import { currentCycle, listProviders } from './provider-ledger';
import { busIntensityRecords } from './carbon-flow-recorder';
import { DEFAULT_INTERVAL_MINUTES, TASK_ID } from './trace-request';
import { traceKeys } from './trace-records';
import type {
  AcceptedHeader,
  ArbitrationSummary,
  BusIntensityRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  ConditionARecord,
  MaskedTaskDigest,
  ResultDigest,
  SlotCurrentRecord,
  TraceTask,
} from './trace-records';
import { mustGetRegionRecord } from './trace-store';
import type { VerificationBlock } from './verification-block';
import { SLAVE_CHANNEL_PATTERN } from './verification-block';

const READERS = ['regulator', 'gridco', 'hv'] as const;

/** One private record compared with its on-channel hash. */
interface PrivateCheck {
  readonly collection: string;
  readonly record: string;
  readonly onChannelHash: string | null;
  readonly localHash: string | null;
  readonly matches: boolean;
}

/** Regulator queries. */
@Info({
  title: 'Audit',
  description: 'Read-only regulator queries: intensities, provenance, providers, governance',
})
export class AuditContract extends CarbonContract {
  constructor() {
    super('Audit');
  }

  /** The carbon intensity of `busId` at `slot` on `channel`, from the slot's current result. */
  @Transaction(false)
  @Returns('string')
  async BusIntensity(ctx: Context, channel: string, slot: string, busId: string): Promise<string> {
    requireRole(ctx, 'Audit:BusIntensity', ...READERS);
    const bus = parseDecimalInteger(busId, 'busId', 1, 99_999_999);
    const current = await this.#current(ctx, channel, slot);
    const record = await mustGetRegionRecord<BusIntensityRecord>(
      ctx,
      current.channel,
      traceKeys.busIntensity(
        ctx,
        current.channel,
        padNumber(current.slot),
        current.taskId,
        padNumber(bus, 8),
      ),
      `intensity of bus ${bus} at slot ${current.slot} of ${current.channel}`,
    );
    return canonicalJson({ ...record, supersededTasks: current.history });
  }

  /** Every bus intensity of a slot's current result, by bus. */
  @Transaction(false)
  @Returns('string')
  async SlotIntensities(ctx: Context, channel: string, slot: string): Promise<string> {
    requireRole(ctx, 'Audit:SlotIntensities', ...READERS);
    const current = await this.#current(ctx, channel, slot);
    const flow = await mustGetRegionRecord<CarbonFlowRecord>(
      ctx,
      current.channel,
      traceKeys.carbonFlow(ctx, current.taskId),
      `carbon flow of task ${current.taskId}`,
    );
    // records written before the interval length was kept are hourly
    const rows = busIntensityRecords(
      current.channel,
      current.slot,
      current.taskId,
      flow.proposal,
      flow.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES,
    );
    return canonicalJson(rows);
  }

  /** Which task is a slot's current result, and what it superseded (public). */
  @Transaction(false)
  @Returns('string')
  async SlotResult(ctx: Context, channel: string, slot: string): Promise<string> {
    requireRole(ctx, 'Audit:SlotResult', ...READERS);
    return canonicalJson(await this.#current(ctx, channel, slot));
  }

  /**
   * The provenance of a task's result: carbon flow → accepted result → arbitration → masked-task
   * digests → condition a (package digest) → anchored package → anchored slave block header.
   */
  @Transaction(false)
  @Returns('string')
  async Provenance(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Audit:Provenance', ...READERS);
    const id = asString(taskId, 'taskId', TASK_ID);
    const task = await mustGetJson<TraceTask>(ctx, traceKeys.task(ctx, id), `task ${id}`);
    const conditionA = await getJson<ConditionARecord>(ctx, traceKeys.conditionA(ctx, id));
    const arbitration = await getJson<ArbitrationSummary>(ctx, traceKeys.arbitration(ctx, id));
    const accepted = await getJson<AcceptedHeader>(ctx, traceKeys.accepted(ctx, id));
    const carbonFlow = await getJson<CarbonFlowHeader>(ctx, traceKeys.carbonFlow(ctx, id));
    const anchoredPackage = await readAnchoredPackage(ctx, task.channel, task.slot);
    const block =
      anchoredPackage === undefined
        ? undefined
        : await getJson<VerificationBlock>(ctx, anchorKey(ctx, task.channel, anchoredPackage.blockNumber));
    const maskedTaskDigests: Record<string, string> = {};
    for (const role of ROLES) {
      const m = await getJson<MaskedTaskDigest>(ctx, traceKeys.maskedTask(ctx, id, role));
      if (m !== undefined) maskedTaskDigests[`${role}:${m.provider}`] = m.sha256;
    }
    const packageMatchesAnchor =
      conditionA !== undefined &&
      anchoredPackage !== undefined &&
      conditionA.packageSha256 === anchoredPackage.sha256;
    return canonicalJson({
      task,
      carbonFlow: carbonFlow ?? null,
      accepted: accepted ?? null,
      arbitration: arbitration ?? null,
      maskedTaskDigests,
      conditionA: conditionA ?? null,
      anchoredPackage: anchoredPackage ?? null,
      anchoredBlock: block ?? null,
      packageMatchesAnchor,
    });
  }

  /**
   * Compares the on-channel hash of each private record of a task (unit parameters, arbitration
   * state, accepted result, carbon flow, masked tasks and answers) with the bytes this peer holds.
   * Returns `{taskId, valid, checks: [{collection, record, onChannelHash, localHash, matches}]}`.
   */
  @Transaction(false)
  @Returns('string')
  async VerifyPrivateData(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Audit:VerifyPrivateData', ...READERS);
    const id = asString(taskId, 'taskId', TASK_ID);
    const task = await mustGetJson<TraceTask>(ctx, traceKeys.task(ctx, id), `task ${id}`);
    const region = regionCollection(task.channel);
    const targets: { collection: string; record: string; key: string }[] = [
      { collection: region, record: 'units', key: traceKeys.units(ctx, id) },
      { collection: region, record: 'arbitration state', key: traceKeys.privateState(ctx, id) },
      { collection: region, record: 'accepted result', key: traceKeys.accepted(ctx, id) },
      { collection: region, record: 'carbon flow', key: traceKeys.carbonFlow(ctx, id) },
    ];
    for (const role of ROLES) {
      const m = await getJson<MaskedTaskDigest>(ctx, traceKeys.maskedTask(ctx, id, role));
      if (m === undefined) continue;
      const collection = providerCollection(m.provider);
      targets.push({ collection, record: `masked task ${role}`, key: traceKeys.maskedTask(ctx, id, role) });
      for (const kind of ['first', 'recompute'] as const) {
        const key = traceKeys.result(ctx, id, role, kind);
        const r = await getJson<ResultDigest>(ctx, key);
        if (r !== undefined && r.timedOut !== true)
          targets.push({ collection, record: `answer ${role} ${kind}`, key });
      }
    }
    const checks: PrivateCheck[] = [];
    for (const t of targets) {
      const onChannel = await ctx.stub.getPrivateDataHash(t.collection, t.key);
      if (onChannel.length === 0) continue;
      const local = await ctx.stub.getPrivateData(t.collection, t.key);
      const onChannelHash = Buffer.from(onChannel).toString('hex');
      const localHash = local.length === 0 ? null : sha256Hex(local);
      checks.push({
        collection: t.collection,
        record: t.record,
        onChannelHash,
        localHash,
        matches: localHash === onChannelHash,
      });
    }
    return canonicalJson({ taskId: id, valid: checks.every((c) => c.matches), checks });
  }

  /** Providers (with blacklist status), the current cycle and the governance state in one answer. */
  @Transaction(false)
  @Returns('string')
  async Overview(ctx: Context): Promise<string> {
    requireRole(ctx, 'Audit:Overview', 'regulator', 'gridco');
    const cycle = await currentCycle(ctx);
    const providers = (await listProviders(ctx)).map((p) => ({ ...p, blacklisted: isBlacklisted(p, cycle) }));
    return canonicalJson({
      cycle,
      providers,
      blacklist: providers.filter((p) => p.blacklisted).map((p) => p.id),
      governance: (await readGovernance(ctx)) ?? null,
    });
  }

  async #current(ctx: Context, channel: string, slot: string): Promise<SlotCurrentRecord> {
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const s = parseSlot(slot);
    const current = await getJson<SlotCurrentRecord>(ctx, traceKeys.slotCurrent(ctx, name, padNumber(s)));
    if (current === undefined) {
      throw new CarbonTraceError('NOT_FOUND', `slot ${s} of ${name} has no recorded carbon flow`, {
        channel: name,
        slot: s,
      });
    }
    return current;
  }
}
