/**
 * The dashboard's web server (node:http): the page and its scripts, the vendored libraries served
 * from node_modules (Apache ECharts, Cytoscape.js; nothing is fetched at run time), and a JSON API
 * over {@link DashboardData}:
 *
 * | GET/POST | path | answer |
 * | --- | --- | --- |
 * | GET | /api/index | traced intervals (from report.json) |
 * | GET | /api/feeder | buses, branches and units of each region, colour buckets |
 * | GET | /api/slot?channel&start | nodal intensities and branch carbon flows of an interval |
 * | GET | /api/charts | ECharts options of intensity and emission per interval and region |
 * | GET | /api/consumers?channel&start | energy and carbon per consumer of an interval |
 * | GET | /api/statement?channel&bus&from&to | a consumer's statement |
 * | GET | /api/provenance?task | a result's provenance |
 * | POST | /api/verify?channel&block | verify-anchor of a slave block |
 * | GET | /api/providers | providers (fees, strikes) and the blacklist |
 */
import { createReadStream, promises as fs } from 'fs';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { createServer } from 'http';
import * as path from 'path';
import { GatewayClientError } from '../sdk/client-errors';
import type { DashboardData, FeederGraph } from './dashboard-data';
import { BadRequest, NotFound } from './dashboard-data';

const STATIC_DIR = path.resolve(__dirname, '..', '..', 'src', 'dashboard', 'static');

const VENDOR: Readonly<Record<string, string>> = {
  'echarts.min.js': require.resolve('echarts/dist/echarts.min.js'),
  'cytoscape.min.js': require.resolve('cytoscape/dist/cytoscape.min.js'),
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions {
  readonly data: DashboardData;
  readonly feeder: FeederGraph;
  /** TCP port; 0 picks a free one. @default 8080 */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
}

/** A running dashboard. */
export interface DashboardServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function required(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === '') throw new BadRequest(`query parameter ${name} is required`);
  return value;
}

function whole(url: URL, name: string): number {
  const value = required(url, name);
  if (!/^\d{1,12}$/.test(value)) throw new BadRequest(`${name} must be a whole number (got ${value})`);
  return Number(value);
}

async function serveFile(res: ServerResponse, file: string): Promise<void> {
  await fs.access(file);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

/** What a request is answered with: JSON (status 200 unless given) or a file. */
type Answer = { readonly json: unknown; readonly status?: number } | { readonly file: string };

async function answer(options: Readonly<DashboardServerOptions>, req: IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const { data } = options;
  const p = url.pathname;
  if (req.method === 'POST' && p === '/api/verify') {
    return { json: await data.verifyAnchor(required(url, 'channel'), whole(url, 'block')) };
  }
  if (req.method !== 'GET') return { json: { error: `${req.method ?? ''} not allowed` }, status: 405 };
  switch (p) {
    case '/':
      return { file: path.join(STATIC_DIR, 'index.html') };
    case '/api/index':
      return { json: data.index };
    case '/api/feeder':
      return { json: options.feeder };
    case '/api/slot':
      return { json: await data.slot(required(url, 'channel'), required(url, 'start')) };
    case '/api/charts':
      return { json: await data.charts() };
    case '/api/consumers':
      return { json: await data.consumers(required(url, 'channel'), required(url, 'start')) };
    case '/api/statement':
      return {
        json: await data.statement(
          required(url, 'channel'),
          whole(url, 'bus'),
          required(url, 'from'),
          required(url, 'to'),
        ),
      };
    case '/api/provenance':
      return { json: await data.provenance(required(url, 'task')) };
    case '/api/providers':
      return { json: await data.providers() };
    default:
      break;
  }
  if (p.startsWith('/vendor/')) {
    const file = VENDOR[p.slice('/vendor/'.length)];
    if (file !== undefined) return { file };
  }
  if (p.startsWith('/static/')) {
    const name = path.basename(p);
    if (/^[a-z0-9-]+\.(js|css)$/.test(name)) return { file: path.join(STATIC_DIR, name) };
  }
  return { json: { error: `no such page ${p}` }, status: 404 };
}

async function route(
  options: Readonly<DashboardServerOptions>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const a = await answer(options, req);
  if ('file' in a) await serveFile(res, a.file);
  else send(res, a.status ?? 200, a.json);
}

/**
 * Starts the dashboard server.
 * @throws Error when the port cannot be bound.
 */
export async function startDashboardServer(
  options: Readonly<DashboardServerOptions>,
): Promise<DashboardServer> {
  const server = createServer((req, res) => {
    route(options, req, res).catch((error: unknown) => {
      const status =
        error instanceof BadRequest
          ? 400
          : error instanceof NotFound
            ? 404
            : (error as { code?: string }).code === 'ENOENT'
              ? 404
              : 502;
      const code = error instanceof GatewayClientError ? `${error.code}: ` : '';
      send(res, status, { error: `${code}${error instanceof Error ? error.message : String(error)}` });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
  return {
    url: `http://${host}:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
