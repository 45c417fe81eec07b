import type { AnchorVerification, RegulatorClient } from '../../clients/regulator-client';
import { auditLedger, parseAuditArguments } from './audit';

interface FakeSlot {
  readonly tasks: readonly string[];
  readonly anchored?: boolean;
  readonly block: number;
}

/** A regulator whose ledger holds `slots` of slave-hv1 and anchors blocks 0..`anchoredBlocks`-1. */
function fakeRegulator(slots: Readonly<Record<number, FakeSlot>>, anchoredBlocks: number): RegulatorClient {
  const taskSlot = new Map<string, number>();
  for (const [slot, s] of Object.entries(slots)) for (const t of s.tasks) taskSlot.set(t, Number(slot));
  const verify = (channel: string, blockNumber: number): Promise<AnchorVerification> =>
    Promise.resolve({
      channel,
      blockNumber,
      computedHeaderHash: 'h',
      anchoredHeaderHash: blockNumber < anchoredBlocks ? 'h' : null,
      contractSaysValid: blockNumber < anchoredBlocks,
      chainLinkValid: true,
      valid: blockNumber < anchoredBlocks,
      reason: blockNumber < anchoredBlocks ? 'ok' : `block ${blockNumber} is not anchored`,
    });
  const fake: Partial<RegulatorClient> = {
    slotIntensities: (channel, slot) =>
      Promise.resolve(
        (slots[slot]?.tasks ?? []).map((taskId, i) => ({
          channel,
          slot,
          busId: i + 1,
          intensityTco2PerMwh: 0.5,
          loadMw: 1,
          loadTco2PerH: 0.5,
          energyMwh: 1,
          carbonT: 0.5,
          intervalMinutes: 60,
          taskId,
        })),
      ),
    provenance: (taskId) => {
      const s = slots[taskSlot.get(taskId) ?? -1];
      const anchored = s?.anchored !== false;
      return Promise.resolve({
        carbonFlow: { recorderMsp: 'GridCoMSP' },
        accepted: { acceptedFrom: 'CloudA' },
        conditionA: { packageSha256: 'p' },
        anchoredPackage: anchored ? { blockNumber: s?.block, sha256: 'p' } : null,
        anchoredBlock: anchored ? { blockNumber: s?.block } : null,
        packageMatchesAnchor: anchored,
      });
    },
    verifyAnchor: verify,
  };
  return fake as RegulatorClient;
}

const options = { channels: ['slave-hv1'], from: 100, to: 103 };

describe('auditLedger', () => {
  it('is clean when every slot has one task, an anchored package and contiguous anchors', async () => {
    const slots = {
      100: { tasks: ['a'], block: 3 },
      101: { tasks: ['b'], block: 5 },
      102: { tasks: ['c'], block: 7 },
      103: { tasks: ['d'], block: 9 },
    };
    const report = await auditLedger(fakeRegulator(slots, 10), options);
    expect(report.findings).toEqual([]);
    expect(report.clean).toBe(true);
    expect(report.slots.filter((s) => s.ok)).toHaveLength(4);
    expect(report.anchoredBlocksVerified).toEqual({ 'slave-hv1': 10 });
  });

  it('reports a missing slot, a doubled trace, an unanchored package and an anchor gap', async () => {
    const slots = {
      100: { tasks: ['a'], block: 3 },
      101: { tasks: ['b1', 'b2'], block: 5 },
      103: { tasks: ['d'], block: 9, anchored: false },
    };
    const report = await auditLedger(fakeRegulator(slots, 4), options);
    const kinds = report.findings.map((f) => `${f.kind}:${f.slot ?? '-'}`);
    expect(kinds).toContain('gap:102');
    expect(kinds).toContain('duplicate:101');
    expect(kinds).toContain('gap:103');
    expect(kinds).toContain('gap:-'); // block 4 (up to block 5 named by slot 101) is not anchored
    expect(report.clean).toBe(false);
  });

  it('reports two slots anchored by one package block', async () => {
    const slots = {
      100: { tasks: ['a'], block: 3 },
      101: { tasks: ['b'], block: 3 },
      102: { tasks: ['c'], block: 4 },
      103: { tasks: ['d'], block: 5 },
    };
    const report = await auditLedger(fakeRegulator(slots, 6), options);
    expect(report.findings).toEqual([
      { channel: 'slave-hv1', slot: 101, kind: 'duplicate', detail: 'package block 3 also anchors slot 100' },
    ]);
  });
});

describe('parseAuditArguments', () => {
  it('needs --from and --to, in order, and checks the channel names', () => {
    expect(parseAuditArguments(['--from', '5', '--to', '7'], ['slave-hv1'])).toEqual({
      from: 5,
      to: 7,
      step: 1,
      channels: ['slave-hv1'],
    });
    expect(parseAuditArguments(['--from', '5'], [])).toMatch(/needs --from and --to/);
    expect(parseAuditArguments(['--from', '9', '--to', '7'], [])).toMatch(/before --from/);
    expect(parseAuditArguments(['--from', 'x', '--to', '7'], [])).toMatch(
      /--from needs a slot number \(got x\)/,
    );
    expect(parseAuditArguments(['--from', '1', '--to', '2', '--channel', 'master'], [])).toMatch(
      /slave channel/,
    );
  });
});

describe('audit of measured-data slots (--step)', () => {
  it('takes the interval length as the step between slots and rejects a bad step', () => {
    expect(parseAuditArguments(['--from', '900', '--to', '930', '--step', '15'], ['slave-hv1'])).toEqual({
      from: 900,
      to: 930,
      step: 15,
      channels: ['slave-hv1'],
    });
    expect(parseAuditArguments(['--from', '1', '--to', '2', '--step', '0'], [])).toMatch(
      /--step needs a whole number of slots from 1 to 99999 \(got 0\)/,
    );
    expect(parseAuditArguments(['--from', '0', '--to', '300000', '--step', '15'], [])).toMatch(
      /spans more than 10000 slots/,
    );
  });

  it('audits only the slots of the step: 15-minute intervals are clean with --step 15, gaps without', async () => {
    const slots = { 900: { tasks: ['a'], block: 3 }, 915: { tasks: ['b'], block: 5 } };
    const stepped = await auditLedger(fakeRegulator(slots, 6), {
      channels: ['slave-hv1'],
      from: 900,
      to: 915,
      step: 15,
    });
    expect(stepped.clean).toBe(true);
    expect(stepped.slots.map((x) => x.slot)).toEqual([900, 915]);
    const every = await auditLedger(fakeRegulator(slots, 6), { channels: ['slave-hv1'], from: 900, to: 915 });
    expect(every.findings.filter((f) => f.kind === 'gap')).toHaveLength(14);
  });
});
