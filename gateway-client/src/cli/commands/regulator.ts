/**
 * `carbontrace regulator <query>`: the regulator's read-only queries on the running network,
 * including `verify-anchor <channel> <block>`, which fetches the slave block from the regulator's
 * peer, recomputes its header hash and checks it against the master anchor and the anchored block
 * before it.
 */
import { GatewayClientError, isContractError } from '../../sdk/client-errors';
import { openRegulator } from '../../clients/open-clients';
import type { RegulatorClient } from '../../clients/regulator-client';
import { parseOffsetTimestamp, slotOfMs } from '../../job/data/wall-clock';
import type { SlotLabel, TracedProbe } from '../../job/slot-label';
import { labelSlot, slotLabelLine } from '../../job/slot-label';
import { consumerStatement } from '../../job/consumer-statement';
import type { CliCommand, CliIo } from '../command';
import { runAuditCommand } from './audit';
import { EXIT_BAD_INPUT } from '../command';
import { renderStatement } from './statement-text';

const USAGE = `Usage: carbontrace regulator <query> [arguments] [--json] [--config DIR]

Queries (read-only, as RegulatorMSP):
  intensity <channel> <slot> <bus> [--interval MIN]
                                     carbon intensity of a bus at a slot (e.g. slave-hv1 120 18, or
                                     slave-hv1 2026-06-01T18:00:00+08:00 18: a timestamp names the
                                     interval that starts then, as traced from --data)
  slot <channel> <slot> [--interval MIN]
                                     every recorded bus intensity of a slot (number or timestamp)
                                     An interval slot (minutes since 1970-01-01T00:00Z, as runs on
                                     --data number them) is labelled with its interval's start and
                                     end (ISO 8601, in the timestamp's offset, else UTC; JSON: start,
                                     end, intervalMinutes); the length is detected from the
                                     neighbouring traced slots unless --interval is given
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
  audit --from S --to S [--step N] [--channel C]  every slot: measurements package -> anchor -> accepted result
                                     -> carbon-flow record; anchored blocks contiguous (exit 1 on a gap)

Options:
  --json         one line of JSON instead of indented output (statement: JSON instead of text)
  --config DIR   network configuration directory (default .run/network/config)

Exit codes: 0 answered (verify-anchor: the block verified), 1 failure or verify-anchor mismatch,
2 bad input.`;

interface Query {
  readonly name: string;
  readonly arity: number;
  readonly run: (client: RegulatorClient, args: readonly string[], options: QueryOptions) => Promise<Answer>;
}

/** A query's answer: what --json prints, and the wall-clock interval of the slot it is about. */
interface Answer {
  readonly json: unknown;
  readonly label?: SlotLabel;
}

const plain = async (answer: Promise<unknown>): Promise<Answer> => ({ json: await answer });

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

/**
 * A slot: a whole number (labelled in UTC), or an ISO 8601 timestamp with offset (the interval
 * starting then, labelled in that offset).
 */
function slotArgument(value: string | undefined): { slot: number; offsetMinutes: number } {
  if (value !== undefined && /^\d{1,12}$/.test(value)) return { slot: Number(value), offsetMinutes: 0 };
  const t = timestamp(value, 'slot');
  return { slot: slotOfMs(t.ms), offsetMinutes: t.offsetMinutes };
}

function intervalOption(options: QueryOptions): number | undefined {
  if (options.interval === undefined) return undefined;
  const minutes = whole(options.interval, '--interval');
  if (minutes < 1) throw new BadInput('--interval must be at least 1 minute');
  return minutes;
}

/** The interval length a ledger record names, or undefined for an older record without it. */
function recordedMinutes(record: unknown): number | undefined {
  const minutes = (record as { intervalMinutes?: unknown } | undefined)?.intervalMinutes;
  return typeof minutes === 'number' && minutes > 0 ? minutes : undefined;
}

/** A probe that is true when `read` finds a record (NOT_FOUND is false). */
function tracedBy(read: (slot: number) => Promise<unknown>): TracedProbe {
  return async (slot) => {
    try {
      const found = await read(slot);
      return !Array.isArray(found) || found.length > 0;
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return false;
      throw error;
    }
  };
}

/** `intensity`: the bus's record, with its interval when the slot is an interval slot. */
async function intensityQuery(
  client: RegulatorClient,
  args: readonly string[],
  options: QueryOptions,
): Promise<Answer> {
  const ch = channel(args[0]);
  const { slot, offsetMinutes } = slotArgument(args[1]);
  const bus = whole(args[2], 'bus');
  const record = await client.busIntensity(ch, slot, bus);
  // the record names its interval length (records written before it did: the neighbours tell)
  const label = await labelSlot(
    slot,
    offsetMinutes,
    intervalOption(options) ?? recordedMinutes(record),
    tracedBy((s) => client.busIntensity(ch, s, bus)),
  );
  if (label === undefined) return { json: record };
  return { json: { ...record, ...interval(label) }, label };
}

