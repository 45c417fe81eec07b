/**
 * `carbontrace regulator audit --from S --to S [--channel slave-hv1 ...]`: the ledger audit after
 * a day (or a fault). For every slot of every slave channel it follows the chain the regulator can
 * see through {@link RegulatorClient}'s public queries: carbon-flow records (`slotIntensities`)
 * → the one task they name → its provenance (accepted result, condition a with the package
 * digest, the anchored package, the anchored block) → the anchored slave block, fetched from a
 * peer and verified (`verifyAnchor`). It then verifies every slave block from 0 to the highest
 * anchored block a package names, so the anchors are contiguous. It reports each gap (a slot with
 * no record, a missing link) and duplicate (two tasks for one slot, one package anchored for two).
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { openRegulator } from '../../clients/open-clients';
import type { RegulatorClient } from '../../clients/regulator-client';
import { GatewayClientError } from '../../sdk/client-errors';
import { defaultNetworkConfigDir } from '../../sdk/connection-profile';
import type { CliIo } from '../command';
import { EXIT_BAD_INPUT } from '../command';

/** What the audit found wrong, one entry per problem. */
export interface AuditFinding {
  readonly channel: string;
  /** The slot, or null for a finding about the chain of anchored blocks. */
  readonly slot: number | null;
  readonly kind: 'gap' | 'duplicate' | 'mismatch';
  readonly detail: string;
}

/** One audited slot. */
export interface AuditedSlot {
  readonly channel: string;
  readonly slot: number;
  readonly taskId: string | null;
  readonly buses: number;
  readonly packageBlock: number | null;
  readonly ok: boolean;
}

/** The audit's answer. */
export interface AuditReport {
  readonly from: number;
  readonly to: number;
  readonly channels: readonly string[];
  readonly slots: readonly AuditedSlot[];
  /** Per channel, the slave blocks verified against their anchors (0 .. highest referenced). */
  readonly anchoredBlocksVerified: Readonly<Record<string, number>>;
  readonly findings: readonly AuditFinding[];
  readonly clean: boolean;
}

/** Audit options. */
export interface AuditOptions {
  readonly channels: readonly string[];
  readonly from: number;
  readonly to: number;
  /**
   * Distance between consecutive slots: 1 for hourly slot numbers of the built-in day, the
   * interval length in minutes for measured data (slots are minutes since 1970). @default 1
   */
  readonly step?: number;
}

interface ProvenanceView {
  readonly carbonFlow: unknown;
  readonly accepted: unknown;
  readonly conditionA: { readonly packageSha256?: string } | null;
  readonly anchoredPackage: { readonly blockNumber?: number; readonly sha256?: string } | null;
  readonly anchoredBlock: unknown;
  readonly packageMatchesAnchor: boolean;
}

function asProvenance(value: unknown): ProvenanceView {
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    carbonFlow: r['carbonFlow'] ?? null,
    accepted: r['accepted'] ?? null,
    conditionA: r['conditionA'] ?? null,
    anchoredPackage: r['anchoredPackage'] ?? null,
    anchoredBlock: r['anchoredBlock'] ?? null,
    packageMatchesAnchor: r['packageMatchesAnchor'] === true,
  };
}

/** Audits one slot of one channel; pushes its findings. */
async function auditSlot(
  client: RegulatorClient,
  channel: string,
  slot: number,
  findings: AuditFinding[],
): Promise<AuditedSlot> {
  const found = (kind: AuditFinding['kind'], detail: string): void => {
    findings.push({ channel, slot, kind, detail });
  };
  const rows = await client.slotIntensities(channel, slot);
  const tasks = [...new Set(rows.map((r) => r.taskId))];
  const busIds = rows.map((r) => r.busId);
  if (new Set(busIds).size !== busIds.length) found('duplicate', 'a bus has two carbon-flow records');
  if (tasks.length === 0) {
    found('gap', 'no carbon-flow record (slot not traced)');
    return { channel, slot, taskId: null, buses: 0, packageBlock: null, ok: false };
  }
  if (tasks.length > 1) found('duplicate', `traced by ${tasks.length} tasks: ${tasks.join(', ')}`);
  const taskId = tasks[0] ?? '';
  const before = findings.length;
  const p = asProvenance(await client.provenance(taskId));
  if (p.carbonFlow === null) found('gap', `task ${taskId}: intensities recorded but no carbon-flow record`);
  if (p.accepted === null) found('gap', `task ${taskId}: no accepted result`);
  if (p.conditionA === null) found('gap', `task ${taskId}: no condition a (package digest)`);
  if (p.anchoredPackage === null) found('gap', `task ${taskId}: measurement package not anchored`);
  else if (!p.packageMatchesAnchor)
    found('mismatch', `task ${taskId}: package digest differs from the anchored package`);
  if (p.anchoredPackage !== null && p.anchoredBlock === null)
    found('gap', `task ${taskId}: block ${p.anchoredPackage.blockNumber ?? '?'} of the package not anchored`);
  const packageBlock = p.anchoredPackage?.blockNumber ?? null;
  if (packageBlock !== null) {
    const v = await client.verifyAnchor(channel, packageBlock);
    if (!v.valid) found('mismatch', `package block ${packageBlock}: ${v.reason}`);
  }
  return {
    channel,
    slot,
    taskId,
    buses: rows.length,
    packageBlock,
    ok: findings.length === before && tasks.length === 1,
  };
}

