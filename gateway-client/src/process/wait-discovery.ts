/**
 * Waits, after a deploy, until every peer's gateway has learned (through gossip) every peer
 * organization of each of its channels as an endorser of that channel's chaincode. Until then a
 * proposal that names its endorsing organizations (DESIGN.md §8: the owner and the verifier) is
 * refused with `failed to find any endorsing peers for org(s)`, although the chaincode is
 * committed everywhere. The probe is the same call a client makes: `Network:Get` evaluated with
 * `endorsingOrganizations` set to the other organization, through each organization's own gateway.
 *
 * Usage: node gateway-client/dist/process/wait-discovery.js [configDir] [--timeout-s 90]
 * Exit codes: 0 every pair answered; 1 a pair still refused at the deadline (named on stderr).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { defaultNetworkConfigDir, loadConnectionProfile } from '../sdk/connection-profile';
import { connectOrg } from '../sdk/org-connection';
import type { OrgConnection } from '../sdk/org-connection';
import { abortableSleep } from '../sdk/polling';

interface ChannelEntry {
  readonly name: string;
  readonly chaincode: string;
  readonly peerOrgs: readonly string[];
}

interface OrgEntry {
  readonly name: string;
  readonly mspId: string;
}

/** One gateway (the org's own peer) asked to find one organization's endorsing peer on a channel. */
interface Probe {
  readonly via: string;
  readonly channel: ChannelEntry;
  readonly endorser: OrgEntry;
}

const PROBE_INTERVAL_MS = 500;

async function readNetwork(configDir: string): Promise<{ channels: ChannelEntry[]; orgs: OrgEntry[] }> {
  const file = path.join(configDir, 'network.json');
  const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { channels?: unknown; orgs?: unknown };
  if (!Array.isArray(parsed.channels) || !Array.isArray(parsed.orgs)) {
    throw new Error(`${file}: expected "channels" and "orgs" arrays`);
  }
  return { channels: parsed.channels as ChannelEntry[], orgs: parsed.orgs as OrgEntry[] };
}

async function answers(connection: OrgConnection, probe: Probe): Promise<string | undefined> {
  try {
    await connection
      .network(probe.channel.name)
      .getContract(probe.channel.chaincode, 'Network')
      .evaluate('Get', { endorsingOrganizations: [probe.endorser.mspId] });
    return undefined;
  } catch (error: unknown) {
    const e = error as { message?: string; details?: { message?: string }[] };
    const text = [e.message ?? String(error), ...(e.details ?? []).map((d) => d.message ?? '')].join(' ');
    // a chaincode answer (even NOT_FOUND before Network:Configure) means the endorser was found
    if (!/UNAVAILABLE|failed to find any endorsing peers|no peers? available|DEADLINE_EXCEEDED/.test(text)) {
      return undefined;
    }
    return text;
  }
}

/** Runs every probe until it answers or the deadline passes; returns the probes still refused. */
export async function waitForDiscovery(
  configDir: string,
  timeoutMs: number,
): Promise<{ probes: number; elapsedMs: number; refused: { probe: string; error: string }[] }> {
  const started = Date.now();
  const { channels, orgs } = await readNetwork(configDir);
  const byName = new Map(orgs.map((o) => [o.name, o]));
  const connections = new Map<string, OrgConnection>();
  try {
    let pending: Probe[] = [];
    for (const channel of channels) {
      for (const via of channel.peerOrgs) {
        for (const other of channel.peerOrgs) {
          const endorser = byName.get(other);
          if (other === via || endorser === undefined) continue;
          pending.push({ via, channel, endorser });
        }
      }
    }
    const probes = pending.length;
    for (const via of new Set(pending.map((p) => p.via))) {
      connections.set(
        via,
        await connectOrg({ config: await loadConnectionProfile({ org: via, configDir }) }),
      );
    }
    const last = new Map<Probe, string>();
    for (;;) {
      const still: Probe[] = [];
      for (const probe of pending) {
        const connection = connections.get(probe.via);
        if (connection === undefined) continue;
        const error = await answers(connection, probe);
        if (error !== undefined) {
          still.push(probe);
          last.set(probe, error);
        }
      }
      pending = still;
      if (pending.length === 0 || Date.now() - started >= timeoutMs) break;
      await abortableSleep(PROBE_INTERVAL_MS);
    }
    return {
      probes,
      elapsedMs: Date.now() - started,
      refused: pending.map((p) => ({
        probe: `${p.via}'s gateway on ${p.channel.name} finding ${p.endorser.mspId}`,
        error: (last.get(p) ?? '').slice(0, 300),
      })),
    };
  } finally {
    for (const c of connections.values()) c.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let configDir = defaultNetworkConfigDir();
  let timeoutS = 90;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--timeout-s') {
      timeoutS = Number.parseInt(argv[i + 1] ?? '', 10);
      i += 1;
      if (!Number.isInteger(timeoutS) || timeoutS <= 0)
        throw new Error(`--timeout-s: expected seconds, got ${argv[i]}`);
    } else {
      configDir = path.resolve(arg);
    }
  }
  const result = await waitForDiscovery(configDir, timeoutS * 1000);
  if (result.refused.length > 0) {
    for (const r of result.refused) process.stderr.write(`[network] discovery: ${r.probe}: ${r.error}\n`);
    process.stderr.write(
      `[network] error: ${result.refused.length} of ${result.probes} endorser look-ups still refused after ${timeoutS} s\n`,
    );
    return 1;
  }
  process.stderr.write(
    `[network] discovery: every gateway finds every peer organization of its channels (${result.probes} look-ups, ${result.elapsedMs} ms)\n`,
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `[network] error: discovery wait failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
