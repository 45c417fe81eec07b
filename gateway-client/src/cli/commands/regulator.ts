/**
 * `carbontrace regulator <query>`: the regulator's read-only queries on the running network,
 * including `verify-anchor <channel> <block>`, which fetches the slave block from the regulator's
 * peer, recomputes its header hash and checks it against the master anchor and the anchored block
 * before it.
 */
import { GatewayClientError } from '../../sdk/client-errors';
import { openRegulator } from '../../clients/open-clients';
import type { RegulatorClient } from '../../clients/regulator-client';
import { parseOffsetTimestamp, slotOfMs } from '../../job/data/wall-clock';
import { consumerStatement } from '../../job/consumer-statement';
import type { CliCommand, CliIo } from '../command';
import { runAuditCommand } from './audit';
import { EXIT_BAD_INPUT } from '../command';
import { renderStatement } from './statement-text';

const USAGE = `Usage: carbontrace regulator <query> [arguments] [--json] [--config DIR]

Queries (read-only, as RegulatorMSP):
  intensity <channel> <slot> <bus>   carbon intensity of a bus at a slot (e.g. slave-hv1 120 18, or
                                     slave-hv1 2026-06-01T18:00:00+08:00 18: a timestamp names the
                                     interval that starts then, as traced from --data)
  slot <channel> <slot>              every recorded bus intensity of a slot (number or timestamp)
  statement <channel> <bus> --from <ts> --to <ts> [--interval MIN]
                                     a consumer's energy (MWh), emissions (tCO2, location-based
                                     GHG Protocol Scope 2), average kgCO2/kWh, share per generator
                                     and provenance (tasks, anchored blocks) over [from, to);
                                     the interval length is detected unless --interval is given
  provenance <taskId>                a result traced back to its anchored slave block
  provider <id>                      a cloud provider's record (fees, strikes, blacklist)
  providers                          every provider
  blacklist                          providers blacklisted in the current cycle
  governance                         the EA-DPoS state (epoch, consensus set, supervisors)
  verify-anchor <channel> <block>    fetch a slave block from a peer and check it against its anchor
  audit --from S --to S [--channel C]  every slot: measurements package -> anchor -> accepted result
                                     -> carbon-flow record; anchored blocks contiguous (exit 1 on a gap)

Options:
  --json         one line of JSON instead of indented output (statement: JSON instead of text)
  --config DIR   network configuration directory (default .run/network/config)

Exit codes: 0 answered (verify-anchor: the block verified), 1 failure or verify-anchor mismatch,
2 bad input.`;

interface Query {
  readonly name: string;
  readonly arity: number;
  readonly run: (client: RegulatorClient, args: readonly string[], options: QueryOptions) => Promise<unknown>;
}

/** Options only some queries take. */
interface QueryOptions {
  readonly from?: string;
  readonly to?: string;
  readonly interval?: string;
}

const SLAVE_CHANNEL = /^slave-[a-z0-9]{1,32}$/;

function whole(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,12}$/.test(value))
    throw new BadInput(`${what} must be a non-negative whole number (got ${value ?? 'nothing'})`);
  return Number(value);
}

/** A slot: a whole number, or an ISO 8601 timestamp with offset (the interval starting then). */
function slotArgument(value: string | undefined): number {
  if (value !== undefined && /^\d{1,12}$/.test(value)) return Number(value);
  return slotOfMs(timestamp(value, 'slot').ms);
}

function timestamp(value: string | undefined, what: string): { ms: number; offsetMinutes: number } {
  const t = parseOffsetTimestamp(value ?? '');
  if (typeof t === 'string')
    throw new BadInput(
      `${what} must be a slot number or an ISO 8601 timestamp with offset (got ${value ?? 'nothing'}: ${t})`,
    );
  return t;
}

function channel(value: string | undefined): string {
  if (value === undefined || !SLAVE_CHANNEL.test(value))
    throw new BadInput(`channel must be a slave channel like slave-hv1 (got ${value ?? 'nothing'})`);
  return value;
}

class BadInput extends Error {
  override readonly name = 'BadInput';
}

const QUERIES: readonly Query[] = [
  {
    name: 'intensity',
    arity: 3,
    run: (c, a) => c.busIntensity(channel(a[0]), slotArgument(a[1]), whole(a[2], 'bus')),
  },
  { name: 'slot', arity: 2, run: (c, a) => c.slotIntensities(channel(a[0]), slotArgument(a[1])) },
  {
    name: 'statement',
    arity: 2,
    run: (c, a, o) => {
      const from = timestamp(o.from, '--from');
      const to = timestamp(o.to, '--to');
      if (to.ms <= from.ms) throw new BadInput(`--to ${o.to ?? ''} must be after --from ${o.from ?? ''}`);
      return consumerStatement(c, {
        channel: channel(a[0]),
        busId: whole(a[1], 'bus'),
        fromMs: from.ms,
        toMs: to.ms,
        offsetMinutes: from.offsetMinutes,
        ...(o.interval === undefined ? {} : { intervalMinutes: whole(o.interval, '--interval') || 1 }),
      });
    },
  },
  { name: 'provenance', arity: 1, run: (c, a) => c.provenance(a[0] ?? '') },
  { name: 'provider', arity: 1, run: (c, a) => c.provider(a[0] ?? '') },
  { name: 'providers', arity: 0, run: (c) => c.providers() },
  { name: 'blacklist', arity: 0, run: (c) => c.blacklist() },
  { name: 'governance', arity: 0, run: (c) => c.governance() },
  { name: 'verify-anchor', arity: 2, run: (c, a) => c.verifyAnchor(channel(a[0]), whole(a[1], 'block')) },
];

