/**
 * The main job (`npm start`): a day of hourly carbon traces of case33bw, split between the two HV
 * substations, on the running network — LV submissions, anchor relays, outsourced computation with
 * two honest providers and one that cheats now and then, condition b's arbitration, GridCo's carbon
 * flow records, a regulator's audit of the anchors, and a comparison with the local engine.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import type { TopologyReference } from '@carbontrace/chaincode';
import type { LvSubstationClient } from '../clients/lv-substation-client';
import type { OpenedClient } from '../clients/open-clients';
import { openGridCompany, openHvSubstation, openLvSubstation, openRegulator } from '../clients/open-clients';
import type { AnchorVerification, ProviderView } from '../clients/regulator-client';
import { newQsccBlockReader } from '../clients/regulator-client';
import { anchorEntryOf } from '../relay/anchor-relay';
import { MASTER_CHAINCODE, MASTER_CHANNEL } from '../sdk/network-names';
import type { RunningProcess } from '../process/running-process';
import { FailureWatch } from '../process/failure-watch';
import type { ProviderConduct } from '../worker/provider-computation';
import type { AnswerTracker } from './answer-tracker';
import { startAnswerTracker } from './answer-tracker';
import { splitCase33bw } from './feeder-split';
import { ensureActiveEpoch } from './governance-epoch';
import { startJobServices } from './job-services';
import type { JobCheat } from './job-services';
import { regionSlot } from './slot-data';
import type { MeasuredData, MeasuredInterval } from './data/measured-data';
import type { SlotInterval } from './data/wall-clock';
import { intervalAt, localHourOf, shortLabel } from './data/wall-clock';
import { SlotLog } from './slot-log';
import type { SlotDigest } from './slot-log';
import { traceRegionSlot } from './slot-trace';
import { newRetryTally } from './retry-tally';
import { DEFAULT_SLOT_DEADLINE_MS, slotDeadline, withQuorumDiagnosis } from './slot-deadline';

/** A cloud provider of the job. */
export interface JobProvider {
  readonly id: string;
  readonly feePerTask: number;
  readonly conduct: ProviderConduct;
}

/** The job's default providers: CloudC is the cheapest and cheats on about a third of its tasks. */
export const DEFAULT_PROVIDERS: readonly JobProvider[] = [
  { id: 'CloudA', feePerTask: 1.0, conduct: { kind: 'honest' } },
  { id: 'CloudB', feePerTask: 1.2, conduct: { kind: 'honest' } },
  {
    id: 'CloudC',
    feePerTask: 0.8,
    conduct: { kind: 'cheats-sometimes', rate: 0.35, seed: 'carbontrace-main-job' },
  },
];

/** Options of {@link runMainJob}. */
export interface MainJobOptions {
  /** Number of slots: 1–24 hourly slots of the built-in day, or the first N intervals of `data`. */
  readonly slots: number;
  /**
   * Measured data (see `readMeasuredData`): each interval becomes a slot numbered by its start in
   * minutes since the Unix epoch. @default the built-in day profiles
   */
  readonly data?: MeasuredData;
  /** The case file (case33bw). */
  readonly casePath: string;
  /** Where checkpoints go. */
  readonly workDir: string;
  /** Where each traced slot's full record is appended as it is traced. @default `workDir/slots.jsonl` */
  readonly slotLogFile?: string;
  /** Network configuration directory. @default `.run/network/config` */
  readonly configDir?: string;
  /** Providers. @default {@link DEFAULT_PROVIDERS} */
  readonly providers?: readonly JobProvider[];
  /** Providers whose workers run outside this process (`carbontrace worker`). @default none */
  readonly externalWorkers?: readonly string[];
  /** HV substations whose anchor relays run outside this process (`carbontrace relay`). @default none */
  readonly externalRelays?: readonly string[];
  /** Providers I and II to request for every task. @default the cheapest eligible (contract's choice) */
  readonly requestedProviders?: readonly [string, string];
  /** Length of a verification-block slot when governance is initialized here, s. @default 2 */
  readonly slotSeconds?: number;
  /** Slots per settlement cycle (GridCo advances the cycle after each). @default 8 */
  readonly slotsPerCycle?: number;
  /**
   * Longest time one slot (both regions) may take, ms: past it the job stops with an error that
   * says why the slot is stuck (for example the ordering service's lost BFT quorum) instead of
   * retrying for ever. @default {@link DEFAULT_SLOT_DEADLINE_MS} (3 minutes)
   */
  readonly slotDeadlineMs?: number;
  /**
   * First slot number of a run on the built-in profiles. @default the start time in seconds × 100
   * (unique per run). Runs on measured data use the intervals' own slot numbers.
   */
  readonly firstSlot?: number;
  /** Progress lines. */
  readonly progress?: (line: string) => void;
}

