/**
 * Small decoders for chaincode results: each checks the fields a client relies on and throws a
 * plain `Error` naming the field otherwise (the contract client wraps it into a typed error).
 * Records the contracts define in full are checked on their identifying fields and passed on
 * with the contract's own type.
 */

/** A JSON object. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** The value as an object. @throws Error when it is not one. */
export function asObject(value: unknown, what: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} must be an object`);
  return value as JsonRecord;
}

/** A string field. @throws Error when missing or not a string. */
export function stringField(record: JsonRecord, field: string): string {
  const value = record[field];
  if (typeof value !== 'string') throw new Error(`${field} must be a string`);
  return value;
}

/** A finite number field. @throws Error when missing or not a finite number. */
export function numberField(record: JsonRecord, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${field} must be a number`);
  return value;
}

/** A boolean field. @throws Error when missing or not a boolean. */
export function booleanField(record: JsonRecord, field: string): boolean {
  const value = record[field];
  if (typeof value !== 'boolean') throw new Error(`${field} must be a boolean`);
  return value;
}

/** An array field. @throws Error when missing or not an array. */
export function arrayField(record: JsonRecord, field: string): readonly unknown[] {
  const value = record[field];
  if (!Array.isArray(value)) throw new Error(`${field} must be an array`);
  return value;
}

/**
 * A decoder that checks `value` is an object holding `fields` and returns it as `T` (the record
 * type the contract defines and returns in canonical JSON).
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T names the contract's record type
export function recordWith<T>(what: string, ...fields: readonly string[]): (value: unknown) => T {
  return (value: unknown): T => {
    const record = asObject(value, what);
    for (const field of fields) {
      if (!(field in record)) throw new Error(`${what}.${field} is missing`);
    }
    return record as T;
  };
}

/** A decoder of an array whose items go through `item`. */
export function arrayOf<T>(item: (value: unknown) => T, what: string): (value: unknown) => T[] {
  return (value: unknown): T[] => {
    if (!Array.isArray(value)) throw new Error(`${what} must be an array`);
    return value.map((v) => item(v));
  };
}

/** A decoder that accepts any JSON value (for results the caller only logs or passes on). */
export function anyJson(value: unknown): unknown {
  return value;
}
