/**
 * Property-based checks of transaction argument parsing (unit tests only, with fast-check): for
 * random and boundary arguments (and transient data) a transaction either refuses with a
 * `CODE: message` error that names the field or value and writes nothing (no state, no private
 * data, no key policy, no event), or succeeds with canonical-JSON writes (public and private) and
 * a canonical-JSON result.
 */
import fc from 'fast-check';
import { canonicalJson } from '../../common/canonical-json';
import { ERROR_CODES } from '../../common/errors';
import { jsonNear } from './argument-generators';
import type { TransientMap } from './argument-generators';
import type { ContractHarness, FakeIdentity, TxOutcome } from './contract-harness';
import type { InMemoryLedger } from './in-memory-ledger';

export {
  callerIdentity,
  channelText,
  digestText,
  idText,
  jsonNear,
  numericText,
  transientNear,
  withValid,
} from './argument-generators';
export type { TransientMap } from './argument-generators';

/** One transaction under test. */
export interface ArgumentSpec {
  readonly contract: string;
  readonly fn: string;
  readonly identity: FakeIdentity;
  /** Random argument lists (usually mixing boundary values, mutations of a valid call and noise). */
  readonly args: fc.Arbitrary<string[]>;
  /** Random transient data (none when absent). */
  readonly transient?: fc.Arbitrary<TransientMap>;
  /** Random callers instead of `identity` (for transactions without arguments). */
  readonly callers?: fc.Arbitrary<FakeIdentity>;
  /** Field names an argument refusal may name besides the call's own (see {@link fieldNames}). */
  readonly fields?: readonly string[];
}

/** What a property run saw. */
export interface PropertyCounts {
  readonly runs: number;
  readonly accepted: number;
  readonly refused: number;
}

/** A single JSON argument near `valid`, whose refusals may name any field of `valid`. */
export function jsonArgument(valid: unknown): Pick<ArgumentSpec, 'args' | 'fields'> {
  return { args: jsonNear(valid).map((t) => [t]), fields: fieldNames(valid) };
}

const CODE_MESSAGE = new RegExp(`^(${ERROR_CODES.join('|')}): \\S`);

/** What a call was given, and the field names its refusals may name. */
export interface CallInput {
  readonly args: readonly string[];
  /** Parameter names; a `…Json` name counts without the suffix (`entriesJson` → `entries`). */
  readonly parameterNames: readonly string[];
  readonly transient: TransientMap;
  /** Further field names (for fields the call left out). */
  readonly fields: readonly string[];
}

/** Every object key in `value`, at any depth (the fields of a valid JSON argument). */
export function fieldNames(...values: unknown[]): string[] {
  const names = new Set<string>();
  for (const v of values) namesAndValues(v, names, new Set());
  return [...names].sort();
}

/** `word` occurs in `text` not inside a longer identifier. */
function hasWord(text: string, word: string): boolean {
  let at = text.indexOf(word);
  while (at >= 0) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + word.length] ?? ' ';
    if (!/[A-Za-z0-9_]/.test(before) && !/[A-Za-z0-9_]/.test(after)) return true;
    at = text.indexOf(word, at + 1);
  }
  return false;
}

/** Field names (object keys, at any depth) and leaf values of a parsed JSON argument. */
function namesAndValues(value: unknown, names: Set<string>, values: Set<string>): void {
  if (typeof value === 'string' || typeof value === 'number') values.add(String(value));
  else if (Array.isArray(value)) for (const v of value) namesAndValues(v, names, values);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      names.add(k);
      namesAndValues(v, names, values);
    }
  }
}

/**
 * An INVALID_ARGUMENT or PAYLOAD_TOO_LARGE message names what was wrong: a parameter, transient
 * field, JSON field (in an argument, a transient text or `fields`) as a whole word, or one of the
 * values the call was given (as given or JSON-escaped, the first 40 characters).
 */
