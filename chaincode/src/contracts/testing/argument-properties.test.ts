/**
 * The argument-property checks can fail: each kind of unclean outcome is caught (a refusal that
 * writes, sets a key policy or emits an event; an error without a CODE prefix or an INTERNAL one;
 * a refusal that names neither a field nor a value; a non-canonical write or result), and
 * checkArgumentParsing reports a contract that breaks them.
 */
import fc from 'fast-check';
import { Context, Transaction } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { CarbonContract } from '../shared/carbon-contract';
import { assertCleanOutcome, checkArgumentParsing, namesFieldOrValue } from './argument-properties';
import type { CallInput } from './argument-properties';
import { ContractHarness } from './contract-harness';
import type { TxOutcome } from './contract-harness';
import type { InMemoryLedger, WriteSet } from './in-memory-ledger';
import { ORGS } from './identities';

const none: WriteSet = { state: [], privateData: {}, validationParameters: {} };
const refusal = (error: string, writeSet = none): TxOutcome => ({
  ok: false,
  result: undefined,
  error,
  writeSet,
  event: undefined,
});
const input: CallInput = {
  args: ['{"slot":"x"}'],
  parameterNames: ['measurementJson'],
  transient: {},
  fields: [],
};

describe('argument-property checks', () => {
  it('accept a clean refusal and a canonical write', () => {
    expect(() => {
      assertCleanOutcome(refusal('INVALID_ARGUMENT: slot must be an integer (got "x")'), input);
    }).not.toThrow();
    const ok: TxOutcome = {
      ok: true,
      result: '{"a":1}',
      error: undefined,
      writeSet: { ...none, state: [{ key: 'k', value: '{"a":1,"b":2}' }] },
      event: undefined,
    };
    expect(() => {
      assertCleanOutcome(ok);
    }).not.toThrow();
  });

  it.each([
    ['no CODE prefix', refusal('slot must be an integer')],
    ['an INTERNAL error', refusal('INTERNAL: TypeError: x is undefined')],
    ['a state write', refusal('NOT_FOUND: no task', { ...none, state: [{ key: 'k', value: '1' }] })],
    [
      'a private write',
      refusal('NOT_FOUND: no task', { ...none, privateData: { c: [{ key: 'k', value: '1' }] } }),
    ],
    ['a key policy', refusal('NOT_FOUND: no task', { ...none, validationParameters: { k: 'AA==' } })],
    ['a message naming nothing', refusal('INVALID_ARGUMENT: bad input')],
    ['a too-large message naming nothing', refusal('PAYLOAD_TOO_LARGE: too big')],
  ])('reject a refusal with %s', (_name, outcome) => {
    expect(() => {
      assertCleanOutcome(outcome, input);
    }).toThrow();
  });

  it('reject a non-canonical write or result', () => {
    const write: TxOutcome = {
      ok: true,
      result: '{}',
      error: undefined,
      writeSet: { ...none, privateData: { c: [{ key: 'k', value: '{"b":1,"a":2}' }] } },
      event: undefined,
    };
    expect(() => {
      assertCleanOutcome(write);
    }).toThrow(/not canonical/);
    expect(() => {
      assertCleanOutcome({ ...write, writeSet: none, result: '{ "a": 1 }' });
    }).toThrow(/not canonical/);
  });

  it('find the field by parameter, JSON or transient name, or the value', () => {
    expect(namesFieldOrValue('measurement must be JSON (got "{")', { ...input, args: ['{'] })).toBe(true);
    expect(namesFieldOrValue('slot is wrong', input)).toBe(true);
    expect(namesFieldOrValue('"x" is wrong', input)).toBe(true);
    expect(
      namesFieldOrValue('transient field "seed" is short', { ...input, transient: { seed: 'ab' } }),
    ).toBe(true);
    expect(namesFieldOrValue('timeslot is wrong', input)).toBe(false);
    expect(namesFieldOrValue('the seed is short', input)).toBe(false);
  });

  it('checkArgumentParsing reports a transaction that writes before it refuses', async () => {
    class Leaky extends CarbonContract {
      constructor() {
        super('Leaky');
      }
      @Transaction()
      async Put(ctx: Context, value: string): Promise<string> {
        await ctx.stub.putState('seen', Buffer.from('1'));
        if (value !== 'ok') throw new CarbonTraceError('INVALID_ARGUMENT', `value is not ok (got ${value})`);
        return '{}';
      }
    }
    const make = (ledger?: InMemoryLedger): ContractHarness => new ContractHarness([Leaky], 'master', ledger);
    const spec = {
      contract: 'Leaky',
      fn: 'Put',
      identity: ORGS.gridco,
      args: fc.tuple(fc.constantFrom('ok', 'x')),
    };
    await expect(checkArgumentParsing(make(), make, spec, 20)).rejects.toThrow(/refusal wrote something/);
  });
});
