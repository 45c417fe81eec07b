/**
 * `carbontrace dashboard [--port 8080] [--config DIR] [--report FILE] [--case FILE]`: serves the
 * regulator's web dashboard, reading the ledger as RegulatorMSP through the SDK, until interrupted.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { openRegulator } from '../../clients/open-clients';
import { DashboardData, feederGraph, readIndex } from '../../dashboard/dashboard-data';
import { startDashboardServer } from '../../dashboard/dashboard-server';
import { resolveCasePath } from '../../job/case-path';
import type { CliCommand, CliIo } from '../command';
import { EXIT_BAD_INPUT } from '../command';

const USAGE = `Usage: carbontrace dashboard [--port 8080] [--host 127.0.0.1] [--config DIR] [--report FILE] [--case FILE]

Serves the regulator dashboard on http://HOST:PORT/: the feeder map (nodal intensity per interval,
branch carbon flows, a time slider), intensity and emission charts per HV region, the per-consumer
table and statement, the provenance drill-down with verify-anchor, and the providers and blacklist.
Reads the ledger as RegulatorMSP; the traced intervals are listed by a main job report.
  --port N       TCP port (default 8080; 0 picks a free one)
  --host H       address to listen on (default 127.0.0.1)
  --config DIR   network configuration directory (default .run/network/config)
  --report FILE  the main job's report.json listing the traced intervals (default out/report.json)
  --case FILE    the case33bw file the job traced (default the committed copy)
Runs until interrupted (Ctrl-C). Exit codes: 1 failure, 2 bad input.`;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let port = 8080;
  let host = '127.0.0.1';
  let configDir: string | undefined;
  let report = path.resolve('out', 'report.json');
  let casePath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (value === undefined || !['--port', '--host', '--config', '--report', '--case'].includes(arg ?? '')) {
      io.err(
        `carbontrace dashboard: ${value === undefined ? `${arg ?? ''} needs a value` : `unknown option ${arg ?? ''}`}\n${USAGE}\n`,
      );
      return EXIT_BAD_INPUT;
    }
    i++;
    if (arg === '--port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
        io.err(`carbontrace dashboard: --port must be 0..65535 (got ${value})\n`);
        return EXIT_BAD_INPUT;
      }
      port = Number(value);
    } else if (arg === '--host') host = value;
    else if (arg === '--config') configDir = value;
    else if (arg === '--report') report = path.resolve(value);
    else casePath = path.resolve(value);
  }
  if (!existsSync(report)) {
    io.err(
      `carbontrace dashboard: ${report} does not exist (run npm start -- --data data/case33bw-week --keep first, or give --report)\n`,
    );
    return EXIT_BAD_INPUT;
  }
  const index = await readIndex(report);
  const feeder = await feederGraph(resolveCasePath(casePath));
  const regulator = await openRegulator({
    org: 'Regulator',
    ...(configDir === undefined ? {} : { configDir }),
  });
  const server = await startDashboardServer({
    data: new DashboardData(regulator.client, index),
    feeder,
    port,
    host,
  });
  io.err(
    `carbontrace dashboard: ${index.entries.length} traced slot(s) from ${report}; serving ${server.url} (Ctrl-C stops)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  regulator.close();
  return 0;
}

/** The `dashboard` sub-command. */
export const dashboardCommand: CliCommand = {
  name: 'dashboard',
  summary: 'serve the regulator web dashboard (map, charts, consumers, provenance, providers)',
  usage: USAGE,
  run,
};
