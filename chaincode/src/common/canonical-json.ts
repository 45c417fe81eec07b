/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, finite numbers only.
 * Every ledger value, event payload and chaincode return value goes through {@link canonicalJson}
 * so that all endorsers produce the same bytes.
 */
import { CarbonTraceError } from './errors';

/** A JSON value accepted by {@link canonicalJson}. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Serializes `value` canonically.
 * @throws CarbonTraceError INVALID_ARGUMENT on NaN, ±Infinity, undefined, functions, or other non-JSON values.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CarbonTraceError('INVALID_ARGUMENT', `non-finite number at ${path}`, { path });
      }
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      }
      if (ArrayBuffer.isView(value)) {
        return write(Array.from(value as unknown as ArrayLike<number>), path);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) {
          throw new CarbonTraceError('INVALID_ARGUMENT', `undefined value at ${path}.${key}`, {
            path: `${path}.${key}`,
          });
        }
        parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new CarbonTraceError('INVALID_ARGUMENT', `value of type ${typeof value} at ${path} is not JSON`, {
        path,
      });
  }
}
