/**
 * carbon-master `Providers`: the registry of cloud providers with fees, penalties, strikes and the
 * blacklist (MATH.md F.3), and the settlement cycle. Fees and strikes are applied by `Trace`.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import {
  asId,
  asNumber,
  asRecord,
  onlyKeys,
  parseDecimalInteger,
  parseDecimalNumber,
  parseJsonArgument,
} from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import { setKeyPolicy } from '../shared/key-endorsement';
import { readNetworkOrgs } from '../shared/network-orgs';
import { gridCompanyRecordPolicy, sharedMasterPolicy } from '../shared/trust-policies';
import { providerCycleKey } from './master-keys';
import {
  currentCycle,
  findRegistration,
  getProvider,
  getRegistration,
  listProviders,
  putRegistration,
} from './provider-ledger';
import { isBlacklisted, newProvider } from './provider-record';

/** Events emitted by {@link ProvidersContract}. */
export const PROVIDER_EVENTS = {
  registered: 'ProviderRegistered',
  feeChanged: 'ProviderFeeChanged',
  cycleAdvanced: 'CycleAdvanced',
} as const;

/** Registry of cloud providers. */
@Info({ title: 'Providers', description: 'Cloud providers: fees, penalties, strikes, blacklist' })
export class ProvidersContract extends CarbonContract {
  constructor() {
    super('Providers');
  }

  /** A cloud organization registers itself with its fee per task (`{"feePerTask": n}`). */
  @Transaction()
  @Returns('string')
  async Register(ctx: Context, registrationJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Providers:Register', 'cloud');
    const r = asRecord(parseJsonArgument(registrationJson, 'registration'), 'registration');
    onlyKeys(r, 'registration', ['feePerTask']);
    const fee = asNumber(r['feePerTask'], 'feePerTask', 0, 1e9);
    if ((await findRegistration(ctx, caller.orgId)) !== undefined) {
      throw new CarbonTraceError('ALREADY_EXISTS', `provider ${caller.orgId} is already registered`, {
        provider: caller.orgId,
      });
    }
    const record = newProvider(caller.orgId, caller.mspId, fee);
    // fees, strikes and the blacklist change only with the regulator plus one more organization
    await putRegistration(
      ctx,
      { id: record.id, mspId: record.mspId, feePerTask: fee },
      sharedMasterPolicy(await readNetworkOrgs(ctx)),
    );
    emitEvent(ctx, PROVIDER_EVENTS.registered, { provider: record.id, feePerTask: fee });
    return canonicalJson(record);
  }

  /** A provider changes its own fee. */
  @Transaction()
  @Returns('string')
  async SetFee(ctx: Context, feePerTask: string): Promise<string> {
    const caller = requireRole(ctx, 'Providers:SetFee', 'cloud');
    const fee = parseDecimalNumber(feePerTask, 'feePerTask', 0, 1e9);
    const registration = await getRegistration(ctx, caller.orgId);
    await putRegistration(ctx, { ...registration, feePerTask: fee });
    const record = { ...(await getProvider(ctx, caller.orgId)), feePerTask: fee };
    emitEvent(ctx, PROVIDER_EVENTS.feeChanged, { provider: record.id, feePerTask: fee });
    return canonicalJson(record);
  }

  /**
   * GridCo closes the settlement cycle `expectedCycle` (the current one); blacklists count in
   * cycles. Returns `{cycle}`, the new cycle. Safe to retry: when the cycle already went from
   * `expectedCycle` to `expectedCycle + 1` the call returns that result and writes nothing; any
   * other expected cycle is refused as stale.
   * @throws CarbonTraceError INVALID_STATE (`reason: "stale"`) naming the expected and current cycle.
   */
  @Transaction()
  @Returns('string')
  async AdvanceCycle(ctx: Context, expectedCycle: string): Promise<string> {
    requireRole(ctx, 'Providers:AdvanceCycle', 'gridco');
    const expected = parseDecimalInteger(expectedCycle, 'expectedCycle');
    const current = await currentCycle(ctx);
    if (current === expected + 1) return canonicalJson({ cycle: current });
    if (current !== expected) {
      throw new CarbonTraceError(
        'INVALID_STATE',
        `expectedCycle ${expected} is stale: the current settlement cycle is ${current}`,
        { field: 'expectedCycle', value: expected, current, reason: 'stale' },
      );
    }
    const cycle = current + 1;
    await putJson(ctx, providerCycleKey(ctx), { cycle });
    if (cycle === 1)
      await setKeyPolicy(ctx, providerCycleKey(ctx), gridCompanyRecordPolicy(await readNetworkOrgs(ctx)));
    emitEvent(ctx, PROVIDER_EVENTS.cycleAdvanced, { cycle });
    return canonicalJson({ cycle });
  }

  /** The current cycle, `{cycle}`. */
  @Transaction(false)
  @Returns('string')
  async GetCycle(ctx: Context): Promise<string> {
    requireRole(ctx, 'Providers:GetCycle', ...ALL_ROLES);
    return canonicalJson({ cycle: await currentCycle(ctx) });
  }

  /** A provider's record with `blacklisted` for the current cycle. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, providerId: string): Promise<string> {
    requireRole(ctx, 'Providers:Get', ...ALL_ROLES);
    const cycle = await currentCycle(ctx);
    const record = await getProvider(ctx, asId(providerId, 'providerId'));
    return canonicalJson({ ...record, blacklisted: isBlacklisted(record, cycle), cycle });
  }

  /** Every provider with `blacklisted` for the current cycle. */
  @Transaction(false)
  @Returns('string')
  async List(ctx: Context): Promise<string> {
    requireRole(ctx, 'Providers:List', ...ALL_ROLES);
    const cycle = await currentCycle(ctx);
    const providers = await listProviders(ctx);
    return canonicalJson(providers.map((p) => ({ ...p, blacklisted: isBlacklisted(p, cycle), cycle })));
  }

  /** The providers blacklisted in the current cycle: `{cycle, providers: [{id, blacklistedUntilCycle}]}`. */
  @Transaction(false)
  @Returns('string')
  async GetBlacklist(ctx: Context): Promise<string> {
    requireRole(ctx, 'Providers:GetBlacklist', ...ALL_ROLES);
    const cycle = await currentCycle(ctx);
    const providers = (await listProviders(ctx))
      .filter((p) => isBlacklisted(p, cycle))
      .map((p) => ({ id: p.id, blacklistedUntilCycle: p.blacklistedUntilCycle }));
    return canonicalJson({ cycle, providers });
  }
}
