/**
 * What the dashboard shows, read from the ledger as the regulator through {@link RegulatorClient}
 * (records are cached per task: a recorded carbon flow does not change). The ledger has no query
 * listing traced intervals yet, so the index of traced slots (channel, slot, interval, task) comes
 * from the main job's `report.json`; every value drawn is read from the ledger.
 */
import { promises as fs } from 'fs';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import type { CarbonFlowRecord } from '@carbontrace/chaincode';
import type { RegulatorClient } from '../clients/regulator-client';
import type { SplitFeeder } from '../job/feeder-split';
import { splitCase33bw } from '../job/feeder-split';
import { consumerIntervals } from '@carbontrace/chaincode';
import { proposalRates } from '../job/report-accounting';
import type { RegionSeries } from '../job/report-charts';
import { emissionChartOption, intensityChartOption } from '../job/report-charts';
import { consumerStatement } from '../job/consumer-statement';
import type { ConsumerStatement } from '../job/consumer-statement';
import { parseOffsetTimestamp } from '../job/data/wall-clock';
import { bucketOf, INTENSITY_BUCKETS } from './intensity-buckets';

/** One traced slot of the index. */
export interface IndexEntry {
  readonly hv: string;
  readonly channel: string;
  readonly slot: number;
  readonly start: string;
  readonly end: string;
  readonly taskId: string;
}

/** The dashboard's index: traced slots, and the interval length. */
export interface DashboardIndex {
  readonly entries: readonly IndexEntry[];
  /** Distinct interval starts in order. */
  readonly starts: readonly string[];
  readonly intervalMinutes: number;
  readonly offsetMinutes: number;
}

/** Reads the index of traced slots from a `report.json`. @throws Error when it is missing or malformed. */
export async function readIndex(reportPath: string): Promise<DashboardIndex> {
  const report = JSON.parse(await fs.readFile(reportPath, 'utf8')) as {
    intervalMinutes?: number;
    slots?: { hv: string; channel: string; slot: number; start?: string; end?: string; taskId: string }[];
  };
  const entries = (report.slots ?? []).map((s) => {
    if (s.start === undefined || s.end === undefined)
      throw new Error(`${reportPath}: slot ${s.slot} has no start/end (a report of an older version)`);
    return { hv: s.hv, channel: s.channel, slot: s.slot, start: s.start, end: s.end, taskId: s.taskId };
  });
  const starts = [...new Set(entries.map((e) => e.start))].sort((a, b) => Date.parse(a) - Date.parse(b));
  const first = parseOffsetTimestamp(starts[0] ?? '');
  return {
    entries,
    starts,
    intervalMinutes: report.intervalMinutes ?? 60,
    offsetMinutes: typeof first === 'string' ? 0 : first.offsetMinutes,
  };
}

/** The feeder drawn on the map. */
export interface FeederGraph {
  readonly regions: readonly {
    readonly hv: string;
    readonly channel: string;
    readonly slackBus: number;
    readonly buses: readonly { readonly busId: number; readonly lv: string }[];
    readonly branches: readonly { readonly fromBusId: number; readonly toBusId: number }[];
    readonly units: readonly { readonly busId: number; readonly unitId: string }[];
  }[];
  readonly buckets: typeof INTENSITY_BUCKETS;
}

/** The split feeder of a case file, as a graph. */
export async function feederGraph(casePath: string): Promise<FeederGraph> {
  const split: SplitFeeder = splitCase33bw(parseMatpowerCase(await fs.readFile(casePath, 'utf8'), casePath));
  return {
    regions: split.regions.map((r) => ({
      hv: r.hv,
      channel: r.channel,
      slackBus: r.feeders.flatMap((f) => f.topology.buses).find((b) => b.kind === 'slack')?.busId ?? 0,
      buses: r.feeders.flatMap((f) => f.topology.buses.map((b) => ({ busId: b.busId, lv: f.lv }))),
      branches: r.feeders.flatMap((f) =>
        f.topology.branches.map((b) => ({ fromBusId: b.fromBusId, toBusId: b.toBusId })),
      ),
      units: r.feeders.flatMap((f) => f.units.map((u) => ({ busId: u.busId, unitId: u.unitId }))),
    })),
    buckets: INTENSITY_BUCKETS,
  };
}

/** The map's state at one interval of one region. */
export interface SlotView {
  readonly channel: string;
  readonly slot: number;
  readonly start: string;
  readonly end: string;
  readonly taskId: string;
  readonly buses: readonly {
    readonly busId: number;
    readonly intensityTco2PerMwh: number;
    readonly loadMw: number;
    readonly loadTco2PerH: number;
    readonly bucket: number;
    readonly colour: string;
  }[];
  readonly branches: readonly {
    readonly fromBusId: number;
    readonly toBusId: number;
    readonly sendingTco2PerH: number;
    readonly lossMw: number;
  }[];
}

