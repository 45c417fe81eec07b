/**
 * Property-based checks of transaction argument parsing (unit tests only, with fast-check): for
 * random and boundary arguments a transaction either refuses with a `CODE: message` error and
 * writes nothing (no state, no private data, no event), or succeeds with canonical-JSON writes and
 * a canonical-JSON result.
 */
import fc from 'fast-check';
import { canonicalJson } from '../../common/canonical-json';
import { ERROR_CODES } from '../../common/errors';
import type { ContractHarness, FakeIdentity, TxOutcome } from './contract-harness';
import { InMemoryLedger } from './in-memory-ledger';

/** One transaction under test. */
export interface ArgumentSpec {
  readonly contract: string;
  readonly fn: string;
  readonly identity: FakeIdentity;
  /** Random argument lists (usually mixing boundary values, mutations of a valid call and noise). */
  readonly args: fc.Arbitrary<string[]>;
}

/** What a property run saw. */
export interface PropertyCounts {
  readonly runs: number;
  readonly accepted: number;
  readonly refused: number;
}

/** Numeric text at and around the boundaries a strict decimal parser must get right. */
export function numericText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '0', '1', '-1', '01', '+1', ' 1', '1 ', '0x10', '1e3', '1.5', '2.', '.5', 'NaN'),
    fc.constantFrom(
      'Infinity',
      '-0',
      '9007199254740991',
      '9007199254740993',
      '999999999999',
      '1000000000000',
    ),
    fc.nat({ max: 1_000_000 }).map(String),
    fc.double({ noNaN: true }).map(String),
    fc.string({ maxLength: 12 }),
  );
}

/** Ids at the boundaries of the id pattern (prototype names, separators, length, unicode). */
export function idText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '__proto__', 'constructor', 'toString', 'A', 'a'.repeat(64), 'a'.repeat(65)),
    fc.constantFrom('Lv1a', 'Hv1', 'CloudA', 'x y', 'x/y', '-a', 'é', '\u0000'),
    fc.string({ maxLength: 70 }),
  );
}

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  }
  return [];
}

function edit(
  value: unknown,
  path: readonly (string | number)[],
  replacement: unknown,
  remove: boolean,
): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    if (rest.length === 0 && remove) copy.splice(Number(head), 1);
    else copy[Number(head)] = edit(copy[Number(head)], rest, replacement, remove);
    return copy;
  }
  const record = value as Record<string, unknown>;
  if (rest.length === 0 && remove) {
    return Object.fromEntries(Object.entries(record).filter(([key]) => key !== String(head)));
  }
  return { ...record, [String(head)]: edit(record[String(head)], rest, replacement, remove) };
}

/**
 * JSON text near a valid argument: the valid value itself, the value with one field (at any
 * depth) replaced by a random JSON value, a boundary number or id, or removed, an unknown field
 * added, or random JSON and text.
 */
export function jsonNear(valid: unknown): fc.Arbitrary<string> {
  const all = paths(valid);
  const replacement = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    numericText().map((t) => (Number.isFinite(Number(t)) && t !== '' ? Number(t) : t)),
    idText(),
    fc.constantFrom(-1, 0, 0.5, 1e12, -1e12, 1e300, Number.MAX_SAFE_INTEGER),
  );
  const mutated = fc
    .tuple(fc.nat(), replacement, fc.boolean())
    .map(([i, r, remove]) => (all.length === 0 ? r : edit(valid, all[i % all.length] ?? [], r, remove)));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(JSON.stringify(valid)) },
    { weight: 8, arbitrary: mutated.map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: replacement.map((r) => JSON.stringify({ ...(valid as object), unknownField: r })),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

const CODE_MESSAGE = new RegExp(`^(${ERROR_CODES.join('|')}): \\S`);

/** Throws unless `outcome` is a clean refusal or an accepted call with canonical writes. */
export function assertCleanOutcome(outcome: TxOutcome): void {
  if (!outcome.ok) {
    const error = outcome.error ?? '';
    if (!CODE_MESSAGE.test(error) || error.startsWith('INTERNAL:')) {
      throw new Error(`refusal is not a CODE: message error: ${error}`);
    }
    const wrote = outcome.writeSet.state.length + Object.values(outcome.writeSet.privateData).flat().length;
    if (wrote > 0 || outcome.event !== undefined) throw new Error(`refusal wrote something: ${error}`);
    return;
  }
  for (const w of outcome.writeSet.state) {
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
  const snapshot = prepared.ledger.keys().map((k) => [k, prepared.ledger.get(k)] as const);
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(spec.args, async (args) => {
      const ledger = new InMemoryLedger();
      for (const [k, v] of snapshot) ledger.seed(k, v);
      const h = makeHarness(ledger);
      h.nowSeconds = prepared.nowSeconds;
      const outcome = await h.invoke(spec.contract, spec.fn, spec.identity, args);
      assertCleanOutcome(outcome);
      if (outcome.ok) accepted += 1;
      else refused += 1;
    }),
    { numRuns, seed: 20261202 },
  );
  return { runs: accepted + refused, accepted, refused };
}