export function namesFieldOrValue(message: string, input: CallInput): boolean {
  const names = new Set<string>([...Object.keys(input.transient), ...input.fields]);
  for (const p of input.parameterNames) names.add(p.replace(/Json$/, ''));
  const texts = [...input.args, ...Object.values(input.transient).filter((v) => typeof v === 'string')];
  const values = new Set<string>(texts);
  for (const a of texts) {
    try {
      namesAndValues(JSON.parse(a), names, values);
    } catch {
      // not JSON: the text itself is the value
    }
  }
  if ([...names].some((n) => n.length > 0 && hasWord(message, n))) return true;
  return [...values].some((v) => {
    const head = v.slice(0, 40);
    if (head.length === 0) return message.includes('""');
    if (/^[A-Za-z0-9_]+$/.test(head)) return hasWord(message, head);
    return message.includes(head) || message.includes(JSON.stringify(head).slice(1, -1));
  });
}

/**
 * Throws unless `outcome` is a clean refusal or an accepted call with canonical writes. With
 * `input`, an argument refusal must also name the field or value ({@link namesFieldOrValue}).
 */
export function assertCleanOutcome(outcome: TxOutcome, input?: CallInput): void {
  if (!outcome.ok) {
    const error = outcome.error ?? '';
    if (!CODE_MESSAGE.test(error) || error.startsWith('INTERNAL:')) {
      throw new Error(`refusal is not a CODE: message error: ${error}`);
    }
    const w = outcome.writeSet;
    const wrote =
      w.state.length +
      Object.values(w.privateData).flat().length +
      Object.keys(w.validationParameters).length;
    if (wrote > 0 || outcome.event !== undefined) throw new Error(`refusal wrote something: ${error}`);
    const [code = ''] = error.split(':', 1);
    const message = error.slice(code.length + 2);
    if (
      input !== undefined &&
      (code === 'INVALID_ARGUMENT' || code === 'PAYLOAD_TOO_LARGE') &&
      !namesFieldOrValue(message, input)
    ) {
      throw new Error(`refusal names neither a field nor a value: ${error}`);
    }
    return;
  }
  for (const w of [...outcome.writeSet.state, ...Object.values(outcome.writeSet.privateData).flat()]) {
    if (w.value !== null && canonicalJson(JSON.parse(w.value)) !== w.value) {
      throw new Error(`write at ${w.key} is not canonical JSON`);
    }
  }
  if (outcome.result !== undefined && canonicalJson(JSON.parse(outcome.result)) !== outcome.result) {
    throw new Error('result is not canonical JSON');
  }
}

/**
 * Runs the property `numRuns` times; each run starts from a copy of the ledger `prepared` built.
 * @returns how many calls were accepted and refused.
 */
export async function checkArgumentParsing(
  prepared: ContractHarness,
  makeHarness: (ledger: InMemoryLedger) => ContractHarness,
  spec: ArgumentSpec,
  numRuns: number,
): Promise<PropertyCounts> {
  let accepted = 0;
  let refused = 0;
  const parameterNames = prepared.parameterNames(spec.contract, spec.fn);
  const inputs = fc.record({
    args: spec.args,
    transient: spec.transient ?? fc.constant({}),
    caller: spec.callers ?? fc.constant(spec.identity),
  });
  await fc.assert(
    fc.asyncProperty(inputs, async ({ args, transient, caller }) => {
      const h = makeHarness(prepared.ledger.copy());
      h.nowSeconds = prepared.nowSeconds;
      const outcome = await h.invoke(spec.contract, spec.fn, caller, args, { transient });
      assertCleanOutcome(outcome, { args, parameterNames, transient, fields: spec.fields ?? [] });
      if (outcome.ok) accepted += 1;
      else refused += 1;
    }),
    { numRuns, seed: 20261202 },
  );
  return { runs: accepted + refused, accepted, refused };
}

/** The per-transaction case counts as printed after a property file. */
export function formatCounts(title: string, counts: ReadonlyMap<string, PropertyCounts>): string {
  const rows = [...counts].map(
    ([name, c]) => `${name.padEnd(30)} ${c.runs} cases (${c.accepted} accepted, ${c.refused} refused)`,
  );
  return `argument-parsing properties, ${title}:\n${rows.join('\n')}\n`;
}