/** Reads and caches the dashboard's ledger records. */
export class DashboardData {
  readonly #client: RegulatorClient;
  readonly #index: DashboardIndex;
  readonly #flows = new Map<string, Promise<CarbonFlowRecord>>();

  constructor(client: RegulatorClient, index: DashboardIndex) {
    this.#client = client;
    this.#index = index;
  }

  get index(): DashboardIndex {
    return this.#index;
  }

  #entry(channel: string, start: string): IndexEntry {
    const e = this.#index.entries.find((x) => x.channel === channel && x.start === start);
    if (e === undefined) throw new NotFound(`no traced slot of ${channel} starts at ${start}`);
    return e;
  }

  #flow(taskId: string): Promise<CarbonFlowRecord> {
    let flow = this.#flows.get(taskId);
    if (flow === undefined) {
      flow = this.#client.carbonFlow(taskId);
      flow.catch(() => this.#flows.delete(taskId));
      this.#flows.set(taskId, flow);
    }
    return flow;
  }

  /** The map at one interval: nodal intensities (Audit:SlotIntensities) and branch carbon flows. */
  async slot(channel: string, start: string): Promise<SlotView> {
    const e = this.#entry(channel, start);
    const [intensities, flow] = await Promise.all([
      this.#client.slotIntensities(channel, e.slot),
      this.#flow(e.taskId),
    ]);
    const p = flow.proposal;
    return {
      channel,
      slot: e.slot,
      start: e.start,
      end: e.end,
      taskId: e.taskId,
      buses: intensities
        .map((r) => {
          const bucket = bucketOf(r.intensityTco2PerMwh);
          return {
            busId: r.busId,
            intensityTco2PerMwh: r.intensityTco2PerMwh,
            loadMw: r.loadMw,
            loadTco2PerH: r.loadTco2PerH,
            bucket: bucket.index,
            colour: bucket.colour,
          };
        })
        .sort((a, b) => a.busId - b.busId),
      branches: p.branches.map((b, k) => ({
        fromBusId: b.fromBusId,
        toBusId: b.toBusId,
        sendingTco2PerH: p.sendingTco2PerH[k] ?? 0,
        lossMw: p.lossMw[k] ?? 0,
      })),
    };
  }

  /** The charts (ECharts options) of every indexed interval, per region. */
  async charts(): Promise<{ intensity: unknown; emission: unknown; points: unknown }> {
    const regions = [...new Set(this.#index.entries.map((e) => e.hv))].sort();
    const points = await Promise.all(
      this.#index.entries.map(async (e) => {
        const p = (await this.#flow(e.taskId)).proposal;
        const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
        return {
          hv: e.hv,
          start: e.start,
          startMs: Date.parse(e.start),
          intensityTco2PerMwh: sum(p.loadTco2PerH) / sum(p.loadMw),
          emissionT: (sum(p.emissionTco2PerH) * this.#index.intervalMinutes) / 60,
        };
      }),
    );
    const series = (value: (p: (typeof points)[number]) => number): RegionSeries[] =>
      regions.map((hv) => ({
        hv,
        points: points.filter((p) => p.hv === hv).map((p) => [p.startMs, value(p)] as const),
      }));
    return {
      intensity: intensityChartOption(
        series((p) => p.intensityTco2PerMwh),
        this.#index.offsetMinutes,
      ),
      emission: emissionChartOption(
        series((p) => p.emissionT),
        this.#index.offsetMinutes,
      ),
      points,
    };
  }

  /** Per-consumer energy and carbon of one region at one interval. */
  async consumers(channel: string, start: string): Promise<unknown> {
    const e = this.#entry(channel, start);
    const flow = await this.#flow(e.taskId);
    return consumerIntervals(proposalRates(flow.proposal), this.#index.intervalMinutes)
      .sort((a, b) => a.busId - b.busId)
      .map((c) => ({ ...c, start: e.start, end: e.end, taskId: e.taskId }));
  }

  /** A consumer's statement over the indexed period. */
  statement(channel: string, busId: number, from: string, to: string): Promise<ConsumerStatement> {
    const f = parseOffsetTimestamp(from);
    const t = parseOffsetTimestamp(to);
    if (typeof f === 'string') throw new BadRequest(`from: ${f}`);
    if (typeof t === 'string') throw new BadRequest(`to: ${t}`);
    return consumerStatement(this.#client, {
      channel,
      busId,
      fromMs: f.ms,
      toMs: t.ms,
      offsetMinutes: f.offsetMinutes,
      intervalMinutes: this.#index.intervalMinutes,
    });
  }

  provenance(taskId: string): Promise<unknown> {
    return this.#client.provenance(taskId);
  }

  verifyAnchor(channel: string, block: number): Promise<unknown> {
    return this.#client.verifyAnchor(channel, block);
  }

  async providers(): Promise<unknown> {
    const [providers, blacklist] = await Promise.all([this.#client.providers(), this.#client.blacklist()]);
    return { providers, blacklist };
  }
}

/** A request for something the index does not have. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}

/** A malformed request. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}
