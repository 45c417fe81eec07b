/**
 * Parsing and validation of transaction arguments. Every failure is a CarbonTraceError
 * INVALID_ARGUMENT naming the field (as a JSON path), and the bus and value when there is one.
 */
import { CarbonTraceError } from '../../common/errors';

/** A value that failed validation, rendered short and safe for an error message. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'nothing';
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Throws INVALID_ARGUMENT for `field` (optionally at `busId`) with the offending value. */
export function invalid(field: string, rule: string, value: unknown, busId?: number): never {
  const at = busId === undefined ? '' : ` at bus ${busId}`;
  const details: Record<string, string | number> = { field, value: show(value) };
  if (busId !== undefined) details['bus'] = busId;
  throw new CarbonTraceError('INVALID_ARGUMENT', `${field}${at} ${rule} (got ${show(value)})`, details);
}

/** Parses a JSON argument. @throws INVALID_ARGUMENT when it is not JSON. */
export function parseJsonArgument(text: string, name: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalid(name, 'must be JSON', text);
  }
}

/** The argument as a plain object. */
export function asRecord(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(field, 'must be an object', value);
  }
  return value as Record<string, unknown>;
}

/** Refuses keys outside `allowed` (catches typos that would otherwise be ignored). */
export function onlyKeys(
  record: Readonly<Record<string, unknown>>,
  field: string,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) invalid(`${field}.${key}`, 'is not a known field', record[key]);
  }
}

/** An array (empty allowed unless `minLength` says otherwise). */
export function asArray(
  value: unknown,
  field: string,
  minLength = 0,
  maxLength = 100_000,
): readonly unknown[] {
  if (!Array.isArray(value)) return invalid(field, 'must be an array', value);
  if (value.length < minLength)
    return invalid(field, `must have at least ${minLength} entries`, value.length);
  if (value.length > maxLength) {
    throw new CarbonTraceError(
      'PAYLOAD_TOO_LARGE',
      `${field} has ${value.length} entries (limit ${maxLength})`,
      {
        field,
        value: value.length,
      },
    );
  }
  return value;
}

/** A finite number within [min, max]. */
export function asNumber(value: unknown, field: string, min = -1e12, max = 1e12, busId?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(field, 'must be a finite number', value, busId);
  }
  if (value < min || value > max) return invalid(field, `must be within [${min}, ${max}]`, value, busId);
  return value;
}

/** An integer within [min, max]. */
export function asInteger(value: unknown, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    return invalid(field, 'must be an integer', value);
  if (value < min || value > max) return invalid(field, `must be within [${min}, ${max}]`, value);
  return value;
}

/** A string matching `pattern`. */
export function asString(value: unknown, field: string, pattern = /^[A-Za-z0-9._:-]{1,128}$/): string {
  if (typeof value !== 'string') return invalid(field, 'must be a string', value);
  if (!pattern.test(value)) return invalid(field, `must match ${String(pattern)}`, value);
  return value;
}

/** A boolean. */
export function asBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') return invalid(field, 'must be true or false', value);
  return value;
}

/** A lower-case hex SHA-256 digest. */
export function asSha256(value: unknown, field: string): string {
  return asString(value, field, /^[0-9a-f]{64}$/);
}

/** An optional field: undefined stays undefined, anything else goes through `read`. */
export function optional<T>(value: unknown, read: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

/** Plain decimal integers: no sign, no leading zeros, no exponent, hex, blanks or fraction. */
const DECIMAL_INTEGER = /^(0|[1-9][0-9]{0,15})$/;
/** Plain decimal numbers: optional minus, integer part without leading zeros, optional fraction. */
const DECIMAL_NUMBER = /^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,17})?$/;

/**
 * The one parser of numeric string arguments (transaction parameters such as a slot, a fee or a
 * nonce). Only plain decimal text is accepted: `""`, `" 1"`, `"0x10"`, `"1e3"`, `"+1"`, `"01"`,
 * `"Infinity"` are refused, where `Number()` would have read 0, 16, 1000, … .
 * @throws CarbonTraceError INVALID_ARGUMENT naming `field` and the text.
 */
export function parseDecimalInteger(
  text: unknown,
  field: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof text !== 'string' || !DECIMAL_INTEGER.test(text)) {
    return invalid(field, 'must be a decimal integer (digits only)', text);
  }
  return asInteger(Number(text), field, min, max);
}

/** Like {@link parseDecimalInteger} for a decimal number with an optional sign and fraction. */
export function parseDecimalNumber(text: unknown, field: string, min = -1e12, max = 1e12): number {
  if (typeof text !== 'string' || !DECIMAL_NUMBER.test(text)) {
    return invalid(field, 'must be a decimal number (e.g. 12 or 0.5)', text);
  }
  return asNumber(Number(text), field, min, max);
}

/**
 * The documented pattern of every id used as a key (organization, node, provider, topology and
 * unit ids): a letter or digit first, then letters, digits, `.`, `_`, `-`, 1–64 characters. It
 * leaves out `__proto__`; names such as `constructor` or `toString` do match it, so id-keyed data
 * is also kept in `Map`s or null-prototype objects (see {@link idRecord}).
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** An id matching {@link ID_PATTERN} (or a stricter `pattern`). */
export function asId(value: unknown, field: string, pattern: RegExp = ID_PATTERN): string {
  const id = asString(value, field, pattern);
  if (!ID_PATTERN.test(id)) return invalid(field, `must match ${String(ID_PATTERN)}`, value);
  return id;
}

/** A null-prototype record for id-keyed data (an id like `constructor` is an ordinary key there). */
export function idRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/**
 * Refuses a text argument longer than `maxBytes` in UTF-8 (the size it has in a block), before it
 * is parsed. @throws CarbonTraceError PAYLOAD_TOO_LARGE naming `field`, the size and the limit.
 */
export function limitBytes(text: string, field: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new CarbonTraceError('PAYLOAD_TOO_LARGE', `${field} is ${bytes} bytes (limit ${maxBytes})`, {
      field,
      value: bytes,
      limit: maxBytes,
    });
  }
  return text;
}
