/**
 * The organizations of the network as the ledger records them (`Network:Configure`, once per
 * channel at deployment, endorsed by every peer organization of the channel): who is the grid
 * company, who the regulator, which HV organization owns which slave channel and its LV
 * substations, and which cloud providers exist. Key-level policies, collection names and the
 * HV ↔ channel mapping are derived from this record only, so every honest endorser derives the
 * same ones, and no organization can rename itself into another's role.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { asArray, asRecord, asString, onlyKeys } from './arguments';
import { getJson } from './ledger-state';

/** One HV region: its slave channel, HV organization and LV organizations. */
export interface RegionOrgs {
  readonly channel: string;
  readonly hv: string;
  readonly lvs: readonly string[];
}

/** The network's organizations (MSP ids). */
export interface NetworkOrgs {
  readonly gridCompany: string;
  readonly regulator: string;
  readonly regions: readonly RegionOrgs[];
  readonly providers: readonly string[];
}

/** World-state key of the record (a plain key: one per channel). */
export const NETWORK_ORGS_KEY = 'networkOrgs';

const MSP_ID = /^[A-Za-z][A-Za-z0-9]{0,62}MSP$/;
const CHANNEL = /^slave-[a-z0-9][a-z0-9-]{0,48}$/;

/** Validates a configuration. @throws INVALID_ARGUMENT naming the field and value. */
export function parseNetworkOrgs(value: unknown): NetworkOrgs {
  const r = asRecord(value, 'network');
  onlyKeys(r, 'network', ['gridCompany', 'regulator', 'regions', 'providers']);
  const gridCompany = asString(r['gridCompany'], 'gridCompany', MSP_ID);
  const regulator = asString(r['regulator'], 'regulator', MSP_ID);
  const regions = asArray(r['regions'], 'regions', 1, 64).map((v, i): RegionOrgs => {
    const g = asRecord(v, `regions[${i}]`);
    onlyKeys(g, `regions[${i}]`, ['channel', 'hv', 'lvs']);
    return {
      channel: asString(g['channel'], `regions[${i}].channel`, CHANNEL),
      hv: asString(g['hv'], `regions[${i}].hv`, MSP_ID),
      lvs: asArray(g['lvs'], `regions[${i}].lvs`, 1, 256).map((l, j) =>
        asString(l, `regions[${i}].lvs[${j}]`, MSP_ID),
      ),
    };
  });
  const providers = asArray(r['providers'], 'providers', 0, 64).map((p, i) =>
    asString(p, `providers[${i}]`, MSP_ID),
  );
  const all = [gridCompany, regulator, ...regions.flatMap((g) => [g.hv, ...g.lvs]), ...providers];
  const seen = new Set<string>();
  for (const id of all) {
    if (seen.has(id)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `organization ${id} appears twice in the network`, {
        field: 'network',
        value: id,
      });
    }
    seen.add(id);
  }
  const channels = new Set(regions.map((g) => g.channel));
  if (channels.size !== regions.length) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'two regions name the same slave channel', {
      field: 'regions',
    });
  }
  return { gridCompany, regulator, regions, providers };
}

/** The recorded organizations. @throws INVALID_STATE before `Network:Configure`. */
export async function readNetworkOrgs(ctx: Context): Promise<NetworkOrgs> {
  const stored = await getJson<NetworkOrgs>(ctx, NETWORK_ORGS_KEY);
  if (stored === undefined) {
    throw new CarbonTraceError(
      'INVALID_STATE',
      `channel ${ctx.stub.getChannelID()} has no network configuration (run Network:Configure at deployment)`,
      { channel: ctx.stub.getChannelID() },
    );
  }
  return stored;
}

/** The region of a slave channel. @throws NOT_FOUND for a channel the network does not have. */
export function regionOfChannel(orgs: NetworkOrgs, channel: string): RegionOrgs {
  const region = orgs.regions.find((g) => g.channel === channel);
  if (region === undefined) {
    throw new CarbonTraceError('NOT_FOUND', `slave channel ${channel} is not part of the network`, {
      channel,
    });
  }
  return region;
}

/** The region whose HV organization is `hvMsp`, or undefined. */
export function regionOfHv(orgs: NetworkOrgs, hvMsp: string): RegionOrgs | undefined {
  return orgs.regions.find((g) => g.hv === hvMsp);
}

/** The region an LV organization belongs to, or undefined. */
export function regionOfLv(orgs: NetworkOrgs, lvMsp: string): RegionOrgs | undefined {
  return orgs.regions.find((g) => g.lvs.includes(lvMsp));
}

/** Peer organizations of the master channel: GridCo, every HV, the regulator. */
export function masterPeerOrgs(orgs: NetworkOrgs): string[] {
  return [orgs.gridCompany, ...orgs.regions.map((g) => g.hv), orgs.regulator];
}

/** Peer organizations of a channel (`master` or a slave channel). */
export function channelPeerOrgs(orgs: NetworkOrgs, channel: string): string[] {
  if (channel === 'master') return masterPeerOrgs(orgs);
  const region = regionOfChannel(orgs, channel);
  return [region.hv, ...region.lvs, orgs.regulator];
}

/** The private collection of a region's plaintext (GridCo, the region's HV, the regulator). */
export function regionCollection(channel: string): string {
  return `region-${channel.slice('slave-'.length)}`;
}

/** The private collection of one provider's masked tasks and answers (`CloudA` → `tasks-CloudA`). */
export function providerCollection(providerId: string): string {
  return `tasks-${providerId}`;
}

/** The configuration of the default test topology (unit tests; `test-network-config/topology.json`). */
export const TEST_NETWORK_ORGS: NetworkOrgs = {
  gridCompany: 'GridCoMSP',
  regulator: 'RegulatorMSP',
  regions: [
    { channel: 'slave-hv1', hv: 'Hv1MSP', lvs: ['Lv1aMSP', 'Lv1bMSP'] },
    { channel: 'slave-hv2', hv: 'Hv2MSP', lvs: ['Lv2aMSP', 'Lv2bMSP'] },
  ],
  providers: ['CloudAMSP', 'CloudBMSP', 'CloudCMSP'],
};
