/**
 * Starts the anchor relay of one HV substation: its client, the Fabric ports (block events from
 * its own peer, the master ledger), and the relay loop with its file checkpoint.
 */
import { openHvSubstation } from '../clients/open-clients';
import type { AnchorRelay, RelayEvent } from '../relay/anchor-relay';
import { newAnchorRelay } from '../relay/anchor-relay';
import { newMasterAnchorLedger, newPeerBlockSource } from '../relay/fabric-relay-ports';
import { runningProcess } from './running-process';
import type { RunningProcess } from './running-process';
import type { RetryHooks } from '../sdk/retry-policy';

/** Options of {@link startAnchorRelay}. */
export interface StartAnchorRelayOptions {
  /** HV organization id, e.g. `Hv1`. */
  readonly hv: string;
  /** Checkpoint file. */
  readonly checkpointPath: string;
  /** Network configuration directory. @default `.run/network/config` */
  readonly configDir?: string;
  /** Retry hooks of its client (e.g. the main job's retry tally). */
  readonly retryHooks?: RetryHooks;
  /** Progress callback. */
  readonly onEvent?: (event: RelayEvent) => void;
}

/** A started relay. */
export interface StartedRelay extends RunningProcess {
  readonly relay: AnchorRelay;
}

/**
 * Connects and starts the relay.
 * @throws {@link GatewayClientError} when the HV organization cannot connect.
 */
export async function startAnchorRelay(options: Readonly<StartAnchorRelayOptions>): Promise<StartedRelay> {
  const hv = await openHvSubstation({
    org: options.hv,
    ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
    ...(options.retryHooks === undefined ? {} : { retryHooks: options.retryHooks }),
  });
  const relay = newAnchorRelay({
    channel: hv.client.slaveChannel,
    source: newPeerBlockSource(hv.connection.network(hv.client.slaveChannel)),
    ledger: newMasterAnchorLedger({ hv: hv.client }),
    checkpointPath: options.checkpointPath,
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  return {
    ...runningProcess(
      `relay ${options.hv}`,
      (signal) => relay.run(signal),
      () => {
        hv.close();
      },
    ),
    relay,
  };
}
