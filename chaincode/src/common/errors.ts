/**
 * The engine's error base. Every error carries a stable `code` (one of {@link ErrorCode}) and
 * structured `details` so callers can react without parsing text. Chaincode sends
 * `CODE: message` over the wire (see {@link formatWireError}); clients parse it back.
 */

/** Closed list of error codes used by the engine and the contracts. */
export const ERROR_CODES = [
  'INVALID_CASE',
  'INVALID_SIDECAR',
  'INVALID_ARGUMENT',
  'POWER_FLOW_DIVERGED',
  'ISLANDED_NETWORK',
  'FLOW_CYCLE',
  'CONSERVATION_VIOLATED',
  'SINGULAR_MATRIX',
  'DIMENSION_MISMATCH',
  'MASKING_FAILED',
  'VERIFICATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'ACCESS_DENIED',
  'INVALID_STATE',
  'HASH_MISMATCH',
  'ANCHOR_GAP',
  'ANCHOR_FORK',
  'BLACKLISTED',
  'TX_CONFLICT',
  'TX_INVALID',
  'TRANSPORT_FAILED',
  'CONFIG_INVALID',
  'INTERNAL',
] as const;

/** A stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Structured, JSON-safe detail values attached to an error. Never put secrets here. */
export type ErrorDetails = Readonly<
  Record<string, string | number | boolean | null | readonly (string | number)[]>
>;

/** Base class of every carbontrace error. */
export class CarbonTraceError extends Error {
  override readonly name: string = 'CarbonTraceError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** True when `value` is a {@link CarbonTraceError} (optionally with the given code). */
export function isCarbonTraceError(value: unknown, code?: ErrorCode): value is CarbonTraceError {
  return value instanceof CarbonTraceError && (code === undefined || value.code === code);
}

/** The chaincode wire format: `CODE: message`. */
export function formatWireError(error: CarbonTraceError): string {
  return `${error.code}: ${error.message}`;
}

/** Parses `CODE: message` (possibly embedded in a longer peer message) back into code and text. */
export function parseWireError(text: string): { code: ErrorCode; message: string } | undefined {
  for (const code of ERROR_CODES) {
    const at = text.indexOf(`${code}: `);
    if (at >= 0) {
      return { code, message: text.slice(at + code.length + 2) };
    }
  }
  return undefined;
}