/** Runs the audit over `from..to` (inclusive) on each channel. */
export async function auditLedger(
  client: RegulatorClient,
  options: Readonly<AuditOptions>,
): Promise<AuditReport> {
  const findings: AuditFinding[] = [];
  const slots: AuditedSlot[] = [];
  const anchoredBlocksVerified: Record<string, number> = {};
  for (const channel of options.channels) {
    const packages = new Map<number, number>();
    for (let slot = options.from; slot <= options.to; slot += options.step ?? 1) {
      const audited = await auditSlot(client, channel, slot, findings);
      slots.push(audited);
      if (audited.packageBlock !== null) {
        const other = packages.get(audited.packageBlock);
        if (other !== undefined)
          findings.push({
            channel,
            slot,
            kind: 'duplicate',
            detail: `package block ${audited.packageBlock} also anchors slot ${other}`,
          });
        packages.set(audited.packageBlock, slot);
      }
    }
    const highest = Math.max(-1, ...packages.keys());
    for (let block = 0; block <= highest; block++) {
      const v = await client.verifyAnchor(channel, block);
      if (!v.valid)
        findings.push({ channel, slot: null, kind: 'gap', detail: `slave block ${block}: ${v.reason}` });
    }
    anchoredBlocksVerified[channel] = highest + 1;
  }
  return {
    from: options.from,
    to: options.to,
    channels: options.channels,
    slots,
    anchoredBlocksVerified,
    findings,
    clean: findings.length === 0,
  };
}

/** Parses `--from S --to S [--step N] [--channel C ...]`; returns an error message for bad input. */
export function parseAuditArguments(
  args: readonly string[],
  defaultChannels: readonly string[],
): AuditOptions | string {
  let from: number | undefined;
  let to: number | undefined;
  let step = 1;
  const channels: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === '--from' || arg === '--to') {
      if (value === undefined || !/^\d{1,15}$/.test(value))
        return `${arg} needs a slot number (got ${value ?? 'nothing'})`;
      if (arg === '--from') from = Number(value);
      else to = Number(value);
      i++;
    } else if (arg === '--step') {
      if (value === undefined || !/^[1-9]\d{0,4}$/.test(value))
        return `--step needs a whole number of slots from 1 to 99999 (got ${value ?? 'nothing'})`;
      step = Number(value);
      i++;
    } else if (arg === '--channel') {
      if (value === undefined || !/^slave-[a-z0-9]{1,32}$/.test(value))
        return `--channel needs a slave channel like slave-hv1 (got ${value ?? 'nothing'})`;
      channels.push(value);
      i++;
    } else return `unknown audit argument ${arg ?? ''}`;
  }
  if (from === undefined || to === undefined) return 'audit needs --from and --to (slot numbers, inclusive)';
  if (to < from) return `--to ${to} is before --from ${from}`;
  if ((to - from) / step > 10_000)
    return `--from ${from} --to ${to} --step ${step} spans more than 10000 slots`;
  return { from, to, step, channels: channels.length > 0 ? channels : defaultChannels };
}

/** The slave channels the regulator's connection profile names. */
function regulatorSlaveChannels(configDir: string): string[] {
  const file = path.join(configDir, 'connection-profiles', 'Regulator.json');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { channels?: Record<string, unknown> };
  return Object.keys(profile.channels ?? {}).filter((c) => c.startsWith('slave-'));
}

/**
 * `carbontrace regulator audit ...` (called by the regulator command). Exit code 0 when the audit
 * is clean, 1 when it found gaps or duplicates (or failed), 2 for bad input.
 */
export async function runAuditCommand(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let configDir = defaultNetworkConfigDir();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--config') {
      const value = args[i + 1];
      if (value === undefined) {
        io.err('carbontrace regulator audit: --config needs a directory\n');
        return EXIT_BAD_INPUT;
      }
      configDir = value;
      i++;
    } else rest.push(arg);
  }
  let channels: string[];
  try {
    channels = regulatorSlaveChannels(configDir);
  } catch (error: unknown) {
    io.err(`carbontrace regulator audit: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const options = parseAuditArguments(rest, channels);
  if (typeof options === 'string') {
    io.err(`carbontrace regulator audit: ${options}\n`);
    return EXIT_BAD_INPUT;
  }
  let regulator;
  try {
    regulator = await openRegulator({ org: 'Regulator', configDir });
  } catch (error: unknown) {
    io.err(`carbontrace regulator audit: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const report = await auditLedger(regulator.client, options);
    if (json) io.out(`${JSON.stringify(report)}\n`);
    else {
      const traced = report.slots.filter((s) => s.ok).length;
      io.out(
        [
          `slots ${report.from}..${report.to} on ${report.channels.join(', ')}: ${traced}/${report.slots.length} complete`,
          `anchored blocks verified: ${Object.entries(report.anchoredBlocksVerified)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')}`,
          ...report.findings.map(
            (f) => `${f.kind}: ${f.channel}${f.slot === null ? '' : ` slot ${f.slot}`}: ${f.detail}`,
          ),
          report.clean ? 'audit clean' : `audit found ${report.findings.length} problem(s)`,
          '',
        ].join('\n'),
      );
    }
    return report.clean ? 0 : 1;
  } catch (error: unknown) {
    const code = error instanceof GatewayClientError ? `${error.code}: ` : '';
    io.err(`carbontrace regulator audit: ${code}${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    regulator.close();
  }
}