async function run(args: readonly string[], io: CliIo): Promise<number> {
  if (args[0] === 'audit') return runAuditCommand(args.slice(1), io);
  const positional: string[] = [];
  let json = false;
  let configDir: string | undefined;
  const options: { from?: string; to?: string; interval?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--from' || arg === '--to' || arg === '--interval') {
      const value = args[i + 1];
      i++;
      if (value === undefined) {
        io.err(`carbontrace regulator: ${arg} needs a value\n`);
        return EXIT_BAD_INPUT;
      }
      options[arg === '--from' ? 'from' : arg === '--to' ? 'to' : 'interval'] = value;
    } else if (arg === '--config') {
      configDir = args[i + 1];
      i++;
      if (configDir === undefined) {
        io.err('carbontrace regulator: --config needs a directory\n');
        return EXIT_BAD_INPUT;
      }
    } else if (arg.startsWith('--')) {
      io.err(`carbontrace regulator: unknown option ${arg}\n${USAGE}\n`);
      return EXIT_BAD_INPUT;
    } else positional.push(arg);
  }
  const [name, ...rest] = positional;
  const query = QUERIES.find((q) => q.name === name);
  if (query === undefined) {
    io.err(
      `carbontrace regulator: ${name === undefined ? 'a query is required' : `unknown query '${name}'`}\n${USAGE}\n`,
    );
    return EXIT_BAD_INPUT;
  }
  if (rest.length !== query.arity) {
    io.err(
      `carbontrace regulator ${query.name}: expects ${query.arity} argument(s), got ${rest.length}\n${USAGE}\n`,
    );
    return EXIT_BAD_INPUT;
  }
  if (query.name === 'statement' && (options.from === undefined || options.to === undefined)) {
    io.err(`carbontrace regulator statement: --from and --to are required\n${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  // Arguments are checked before connecting (a bad one exits 2 without a network).
  try {
    checkArguments(query.name, rest, options);
  } catch (error: unknown) {
    if (!(error instanceof BadInput)) throw error;
    io.err(`carbontrace regulator ${query.name}: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  let regulator;
  try {
    regulator = await openRegulator({ org: 'Regulator', ...(configDir === undefined ? {} : { configDir }) });
  } catch (error: unknown) {
    io.err(`carbontrace regulator: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const answer = await query.run(regulator.client, rest, options);
    if (query.name === 'statement' && !json) io.out(renderStatement(answer as never));
    else io.out(`${json ? JSON.stringify(answer) : JSON.stringify(answer, null, 2)}\n`);
    if (query.name === 'verify-anchor') {
      const valid =
        typeof answer === 'object' && answer !== null && (answer as { valid?: unknown }).valid === true;
      return valid ? 0 : 1;
    }
    return 0;
  } catch (error: unknown) {
    if (error instanceof BadInput) {
      io.err(`carbontrace regulator ${query.name}: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    const code = error instanceof GatewayClientError ? `${error.code}: ` : '';
    io.err(
      `carbontrace regulator ${query.name}: ${code}${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    regulator.close();
  }
}

/** Validates a query's arguments without a connection. @throws BadInput. */
function checkArguments(name: string, args: readonly string[], options: QueryOptions): void {
  if (name === 'intensity' || name === 'slot') {
    channel(args[0]);
    slotArgument(args[1]);
    if (name === 'intensity') whole(args[2], 'bus');
  } else if (name === 'statement') {
    channel(args[0]);
    whole(args[1], 'bus');
    const from = timestamp(options.from, '--from');
    const to = timestamp(options.to, '--to');
    if (to.ms <= from.ms)
      throw new BadInput(`--to ${options.to ?? ''} must be after --from ${options.from ?? ''}`);
    if (options.interval !== undefined && whole(options.interval, '--interval') < 1)
      throw new BadInput('--interval must be at least 1 minute');
  } else if (name === 'verify-anchor') {
    channel(args[0]);
    whole(args[1], 'block');
  }
}

/** The `regulator` sub-command. */
export const regulatorCommand: CliCommand = {
  name: 'regulator',
  summary: 'regulator queries on the running network (intensity, provenance, providers, verify-anchor, ...)',
  usage: USAGE,
  run,
};