/** What the job found. */
export interface MainJobResult {
  readonly caseFile: string;
  readonly firstSlot: number;
  /** The wall-clock interval of every traced slot, by slot number. */
  readonly intervals: ReadonlyMap<number, SlotInterval>;
  /** Interval length, minutes (60 on the built-in day). */
  readonly intervalMinutes: number;
  /** The data directory, or null for the built-in profiles. */
  readonly dataDir: string | null;
  /** Every region's traced slot, in order: the digest kept in memory (the full records are in `slotLogFile`). */
  readonly slots: readonly SlotDigest[];
  /** The JSON-lines file of the full slot records (slot-log.ts), which the report streams. */
  readonly slotLogFile: string;
  readonly providers: readonly ProviderView[];
  readonly blacklist: unknown;
  readonly anchors: readonly AnchorVerification[];
  readonly cheats: readonly JobCheat[];
  /** `TraceResultSubmitted` events per `taskId/role/kind` (1 each: no answer was submitted twice). */
  readonly answerCounts: ReadonlyMap<string, number>;
  /** The clients' retries by reason (`MVCC_READ_CONFLICT`, `PHANTOM_READ_CONFLICT`, `TRANSPORT`, a code). */
  readonly retries: Readonly<Record<string, number>>;
  /** The read conflicts among them by the transaction that lost the race (`Trace:ConditionA`, …). */
  readonly readConflictsByTransaction: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/**
 * Runs the job on the running network.
 * @throws the clients' typed errors; Error on a timeout.
 */
export async function runMainJob(options: Readonly<MainJobOptions>): Promise<MainJobResult> {
  const started = Date.now();
  const say = options.progress ?? (() => undefined);
  const configDir = options.configDir === undefined ? {} : { configDir: options.configDir };
  const providers = options.providers ?? DEFAULT_PROVIDERS;
  const split = splitCase33bw(
    parseMatpowerCase(await fs.readFile(options.casePath, 'utf8'), options.casePath),
  );
  const plan = slotPlan(options);
  const firstSlot = plan[0]?.slot ?? 0;
  const opened: OpenedClient<unknown>[] = [];
  const processes: RunningProcess[] = [];
  const cheats: JobCheat[] = [];
  let answerCounts = new Map<string, number>();
  const tally = newRetryTally();
  try {
    const gridCo = await openGridCompany({ org: 'GridCo', ...configDir, retryHooks: tally.hooks });
    opened.push(gridCo);
    const regulator = await openRegulator({ org: 'Regulator', ...configDir, retryHooks: tally.hooks });
    opened.push(regulator);
    const regions = await Promise.all(
      split.regions.map(async (region) => {
        const hv = await openHvSubstation({ org: region.hv, ...configDir, retryHooks: tally.hooks });
        opened.push(hv);
        const lvs = new Map<string, LvSubstationClient>();
        const topologies = new Map<string, TopologyReference>();
        for (const feeder of region.feeders) {
          const lv = await openLvSubstation({
            org: feeder.lv,
            slaveChannel: region.channel,
            ...configDir,
            retryHooks: tally.hooks,
          });
          opened.push(lv);
          lvs.set(feeder.lv, lv.client);
          topologies.set(feeder.lv, await lv.client.ensureTopology(feeder.topology));
        }
        const hvLedger = hv.connection.ledger();
        return { region, hv: hv.client, hvConnection: hv.connection, hvLedger, lvs, topologies };
      }),
    );
    const epoch = await ensureActiveEpoch(
      gridCo.client,
      gridCo.connection.ledger(),
      regions.map((r) => ({ hv: r.hv, ledger: r.hvLedger })),
      options.slotSeconds ?? 2,
    );
    say(
      `EA-DPoS epoch ${epoch.state.epoch} ${epoch.opened ? 'opened' : 'already active'}: consensus ${epoch.state.consensus.join(', ')}, ` +
        `supervisors ${epoch.state.supervisors.join(', ')}, verification-block slots of ${epoch.state.parameters.slotSeconds} s`,
    );
    say(
      `registered the LV topologies of ${regions.map((r) => r.region.feeders.map((f) => f.lv).join('+')).join(', ')}`,
    );
    // Checkpoints belong to one network: keep them under the id of its master genesis block.
    const genesis = await newQsccBlockReader(
      (channel) => gridCo.connection.network(channel),
      gridCo.connection.evaluateOrganizations,
    )(MASTER_CHANNEL, 0);
    const workDir = path.join(options.workDir, `network-${anchorEntryOf(genesis).headerHash.slice(0, 12)}`);
    await fs.mkdir(workDir, { recursive: true });
    await startJobServices(processes, {
      hvs: split.regions.map((r) => r.hv),
      providers,
      workDir,
      configDir: options.configDir,
      externalRelays: options.externalRelays ?? [],
      externalWorkers: options.externalWorkers ?? [],
      retryHooks: tally.hooks,
      say,
      onCheat: (cheat) => {
        cheats.push(cheat);
      },
    });
    say(`started ${processes.map((p) => p.name).join(', ')}`);
    const failures = new FailureWatch(processes.map((p) => p.done));
    const gridLedger = gridCo.connection.ledger();
    // Each HV substation follows the answers on its own peer (so condition b sees them).
    const trackers = await Promise.all(
      regions.map(async (r) =>
        startAnswerTracker(
          r.hvConnection.network(MASTER_CHANNEL),
          MASTER_CHAINCODE,
          await r.hvLedger.height(MASTER_CHANNEL),
        ),
      ),
    );
    const log = await SlotLog.create(options.slotLogFile ?? path.join(options.workDir, 'slots.jsonl'));
    try {
      for (const [index, step] of plan.entries()) {
        const { slot, hour, interval } = step;
        const deadline = slotDeadline(
          options.slotDeadlineMs ?? DEFAULT_SLOT_DEADLINE_MS,
          interval.start,
          tally,
        );
        try {
          const hourOutcomes = await failures.race(
            Promise.all(
              regions.map(({ region, hv, hvLedger, lvs, topologies }, i) =>
                traceRegionSlot(
                  { gridCo: gridCo.client, hv, lvs, answers: trackerAt(trackers, i), hvLedger, gridLedger },
                  regionSlot(region, hour, slot, topologies, step.measured),
                  `ct-${slot}-${region.hv.toLowerCase()}`,
                  options.requestedProviders,
                  (line) => {
                    say(`[slot ${index + 1}/${plan.length} ${shortLabel(interval)} ${region.hv}] ${line}`);
                  },
                ),
              ),
            ),
            deadline.expired,
          );
          for (const outcome of hourOutcomes) await log.append(outcome, interval);
        } catch (error: unknown) {
          throw withQuorumDiagnosis(error, tally);
        } finally {
          deadline.clear();
        }
        if ((index + 1) % (options.slotsPerCycle ?? 8) === 0 && index + 1 < plan.length) {
          say(`settlement cycle ${await gridCo.client.advanceCycle()} begins`);
        }
      }
    } finally {
      for (const t of trackers) t.close();
    }
    answerCounts = new Map(trackers.flatMap((t) => [...t.counts]));
    const regulatorLedger = regulator.connection.ledger();
    await regulatorLedger.waitForBlock(MASTER_CHANNEL, (await gridLedger.height(MASTER_CHANNEL)) - 1n);
    say('regulator: verifying the anchored slave blocks of every traced package');
    const anchors: AnchorVerification[] = [];
    for (const digest of log.digests) {
      anchors.push(await regulator.client.verifyAnchor(digest.channel, digest.sealBlock));
    }
    return {
      caseFile: options.casePath,
      firstSlot,
      intervals: new Map(plan.map((p) => [p.slot, p.interval])),
      intervalMinutes: options.data?.intervalMinutes ?? 60,
      dataDir: options.data?.dir ?? null,
      slots: log.digests,
      slotLogFile: log.file,
      providers: await regulator.client.providers(),
      blacklist: await regulator.client.blacklist(),
      anchors,
      cheats,
      answerCounts,
      retries: tally.counts(),
      readConflictsByTransaction: tally.conflictsByTransaction(),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    for (const o of opened) o.close();
  }
}

function trackerAt(trackers: readonly AnswerTracker[], i: number): AnswerTracker {
  const tracker = trackers[i];
  if (tracker === undefined) throw new Error(`no answer tracker for region ${i}`);
  return tracker;
}

/** One slot of the run: its number, wall-clock interval, local hour and measured data. */
interface PlannedSlot {
  readonly slot: number;
  readonly interval: SlotInterval;
  readonly hour: number;
  readonly measured?: MeasuredInterval;
}

/**
 * The run's slots. Built-in day: hourly intervals of today (UTC) from 00:00, numbered from
 * `firstSlot` (the start second × 100 by default, unique per run, within the contracts' MAX_SLOT).
 * Measured data: its first `slots` intervals, numbered by their start minute.
 */
function slotPlan(options: Readonly<MainJobOptions>): PlannedSlot[] {
  if (options.data !== undefined) {
    return options.data.intervals.slice(0, options.slots).map((measured) => ({
      slot: measured.interval.slot,
      interval: measured.interval,
      hour: localHourOf(measured.interval),
      measured,
    }));
  }
  const first = options.firstSlot ?? Math.floor(Date.now() / 1000) * 100;
  const now = new Date();
  const dayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: options.slots }, (_, hour) => ({
    slot: first + hour,
    interval: intervalAt(dayMs + hour * 3_600_000, 60, 0),
    hour,
  }));
}
