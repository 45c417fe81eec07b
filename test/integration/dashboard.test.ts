/**
 * The regulator dashboard in headless Chromium on the real network: two intervals of the sample
 * data set are traced, the dashboard serves them (reading the ledger as RegulatorMSP), and the
 * test checks that what is drawn matches the ledger as an independent RegulatorClient reads it —
 * a bus's colour bucket on the map, a chart's point for a known interval, the blacklist — then
 * clicks through a provenance chain and a verify-anchor, and saves screenshots (see `screenshotDir` below).
 */
import { mkdirSync } from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import type { OpenedClient } from '../../gateway-client/src/clients/open-clients';
import { openRegulator } from '../../gateway-client/src/clients/open-clients';
import type { RegulatorClient } from '../../gateway-client/src/clients/regulator-client';
import { DashboardData, feederGraph, readIndex } from '../../gateway-client/src/dashboard/dashboard-data';
import type { DashboardServer } from '../../gateway-client/src/dashboard/dashboard-server';
import { startDashboardServer } from '../../gateway-client/src/dashboard/dashboard-server';
import { bucketOf } from '../../gateway-client/src/dashboard/intensity-buckets';
import { launchChromium } from './support/browser';
import type { SampleRun } from './support/sample-job';
import { runSampleIntervals, SAMPLE_CASE } from './support/sample-job';

jest.setTimeout(900_000);

/**
 * Where the screenshots go: out/screenshots, so that a test run leaves the working tree clean;
 * `CARBONTRACE_UPDATE_SCREENSHOTS=1` writes them over the README's copies in docs/ instead.
 */
const root = path.resolve(__dirname, '..', '..');
const screenshotDir =
  process.env['CARBONTRACE_UPDATE_SCREENSHOTS'] === '1'
    ? path.join(root, 'docs')
    : path.join(root, 'out', 'screenshots');

let run: SampleRun;
let regulator: OpenedClient<RegulatorClient>;
let server: DashboardServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  run = await runSampleIntervals(2, 1);
  regulator = await openRegulator({ org: 'Regulator' });
  server = await startDashboardServer({
    data: new DashboardData(regulator.client, await readIndex(path.join(run.outDir, 'report.json'))),
    feeder: await feederGraph(SAMPLE_CASE),
    port: 0,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(
    () => (window as unknown as { dashboard?: { ready?: string } }).dashboard?.ready,
    null,
    {
      timeout: 120_000,
    },
  );
  expect(errors).toEqual([]);
});

afterAll(async () => {
  // Each is unset when beforeAll failed before reaching it.
  const b = browser as Browser | undefined;
  const srv = server as DashboardServer | undefined;
  const reg = regulator as OpenedClient<RegulatorClient> | undefined;
  await b?.close();
  await srv?.close();
  reg?.close();
});

/** An attribute of every element matching `selector`, in document order. */
async function attributes(selector: string, name: string): Promise<string[]> {
  const all = page.locator(selector);
  const out: string[] = [];
  for (let i = 0; i < (await all.count()); i++) out.push((await all.nth(i).getAttribute(name)) ?? '');
  return out;
}

interface DrawnNode {
  colour: string;
  bucket: number;
}

function firstInterval(): { start: string; slot: number } {
  const first = run.data.intervals[0]?.interval;
  if (first === undefined) throw new Error('no interval traced');
  return { start: first.start, slot: first.slot };
}