/** `slot`: every bus's record, each with the slot's interval when it is an interval slot. */
async function slotQuery(
  client: RegulatorClient,
  args: readonly string[],
  options: QueryOptions,
): Promise<Answer> {
  const ch = channel(args[0]);
  const { slot, offsetMinutes } = slotArgument(args[1]);
  const records = await client.slotIntensities(ch, slot);
  const bus = records[0]?.busId;
  const label = await labelSlot(
    slot,
    offsetMinutes,
    intervalOption(options) ?? recordedMinutes(records[0]),
    tracedBy((s) => (bus === undefined ? client.slotIntensities(ch, s) : client.busIntensity(ch, s, bus))),
  );
  if (label === undefined) return { json: records };
  return { json: records.map((r) => ({ ...r, ...interval(label) })), label };
}

function interval(label: SlotLabel): Pick<SlotLabel, 'start' | 'end' | 'intervalMinutes'> {
  return { start: label.start, end: label.end, intervalMinutes: label.intervalMinutes };
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
  { name: 'intensity', arity: 3, run: intensityQuery },
  { name: 'slot', arity: 2, run: slotQuery },
  {
    name: 'statement',
    arity: 2,
    run: (c, a, o) => {
      const from = timestamp(o.from, '--from');
      const to = timestamp(o.to, '--to');
      if (to.ms <= from.ms) throw new BadInput(`--to ${o.to ?? ''} must be after --from ${o.from ?? ''}`);
      const minutes = intervalOption(o);
      return plain(
        consumerStatement(c, {
          channel: channel(a[0]),
          busId: whole(a[1], 'bus'),
          fromMs: from.ms,
          toMs: to.ms,
          offsetMinutes: from.offsetMinutes,
          ...(minutes === undefined ? {} : { intervalMinutes: minutes }),
        }),
      );
    },
  },
  { name: 'provenance', arity: 1, run: (c, a) => plain(c.provenance(a[0] ?? '')) },
  { name: 'provider', arity: 1, run: (c, a) => plain(c.provider(a[0] ?? '')) },
  { name: 'providers', arity: 0, run: (c) => plain(c.providers()) },
  { name: 'blacklist', arity: 0, run: (c) => plain(c.blacklist()) },
  { name: 'governance', arity: 0, run: (c) => plain(c.governance()) },
  {
    name: 'verify-anchor',
    arity: 2,
    run: (c, a) => plain(c.verifyAnchor(channel(a[0]), whole(a[1], 'block'))),
  },
];

/** Opens the regulator's connection (the network's, or a test's fake). */
export type RegulatorOpener = (
  configDir: string | undefined,
) => Promise<{ readonly client: RegulatorClient; readonly close: () => void }>;

const openNetworkRegulator: RegulatorOpener = (configDir) =>
  openRegulator({ org: 'Regulator', ...(configDir === undefined ? {} : { configDir }) });

async function run(args: readonly string[], io: CliIo, open: RegulatorOpener): Promise<number> {
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
    regulator = await open(configDir);
  } catch (error: unknown) {
    io.err(`carbontrace regulator: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const { json: answer, label } = await query.run(regulator.client, rest, options);
    if (query.name === 'statement' && !json) io.out(renderStatement(answer as never));
    else if (json) io.out(`${JSON.stringify(answer)}\n`);
    else
      io.out(`${label === undefined ? '' : `${slotLabelLine(label)}\n`}${JSON.stringify(answer, null, 2)}\n`);
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
    intervalOption(options);
  } else if (name === 'statement') {
    channel(args[0]);
    whole(args[1], 'bus');
    const from = timestamp(options.from, '--from');
    const to = timestamp(options.to, '--to');
    if (to.ms <= from.ms)
      throw new BadInput(`--to ${options.to ?? ''} must be after --from ${options.from ?? ''}`);
    intervalOption(options);
  } else if (name === 'verify-anchor') {
    channel(args[0]);
    whole(args[1], 'block');
  }
}

/** The `regulator` sub-command, connecting through `open` (tests pass a fake ledger). */
export function regulatorCommandWith(open: RegulatorOpener): CliCommand {
  return {
    name: 'regulator',
    summary:
      'regulator queries on the running network (intensity, provenance, providers, verify-anchor, ...)',
    usage: USAGE,
    run: (args, io) => run(args, io, open),
  };
}

/** The `regulator` sub-command. */
export const regulatorCommand: CliCommand = regulatorCommandWith(openNetworkRegulator);
