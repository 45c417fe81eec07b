/**
 * `Network` (both chaincodes): records the network's organizations on the channel once, at
 * deployment (see network-orgs.ts). The record's key policy needs every peer organization of the
 * channel, so a change (a new LV substation or HV region) is agreed by all of them.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { parseJsonArgument } from './arguments';
import { CarbonContract } from './carbon-contract';
import { emitEvent } from './events';
import { setKeyPolicy } from './key-endorsement';
import { getJson, putJson } from './ledger-state';
import { channelPeerOrgs, NETWORK_ORGS_KEY, parseNetworkOrgs, readNetworkOrgs } from './network-orgs';
import type { NetworkOrgs } from './network-orgs';
import { requireRole } from './roles';
import { unanimousPolicy } from './trust-policies';

/** Events emitted by {@link NetworkContract}. */
export const NETWORK_EVENTS = { configured: 'NetworkConfigured' } as const;

/** The network's organizations on this channel. */
@Info({ title: 'Network', description: 'The organizations of the network, recorded once per channel' })
export class NetworkContract extends CarbonContract {
  constructor() {
    super('Network');
  }

  /**
   * Records the organizations (GridCo on master, the channel's HV on a slave channel). An
   * identical replay returns the record; a changed one needs every current peer organization.
   */
  @Transaction()
  @Returns('string')
  async Configure(ctx: Context, networkJson: string): Promise<string> {
    const channel = ctx.stub.getChannelID();
    const caller = requireRole(ctx, 'Network:Configure', channel === 'master' ? 'gridco' : 'hv');
    const orgs = parseNetworkOrgs(parseJsonArgument(networkJson, 'network'));
    const peers = channelPeerOrgs(orgs, channel);
    if (!peers.includes(caller.mspId)) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `${caller.mspId} is not a peer organization of ${channel}`,
        {
          mspId: caller.mspId,
          channel,
        },
      );
    }
    const before = await getJson<NetworkOrgs>(ctx, NETWORK_ORGS_KEY);
    if (before !== undefined && canonicalJson(before) === canonicalJson(orgs)) return canonicalJson(before);
    if (
      before !== undefined &&
      (before.gridCompany !== orgs.gridCompany || before.regulator !== orgs.regulator)
    ) {
      throw new CarbonTraceError('INVALID_STATE', 'the grid company and the regulator cannot be replaced', {
        channel,
      });
    }
    await putJson(ctx, NETWORK_ORGS_KEY, orgs);
    await setKeyPolicy(ctx, NETWORK_ORGS_KEY, unanimousPolicy(peers));
    emitEvent(ctx, NETWORK_EVENTS.configured, { channel, peerOrgs: peers });
    return canonicalJson(orgs);
  }

  /** The recorded organizations. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context): Promise<string> {
    return canonicalJson(await readNetworkOrgs(ctx));
  }
}
