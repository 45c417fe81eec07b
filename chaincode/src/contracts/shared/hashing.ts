/** SHA-256 of canonical JSON: the digest every package, task and result is identified by. */
import { createHash } from 'crypto';
import { canonicalJson } from '../../common/canonical-json';

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Lower-case hex SHA-256 of the canonical JSON of `value`. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
