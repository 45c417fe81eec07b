/**
 * The provider's eyes on the real network (DESIGN.md §8): after a short day run (the main job,
 * two hourly slots of case33bw), each cloud provider's user fetches every master block it may
 * read through the deliver service and every chaincode event, and none of that day's plaintext
 * appears: loads and DG output, line R/X, unit PECC and carbon parameters, flows, losses,
 * intensities and carbon rates (printed at full precision), nor their parameter names. A provider
 * cannot read slave channels at all, nor another provider's masked task.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { Network } from '@hyperledger/fabric-gateway';
import { connectGateway, getChainInfo, loadTestNetwork } from './support';
import type { OrgGateway } from './support';

jest.setTimeout(1_200_000);

const root = path.resolve(__dirname, '..', '..');
const driver = path.join(root, 'gateway-client', 'dist', 'job', 'run-main-job.js');
const utf8 = new TextDecoder();
const PROVIDERS = ['CloudA', 'CloudB', 'CloudC'];

/**
 * Parameter names of the slot's plaintext, as the chaincode and engine spell them, searched as JSON
 * keys (quoted): a short bare name such as `xPu` turns up by chance in the base64 text of the
 * blocks' certificates, which are new on every fresh network.
 */
const NAMES = [
  'pecc',
  'carbonContentRate',
  'oxidationRate',
  'captureRate',
  'intensityTco2PerMwh',
  'nodeIntensityTco2PerMwh',
  'loadTco2PerH',
  'lossTco2PerH',
  'loadByGeneratorTco2PerH',
  'emissionTco2PerH',
  'throughFlowMw',
  'sendingTco2PerH',
  'proposal',
  'loads',
  'branches',
  'rPu',
  'xPu',
].map((name) => `"${name}"`);

/** Up to three places where `needle` occurs in `text`, with 40 characters either side, for the failure message. */
function contexts(text: string, needle: string): string[] {
  const found: string[] = [];
  for (let at = text.indexOf(needle); at >= 0 && found.length < 3; at = text.indexOf(needle, at + 1)) {
    found.push(JSON.stringify(text.slice(Math.max(0, at - 40), at + needle.length + 40)));
  }
  return found;
}

/** Every number in a JSON value, as full-precision text (integers and short decimals are too common to test). */
function significantNumbers(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'number') {
    const text = String(value);
    if (!Number.isInteger(value) && text.replace(/^-?0\.0*/, '').replace('.', '').length >= 6) out.add(text);
  } else if (Array.isArray(value)) {
    for (const v of value) significantNumbers(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) significantNumbers(v, out);
  }
  return out;
}