describe('dashboard (headless Chromium, real network)', () => {
  it('labels the first interval with its ISO 8601 start and end in the data offset', async () => {
    const label = await page.textContent('#interval-label');
    const first = run.data.intervals[0]?.interval;
    expect(label).toBe(`${first?.start ?? ''} – ${first?.end ?? ''}`);
    expect(label).toMatch(/\+08:00 – .*\+08:00$/);
  });

  it.each([18, 22, 25, 33])(
    'colours bus %i in the bucket of its nodal intensity on the ledger',
    async (busId) => {
      const channel = busId < 23 ? 'slave-hv1' : 'slave-hv2';
      const record = await regulator.client.busIntensity(channel, firstInterval().slot, busId);
      const expected = bucketOf(record.intensityTco2PerMwh);
      const drawn = await page.evaluate((id) => {
        const cy = (
          window as unknown as {
            dashboard: {
              cy: { getElementById(id: string): { data(k: string): unknown; style(k: string): string } };
            };
          }
        ).dashboard.cy;
        const node = cy.getElementById(`b${id}`);
        return { colour: node.style('background-color'), bucket: node.data('bucket') } as DrawnNode;
      }, busId);
      expect(drawn.bucket).toBe(expected.index);
      // Cytoscape reports the drawn colour as rgb(); compare with the bucket's hex colour.
      const hex = expected.colour.replace('#', '');
      const rgb = `rgb(${parseInt(hex.slice(0, 2), 16)},${parseInt(hex.slice(2, 4), 16)},${parseInt(hex.slice(4, 6), 16)})`;
      expect(drawn.colour.replace(/\s/g, '')).toBe(rgb);
    },
  );

  it("draws Hv1's intensity chart point of the second interval at the ledger's load-weighted average", async () => {
    const second = run.data.intervals[1]?.interval;
    if (second === undefined) throw new Error('two intervals expected');
    const entry = run.result.slots.find((o) => o.hv === 'Hv1' && o.slot === second.slot);
    if (entry === undefined) throw new Error('Hv1 outcome missing');
    const flow = await regulator.client.carbonFlow(entry.taskId);
    const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
    const expected = sum(flow.proposal.loadTco2PerH) / sum(flow.proposal.loadMw);
    const drawn = await page.evaluate(
      (offsetMs) => {
        const chart = (
          window as unknown as {
            dashboard: {
              charts: {
                intensity: { getOption(): { series: { name: string; data: [number, number][] }[] } };
              };
            };
          }
        ).dashboard.charts.intensity;
        const series = chart.getOption().series.find((s) => s.name === 'Hv1');
        return series?.data.find((p) => p[0] === offsetMs)?.[1];
      },
      second.startMs + second.offsetMinutes * 60_000,
    );
    expect(drawn).toBeDefined();
    expect(Math.abs((drawn ?? 0) - expected)).toBeLessThanOrEqual(1e-12 * expected);
    await page.screenshot({ path: path.join(screenshotDir, 'dashboard-overview.png'), fullPage: true });
  });

  it('lists exactly the blacklisted providers the ledger names', async () => {
    const providers = await regulator.client.providers();
    const expected = providers
      .filter((p) => p.blacklisted)
      .map((p) => p.id)
      .sort();
    expect((await attributes('#blacklist li[data-provider]', 'data-provider')).sort()).toEqual(expected);
    expect((await attributes('#providers tbody tr', 'data-provider')).sort()).toEqual(
      providers.map((p) => p.id).sort(),
    );
    // A blacklisted provider's row says so.
    for (const id of expected) {
      expect(await page.textContent(`#providers tbody tr[data-provider="${id}"] td:last-child`)).toBe('yes');
    }
    await page
      .locator('#providers-panel')
      .screenshot({ path: path.join(screenshotDir, 'dashboard-providers.png') });
  });

  it('shows a consumer statement whose energy is the ledger load × interval', async () => {
    await page.selectOption('#region', 'slave-hv1');
    await page.waitForSelector('#consumers tbody tr[data-bus="18"]');
    await page.click('#consumers button[data-bus="18"]');
    await page.waitForSelector('#statement[data-bus="18"]', { timeout: 60_000 });
    const text = (await page.textContent('#statement')) ?? '';
    let expectedMwh = 0;
    for (const m of run.data.intervals) {
      const r = await regulator.client.busIntensity('slave-hv1', m.interval.slot, 18);
      expectedMwh += (r.loadMw * m.interval.minutes) / 60;
    }
    const shown = /energy ([\d.]+) MWh/.exec(text)?.[1];
    expect(Number(shown)).toBeCloseTo(expectedMwh, 6);
    expect(text).toMatch(/location-based, Scope 2/);
    await page
      .locator('#consumers-panel')
      .screenshot({ path: path.join(screenshotDir, 'dashboard-consumers.png') });
  });

  it('clicks through result → task → package → anchor → block and verifies the anchor', async () => {
    await page.click('#show-provenance');
    await page.waitForSelector('#provenance li[data-step="block"]');
    expect(await attributes('#provenance li', 'data-step')).toEqual([
      'result',
      'task',
      'package',
      'anchor',
      'block',
    ]);
    const outcome = run.result.slots.find((o) => o.hv === 'Hv1' && o.slot === firstInterval().slot);
    if (outcome === undefined) throw new Error('Hv1 outcome missing');
    const packageText = (await page.textContent('#provenance li[data-step="package"]')) ?? '';
    expect(packageText).toContain(outcome.packageSha256);
    expect(packageText).toContain('matches anchor: yes');
    await page.click('#verify');
    await page.waitForSelector('#verify-result[data-valid]');
    const independent = await regulator.client.verifyAnchor(outcome.channel, outcome.sealBlock);
    expect(independent.valid).toBe(true);
    expect(await page.getAttribute('#verify-result', 'data-valid')).toBe('true');
    expect(await page.textContent('#verify-result')).toContain(independent.computedHeaderHash.slice(0, 16));
    await page
      .locator('#provenance-panel')
      .screenshot({ path: path.join(screenshotDir, 'dashboard-provenance.png') });
  });

  it('moves the map to the next interval with the time slider', async () => {
    const second = run.data.intervals[1]?.interval;
    await page.fill('#slider', '1');
    await page.dispatchEvent('#slider', 'input');
    await page.waitForSelector(`body[data-interval="${second?.start ?? ''}"]`);
    const record = await regulator.client.busIntensity('slave-hv1', second?.slot ?? 0, 18);
    const bucket = await page.evaluate(() => {
      const cy = (
        window as unknown as {
          dashboard: { cy: { getElementById(id: string): { data(k: string): unknown } } };
        }
      ).dashboard.cy;
      return cy.getElementById('b18').data('bucket');
    });
    expect(bucket).toBe(bucketOf(record.intensityTco2PerMwh).index);
    await page.locator('#map-panel').screenshot({ path: path.join(screenshotDir, 'dashboard-map.png') });
  });
});
