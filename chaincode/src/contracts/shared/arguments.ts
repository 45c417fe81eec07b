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