async function everyBlock(network: Network): Promise<Uint8Array[]> {
  const height = (await getChainInfo(network)).height;
  const blocks: Uint8Array[] = [];
  const events = await network.getBlockEvents({ startBlock: 0n });
  try {
    for await (const block of events) {
      blocks.push(block.serializeBinary());
      if (BigInt(blocks.length) >= height) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

async function everyEvent(network: Network, upTo: bigint): Promise<string[]> {
  const out: string[] = [];
  const events = await network.getChaincodeEvents('carbon-master', { startBlock: 0n });
  try {
    for await (const e of events) {
      out.push(`${e.eventName} ${utf8.decode(e.payload)}`);
      if (e.blockNumber >= upTo - 1n) break;
    }
  } finally {
    events.close();
  }
  return out;
}

describe("the provider's eyes: no plaintext of a day reaches a cloud provider", () => {
  const network = loadTestNetwork();
  const gw: Record<string, OrgGateway> = {};
  let out = '';
  let plaintext = new Set<string>();
  let taskIds: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'ct-provider-eyes-'));
    const run = spawnSync(
      process.execPath,
      [driver, '--slots', '2', '--json', '--out', out, '--slot-seconds', '0'],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (run.status !== 0) process.stderr.write(run.stderr.slice(-4000));
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as {
      slots: { taskId: string; channel: string; slot: number; carbonFlow: unknown }[];
    };
    taskIds = report.slots.map((s) => s.taskId);
    for (const org of ['Regulator', ...PROVIDERS]) gw[org] = await connectGateway({ org, network });
    const regulator = gw['Regulator'];
    if (regulator === undefined) throw new Error('no regulator');
    // the day's plaintext as the regulator (entitled to it) reads it: carbon flows, unit
    // parameters, and the sealed slave packages (loads, DG output, topology, R/X)
    plaintext = new Set<string>();
    for (const s of report.slots) {
      significantNumbers(s.carbonFlow, plaintext);
      const task = JSON.parse(
        utf8.decode(
          await regulator.gateway
            .getNetwork('master')
            .getContract('carbon-master', 'Trace')
            .evaluateTransaction('GetTask', s.taskId),
        ),
      ) as unknown;
      significantNumbers(task, plaintext);
      const sealed = JSON.parse(
        utf8.decode(
          await regulator.gateway
            .getNetwork(s.channel)
            .getContract('carbon-slave', 'Index')
            .evaluateTransaction('GetPackage', String(s.slot)),
        ),
      ) as unknown;
      significantNumbers(sealed, plaintext);
    }
  });

  afterAll(() => {
    for (const g of Object.values(gw)) g.close();
    rmSync(out, { recursive: true, force: true });
  });

  it.each(PROVIDERS)(
    '%s reads every master block and event and finds no plaintext value or name',
    async (provider) => {
      expect(plaintext.size).toBeGreaterThan(100);
      const g = gw[provider];
      if (g === undefined) throw new Error(`no gateway for ${provider}`);
      const master = g.gateway.getNetwork('master');
      const blocks = await everyBlock(master);
      const text = blocks.map((b) => Buffer.from(b).toString('latin1')).join('\n');
      const events = (await everyEvent(master, BigInt(blocks.length))).join('\n');
      expect(blocks.length).toBeGreaterThan(10);
      // the day's traces are in these blocks (their ids are public), their numbers are not
      for (const id of taskIds) expect(text).toContain(id);
      const leakedValues = [...plaintext].filter((v) => text.includes(v) || events.includes(v));
      const leakedNames = NAMES.filter((n) => text.includes(n) || events.includes(n));
      console.log(
        `${provider}: ${blocks.length} blocks, ${events.split('\n').length} events, ${plaintext.size} plaintext values checked: ${leakedValues.length} readable, names ${JSON.stringify(leakedNames)}`,
      );
      for (const leak of [...leakedValues, ...leakedNames]) {
        console.log(
          `${provider} sees ${leak} at ${[...contexts(text, leak), ...contexts(events, leak)].join(' ')}`,
        );
      }
      expect(leakedValues).toEqual([]);
      expect(leakedNames).toEqual([]);
    },
  );

  it('a provider cannot read slave-channel blocks', async () => {
    const g = gw['CloudA'];
    if (g === undefined) throw new Error('no gateway');
    const slave = g.gateway.getNetwork('slave-hv1');
    const attempt = (async () => {
      const events = await slave.getBlockEvents({ startBlock: 0n });
      try {
        for await (const block of events) return block;
      } finally {
        events.close();
      }
      return undefined;
    })();
    await expect(attempt).rejects.toThrow();
  });

  it("CloudB's attempts to read CloudA's masked task are refused", async () => {
    const cloudB = gw['CloudB'];
    if (cloudB === undefined) throw new Error('no gateway');
    const trace = cloudB.gateway.getNetwork('master').getContract('carbon-master', 'Trace');
    let refused = 0;
    for (const taskId of taskIds) {
      for (const role of ['I', 'II']) {
        const assignment = JSON.parse(
          utf8.decode(await trace.evaluateTransaction('GetArbitration', taskId)),
        ) as { assignment: Record<string, string | null> };
        if (assignment.assignment[role] === 'CloudB') continue;
        for (const peerOrg of [['RegulatorMSP'], ['GridCoMSP']]) {
          await expect(
            trace.evaluate('GetMaskedTask', { arguments: [taskId, role], endorsingOrganizations: peerOrg }),
          ).rejects.toThrow(/ACCESS_DENIED|does not have read access|not assigned/);
          refused += 1;
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
