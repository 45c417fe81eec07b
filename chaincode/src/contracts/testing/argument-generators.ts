/**
 * Random and boundary inputs for the argument-property tests (fast-check): numeric text, ids,
 * channel names, digests, callers, JSON near a valid argument and transient data near a valid
 * value. The checks that use them are in argument-properties.ts.
 */
import fc from 'fast-check';
import type { FakeIdentity } from './contract-harness';
import { ORGS } from './identities';

/** Transient data of one call (field → text or bytes). */
export type TransientMap = Readonly<Record<string, string | Uint8Array>>;

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

/** `valid` one time in five, `noise` otherwise. */
export function withValid(valid: string, noise: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 4, arbitrary: noise });
}

/** Ids at the boundaries of the id pattern (prototype names, separators, length, unicode). */
export function idText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '__proto__', 'constructor', 'toString', 'A', 'a'.repeat(64), 'a'.repeat(65)),
    fc.constantFrom('Lv1a', 'Hv1', 'CloudA', 'x y', 'x/y', '-a', 'é', '\u0000'),
    fc.string({ maxLength: 70 }),
  );
}

/** Channel names near the slave-channel pattern (other regions, case, blanks, master). */
export function channelText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('slave-hv1', 'slave-hv2', 'slave-hv9', 'slave-HV1', 'slave-', 'slave-hv1 ', 'master'),
    fc.constantFrom('slave-hv1/x', 'slave-__proto__', `slave-${'a'.repeat(33)}`, 'Slave-hv1'),
    idText(),
  );
}

/** Hex SHA-256 digests near `valid`: case, length, another digest, blanks. */
export function digestText(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(valid.toUpperCase(), valid.slice(1), `${valid}0`, ` ${valid}`, '0'.repeat(64), ''),
    fc.string({ unit: fc.nat({ max: 15 }).map((n) => n.toString(16)), minLength: 62, maxLength: 66 }),
    idText(),
  );
}

/** Callers: every test organization, near misses of the MSP naming rules, random MSP ids. */
export function callerIdentity(): fc.Arbitrary<FakeIdentity> {
  return fc.oneof(
    fc.constantFrom<FakeIdentity>(...Object.values(ORGS)),
    fc
      .constantFrom('', 'HvNorthMSP', 'GridCoMSP ', 'regulatorMSP', 'Cloud-AMSP', 'MSP')
      .map((mspId) => ({ mspId })),
    fc.string({ maxLength: 20 }).map((mspId) => ({ mspId })),
  );
}

/**
 * Transient data near `{[field]: validText}`: the valid text, JSON near `valid`, the field
 * missing or misnamed, random bytes, and (with `maxBytes`) text of more than `maxBytes` UTF-8
 * bytes but fewer characters.
 */
export function transientNear(
  field: string,
  validText: string,
  valid: unknown,
  maxBytes?: number,
): fc.Arbitrary<TransientMap> {
  const count = Math.floor((maxBytes ?? 0) / 2) + 1;
  // printed short in a counterexample
  const oversized = Object.defineProperty({ [field]: 'é'.repeat(count) }, fc.toStringMethod, {
    value: () => `{${field}: ${count} × "é"}`,
  });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ [field]: validText }) },
    { weight: 4, arbitrary: jsonNear(valid).map((t) => ({ [field]: t })) },
    { weight: 1, arbitrary: fc.constantFrom({}, { [`${field}s`]: validText }, { [field]: '' }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => ({ [field]: b })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...(maxBytes === undefined ? [] : [oversized]), { [field]: '"x"' }),
    },
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
