/** Bytes on disk of each peer's ledger directory under the network's run directory. */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function folderBytes(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  let total = 0;
  for (const entry of readdirSync(path)) total += folderBytes(join(path, entry));
  return total;
}

/** Bytes per peer (`<nodes>/<name>-peer0`), keyed by the peer's directory name. */
export function peerLedgerBytes(nodesDir: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  if (!existsSync(nodesDir)) return sizes;
  for (const name of readdirSync(nodesDir).sort()) {
    if (!name.includes('peer')) continue;
    sizes[name] = folderBytes(join(nodesDir, name));
  }
  return sizes;
}
