/**
 * `carbontrace regulator <query>`: the regulator's read-only queries on the running network,
 * including `verify-anchor <channel> <block>`, which fetches the slave block from the regulator's
 * peer, recomputes its header hash and checks it against the master anchor and the anchored block
 * before it.
 */
import { GatewayClientError } from '../../sdk/client-errors';
import { openRegulator } from '../../clients/open-clients';
import type { RegulatorClient } from '../../clients/regulator-client';
import type { CliCommand, CliIo } from '../command';
import { runAuditCommand } from './audit';
import { EXIT_BAD_INPUT } from '../command';

const USAGE = `Usage: carbontrace regulator <query> [arguments] [--json] [--config DIR]

Queries (read-only, as RegulatorMSP):
  intensity <channel> <slot> <bus>   carbon intensity of a bus at a slot (e.g. slave-hv1 120 18)
  slot <channel> <slot>              every recorded bus intensity of a slot
  provenance <taskId>                a result traced back to its anchored slave block
  provider <id>                      a cloud provider's record (fees, strikes, blacklist)
  providers                          every provider
  blacklist                          providers blacklisted in the current cycle
  governance                         the EA-DPoS state (epoch, consensus set, supervisors)
  verify-anchor <channel> <block>    fetch a slave block from a peer and check it against its anchor
  audit --from S --to S [--channel C]  every slot: measurements package -> anchor -> accepted result
                                     -> carbon-flow record; anchored blocks contiguous (exit 1 on a gap)

Options:
  --json         one line of JSON instead of indented output
  --config DIR   network configuration directory (default .run/network/config)

Exit codes: 0 answered (verify-anchor: the block verified), 1 failure or verify-anchor mismatch,
2 bad input.`;

interface Query {
  readonly name: string;
  readonly arity: number;
  readonly run: (client: RegulatorClient, args: readonly string[]) => Promise<unknown>;
}

const SLAVE_CHANNEL = /^slave-[a-z0-9]{1,32}$/;

function whole(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,12}$/.test(value))
    throw new BadInput(`${what} must be a non-negative whole number (got ${value ?? 'nothing'})`);
  return Number(value);
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
    run: (c, a) => c.busIntensity(channel(a[0]), whole(a[1], 'slot'), whole(a[2], 'bus')),
  },
  { name: 'slot', arity: 2, run: (c, a) => c.slotIntensities(channel(a[0]), whole(a[1], 'slot')) },
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
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--config') {
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
  let regulator;
  try {
    regulator = await openRegulator({ org: 'Regulator', ...(configDir === undefined ? {} : { configDir }) });
  } catch (error: unknown) {
    io.err(`carbontrace regulator: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const answer = await query.run(regulator.client, rest);
    io.out(`${json ? JSON.stringify(answer) : JSON.stringify(answer, null, 2)}\n`);
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

/** The `regulator` sub-command. */
export const regulatorCommand: CliCommand = {
  name: 'regulator',
  summary: 'regulator queries on the running network (intensity, provenance, providers, verify-anchor, ...)',
  usage: USAGE,
  run,
};
