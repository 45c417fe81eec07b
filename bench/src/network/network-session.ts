/**
 * The connected network the `ingestion` and `traces` phases share: GridCo, every HV region of the
 * case33bw split with its LV clients and registered topologies, case4's topologies on slave-hv1,
 * and, once started, our anchor relays and the two bench providers. Everything it opens or starts
 * it closes in {@link NetworkSession.close}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseMatpowerCase, type TopologyReference } from '@carbontrace/chaincode';
import {
  openCloudProvider,
  openGridCompany,
  openHvSubstation,
  openLvSubstation,
  splitCase33bw,
  startAnchorRelay,
  type CloudProviderClient,
  type GridCompanyClient,
  type HvSubstationClient,
  type LedgerWaiter,
  type LvSubstationClient,
  type OpenedClient,
  type RunningProcess,
  type SplitFeeder,
} from '@carbontrace/gateway-client';

import { casesFolder } from '../engine/bench-cases';
import { AnchorLagProbe } from './anchor-lag-probe';
import { CASE4_TOPOLOGIES } from './case4-slot';
import type { NetworkPlan } from './network-plan';

/** One HV substation's part of case33bw. */
export type HvRegion = SplitFeeder['regions'][number];

/** A region with its connected clients. */
export interface BenchRegion {
  readonly region: HvRegion;
  readonly hv: OpenedClient<HvSubstationClient>;
  /** By LV organization id. */
  readonly lvs: ReadonlyMap<string, LvSubstationClient>;
  readonly topologies: ReadonlyMap<string, TopologyReference>;
  readonly hvLedger: LedgerWaiter;
}

/** The GridCo client could not connect: the network is not there. */
export class NetworkUnreachableError extends Error {
  override readonly name = 'NetworkUnreachableError';
}

/** The shared, connected network of one bench run. */
export interface NetworkSession {
  readonly gridCo: OpenedClient<GridCompanyClient>;
  readonly regions: readonly BenchRegion[];
  readonly hv1: BenchRegion;
  /** Lv1a's and Lv1b's case4 topologies (grid `case4`). */
  readonly case4Topologies: ReadonlyMap<string, TopologyReference>;
  readonly probe: AnchorLagProbe;
  /** A slot number no earlier call returned (unique per run, far from the main job's). */
  takeSlot(): number;
  /** Opens one more LV client (closed with the session). */
  openLv(org: string, channel: string): Promise<LvSubstationClient>;
  /** Starts the anchor relays (once) and registers the providers; resolves to their clients. */
  startServices(): Promise<readonly CloudProviderClient[]>;
  /** Stops the relays and closes every connection. Idempotent. */
  close(): Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Connects to the network of `plan.paths` and registers the topologies the phases submit against.
 * @throws NetworkUnreachableError when GridCo cannot connect; the clients' errors otherwise.
 */
export async function openNetworkSession(plan: NetworkPlan, outDir: string): Promise<NetworkSession> {
  const { configDir } = plan.paths;
  const opened: OpenedClient<unknown>[] = [];
  const processes: RunningProcess[] = [];
  const probe = new AnchorLagProbe();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(processes.map((p) => p.stop()));
    for (const o of opened) o.close();
  };
  let gridCo: OpenedClient<GridCompanyClient>;
  try {
    gridCo = await openGridCompany({ org: 'GridCo', configDir });
  } catch (error) {
    throw new NetworkUnreachableError(`cannot connect to the test network (${message(error)})`);
  }
  opened.push(gridCo);
  try {
    const split = splitCase33bw(
      parseMatpowerCase(readFileSync(join(casesFolder(), 'case33bw.m'), 'utf8'), 'case33bw.m'),
    );
    const regions = await Promise.all(
      split.regions.map(async (region): Promise<BenchRegion> => {
        const hv = await openHvSubstation({ org: region.hv, configDir });
        opened.push(hv);
        const lvs = new Map<string, LvSubstationClient>();
        const topologies = new Map<string, TopologyReference>();
        for (const f of region.feeders) {
          const lv = await openLvSubstation({ org: f.lv, slaveChannel: region.channel, configDir });
          opened.push(lv);
          lvs.set(f.lv, lv.client);
          topologies.set(f.lv, await lv.client.ensureTopology(f.topology));
        }
        const hvLedger = hv.connection.ledger();
        return { region, hv, lvs, topologies, hvLedger };
      }),
    );
    const hv1 = regions.find((r) => r.region.hv === 'Hv1');
    if (hv1 === undefined) throw new Error('the case33bw split has no Hv1 region');
    const case4Topologies = new Map<string, TopologyReference>();
    for (const [lv, topology] of CASE4_TOPOLOGIES) {
      const client = hv1.lvs.get(lv);
      if (client === undefined) throw new Error(`no ${lv} client in the Hv1 region`);
      case4Topologies.set(lv, await client.ensureTopology(topology));
    }

    // Slots of this run: far above the main job's, distinct between runs a second apart.
    const slotBase = 700_000_000_000 + (Math.floor(Date.now() / 1000) % 100_000_000) * 1000;
    let lastSlot = slotBase;
    let clouds: readonly CloudProviderClient[] | undefined;
    return {
      gridCo,
      regions,
      hv1,
      case4Topologies,
      probe,
      takeSlot: () => (lastSlot += 1),
      openLv: async (org, channel) => {
        const lv = await openLvSubstation({ org, slaveChannel: channel, configDir });
        opened.push(lv);
        return lv.client;
      },
      startServices: async () => {
        if (clouds !== undefined) return clouds;
        for (const r of regions) {
          processes.push(
            await startAnchorRelay({
              hv: r.region.hv,
              checkpointPath: join(outDir, `relay-${r.region.hv}-${slotBase}.json`),
              configDir,
              onEvent: (event) => {
                if (event.kind === 'anchored') {
                  probe.anchored(
                    r.region.channel,
                    event.entries.map((e) => e.blockNumber),
                  );
                }
              },
            }),
          );
        }
        const started: CloudProviderClient[] = [];
        for (const p of plan.traces.providers) {
          const cloud = await openCloudProvider({ org: p.id, configDir });
          opened.push(cloud);
          await cloud.client.register(p.feePerTask);
          started.push(cloud.client);
        }
        clouds = started;
        return started;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
