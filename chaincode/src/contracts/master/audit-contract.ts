/**
 * carbon-master `Audit`: read-only queries for regulators (and the other members): a bus's carbon
 * intensity at a slot, and the provenance of a result down to the anchored slave block. The
 * provider record, blacklist and governance state are `Providers:Get`, `Providers:GetBlacklist`
 * and `Governance:GetState`; `Audit:Overview` gathers them.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { asString, parseDecimalInteger } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { getJson, listByPartialKey, mustGetJson, padNumber } from '../shared/ledger-state';
import { requireRole } from '../shared/roles';
import { parseSlot } from '../slave/measurement-contract';
import { readAnchoredPackage } from './anchor-ledger';
import { readGovernance } from './governance-ledger';
import { anchorKey } from './master-keys';
import { isBlacklisted } from './provider-record';
import { currentCycle, listProviders } from './provider-ledger';
import { TRACE_KEY, traceKeys } from './trace-records';
import type {
  AcceptedRecord,
  ArbitrationSummary,
  BusIntensityRecord,
  CarbonFlowRecord,
  ConditionARecord,
  TraceTask,
} from './trace-records';
import type { VerificationBlock } from './verification-block';
import { SLAVE_CHANNEL_PATTERN } from './verification-block';

/** Regulator queries. */
@Info({
  title: 'Audit',
  description: 'Read-only regulator queries: intensities, provenance, providers, governance',
})
export class AuditContract extends CarbonContract {
  constructor() {
    super('Audit');
  }

  /** The carbon intensity of `busId` at `slot` on `channel` (from the recorded carbon flow). */
  @Transaction(false)
  @Returns('string')
  async BusIntensity(ctx: Context, channel: string, slot: string, busId: string): Promise<string> {
    requireRole(ctx, 'Audit:BusIntensity', 'regulator', 'gridco', 'hv', 'lv');
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const s = parseSlot(slot);
    const bus = parseDecimalInteger(busId, 'busId', 1, 99_999_999);
    const record = await mustGetJson<BusIntensityRecord>(
      ctx,
      traceKeys.busIntensity(ctx, name, padNumber(s), padNumber(bus, 8)),
      `intensity of bus ${bus} at slot ${s} of ${name}`,
    );
    return canonicalJson(record);
  }

  /** Every recorded bus intensity of a slot, by bus. */
  @Transaction(false)
  @Returns('string')
  async SlotIntensities(ctx: Context, channel: string, slot: string): Promise<string> {
    requireRole(ctx, 'Audit:SlotIntensities', 'regulator', 'gridco', 'hv', 'lv');
    const name = asString(channel, 'channel', SLAVE_CHANNEL_PATTERN);
    const rows = await listByPartialKey<BusIntensityRecord>(ctx, TRACE_KEY.busIntensity, [
      name,
      padNumber(parseSlot(slot)),
    ]);
    return canonicalJson(rows.map((r) => r.value));
  }

  /**
   * The provenance of a task's result: carbon flow → accepted result → arbitration → masked-task
   * digests → condition a (package digest) → anchored package → anchored slave block header.
   */
  @Transaction(false)
  @Returns('string')
  async Provenance(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Audit:Provenance', 'regulator', 'gridco', 'hv');
    const id = asString(taskId, 'taskId', /^[A-Za-z0-9._:-]{1,64}$/);
    const task = await mustGetJson<TraceTask>(ctx, traceKeys.task(ctx, id), `task ${id}`);
    const conditionA = await getJson<ConditionARecord>(ctx, traceKeys.conditionA(ctx, id));
    const arbitration = await getJson<ArbitrationSummary>(ctx, traceKeys.arbitration(ctx, id));
    const accepted = await getJson<AcceptedRecord>(ctx, traceKeys.accepted(ctx, id));
    const carbonFlow = await getJson<CarbonFlowRecord>(ctx, traceKeys.carbonFlow(ctx, id));
    const anchoredPackage = await readAnchoredPackage(ctx, task.channel, task.slot);
    const block =
      anchoredPackage === undefined
        ? undefined
        : await getJson<VerificationBlock>(ctx, anchorKey(ctx, task.channel, anchoredPackage.blockNumber));
    const maskedTaskDigests: Record<string, string> = {};
    for (const role of ['I', 'II', 'III'] as const) {
      const m = await getJson<{ sha256: string; provider: string }>(ctx, traceKeys.maskedTask(ctx, id, role));
      if (m !== undefined) maskedTaskDigests[`${role}:${m.provider}`] = m.sha256;
    }
    const packageMatchesAnchor =
      conditionA !== undefined &&
      anchoredPackage !== undefined &&
      conditionA.packageSha256 === anchoredPackage.sha256;
    return canonicalJson({
      task: {
        taskId: task.taskId,
        channel: task.channel,
        slot: task.slot,
        requesterMsp: task.requesterMsp,
        hvMsp: task.hvMsp,
        profile: task.profile,
        txId: task.txId,
      },
      carbonFlow:
        carbonFlow === undefined
          ? null
          : {
              recorderMsp: carbonFlow.recorderMsp,
              txId: carbonFlow.txId,
              acceptedFrom: carbonFlow.acceptedFrom,
            },
      accepted:
        accepted === undefined
          ? null
          : { acceptedFrom: accepted.acceptedFrom, resultSha256: accepted.resultSha256 },
      arbitration: arbitration ?? null,
      maskedTaskDigests,
      conditionA: conditionA ?? null,
      anchoredPackage: anchoredPackage ?? null,
      anchoredBlock: block ?? null,
      packageMatchesAnchor,
    });
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
}
