/**
 * Opens a role client for one organization from the generated connection profiles: connect
 * (TLS, identity, signer, deadlines, retries) and wire the contracts the role uses. The returned
 * {@link OpenedClient} owns the connection; `close()` releases it.
 */
import { loadConnectionProfile } from '../sdk/connection-profile';
import type { CallDeadlines } from '../sdk/deadlines';
import {
  DEFAULT_VERIFIER_ORG,
  MASTER_CHAINCODE,
  MASTER_CHANNEL,
  mspIdOf,
  SLAVE_CHAINCODE,
  slaveChannelOf,
} from '../sdk/network-names';
import type { OrgConnection } from '../sdk/org-connection';
import { connectOrg } from '../sdk/org-connection';
import type { RetryHooks, RetryOptions } from '../sdk/retry-policy';
import type { CloudProviderClient } from './cloud-provider-client';
import { newCloudProviderClient } from './cloud-provider-client';
import type { GridCompanyClient } from './grid-company-client';
import { newGridCompanyClient } from './grid-company-client';
import type { HvSubstationClient } from './hv-substation-client';
import { newHvSubstationClient } from './hv-substation-client';
import type { LvSubstationClient } from './lv-substation-client';
import { newLvSubstationClient } from './lv-substation-client';
import type { RegulatorClient } from './regulator-client';
import { newQsccBlockReader, newRegulatorClient } from './regulator-client';

/** A role client with the connection it owns. */
export interface OpenedClient<T> {
  readonly client: T;
  readonly connection: OrgConnection;
  /** Closes the connection (idempotent). */
  close(): void;
}

/** Options shared by the `open…` functions. */
export interface OpenClientOptions {
  /** Organization id, e.g. `Hv1`. */
  readonly org: string;
  /** Directory of the generated network configuration. @default `.run/network/config` */
  readonly configDir?: string;
  /** Deadline overrides. */
  readonly deadlines?: Partial<CallDeadlines>;
  /** Retry policy. */
  readonly retry?: RetryOptions;
  /** Retry hooks (logging). */
  readonly retryHooks?: RetryHooks;
  /** The independent co-endorser (DESIGN.md §8). @default `Regulator` */
  readonly verifierOrg?: string;
}

function verifierMspOf(options: Readonly<OpenClientOptions>): string {
  return mspIdOf(options.verifierOrg ?? DEFAULT_VERIFIER_ORG);
}

async function open(options: Readonly<OpenClientOptions>): Promise<OrgConnection> {
  const config = await loadConnectionProfile({
    org: options.org,
    ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
  });
  return connectOrg({
    config,
    ...(options.deadlines === undefined ? {} : { deadlines: options.deadlines }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.retryHooks === undefined ? {} : { retryHooks: options.retryHooks }),
    // a peer org's writes: its own peer and the verifier's (clouds, without peers: the gateway's choice)
    ...(config.evaluateOnOwnPeer === true && config.mspId !== verifierMspOf(options)
      ? { submitOrganizations: [config.mspId, verifierMspOf(options)] }
      : {}),
  });
}

function opened<T>(connection: OrgConnection, client: T): OpenedClient<T> {
  return {
    client,
    connection,
    close: () => {
      connection.close();
    },
  };
}

/**
 * Opens the grid company's client.
 * @throws {@link GatewayClientError} CONFIG_INVALID without a profile; {@link TransportError} when the peer is down.
 */
export async function openGridCompany(
  options: Readonly<OpenClientOptions>,
): Promise<OpenedClient<GridCompanyClient>> {
  const c = await open(options);
  return opened(
    c,
    newGridCompanyClient({
      mspId: c.mspId,
      verifierMsp: verifierMspOf(options),
      trace: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Trace'),
      providers: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Providers'),
      governance: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Governance'),
    }),
  );
}

/** Opens an HV substation's client (its peer joins master and its slave channel). */
export async function openHvSubstation(
  options: Readonly<OpenClientOptions>,
): Promise<OpenedClient<HvSubstationClient>> {
  const c = await open(options);
  const slaveChannel = slaveChannelOf(options.org);
  return opened(
    c,
    newHvSubstationClient({
      nodeId: options.org,
      mspId: mspIdOf(options.org),
      verifierMsp: verifierMspOf(options),
      slaveChannel,
      index: c.contract(slaveChannel, SLAVE_CHAINCODE, 'Index'),
      measurement: c.contract(slaveChannel, SLAVE_CHAINCODE, 'Measurement'),
      anchor: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Anchor'),
      governance: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Governance'),
      trace: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Trace'),
    }),
  );
}

/** Opens an LV substation's client on its HV substation's slave channel. */
export async function openLvSubstation(
  options: Readonly<OpenClientOptions & { readonly slaveChannel: string }>,
): Promise<OpenedClient<LvSubstationClient>> {
  const c = await open(options);
  return opened(
    c,
    newLvSubstationClient({
      substation: options.org,
      measurement: c.contract(options.slaveChannel, SLAVE_CHAINCODE, 'Measurement'),
      endorsers: [mspIdOf(options.org), verifierMspOf(options)],
    }),
  );
}

/** Opens a cloud provider's client (through its gateway peer org's peer). */
export async function openCloudProvider(
  options: Readonly<OpenClientOptions>,
): Promise<OpenedClient<CloudProviderClient>> {
  const c = await open(options);
  return opened(
    c,
    newCloudProviderClient({
      providerId: options.org,
      verifierMsp: verifierMspOf(options),
      trace: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Trace'),
      providers: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Providers'),
    }),
  );
}

/** Opens the regulator's client (its peer joins master and every slave channel). */
export async function openRegulator(
  options: Readonly<OpenClientOptions>,
): Promise<OpenedClient<RegulatorClient>> {
  const c = await open(options);
  return opened(
    c,
    newRegulatorClient({
      audit: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Audit'),
      providers: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Providers'),
      governance: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Governance'),
      anchor: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Anchor'),
      trace: c.contract(MASTER_CHANNEL, MASTER_CHAINCODE, 'Trace'),
      readBlock: newQsccBlockReader((channel) => c.network(channel), c.evaluateOrganizations),
    }),
  );
}
