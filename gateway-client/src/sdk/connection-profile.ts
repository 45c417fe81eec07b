/**
 * Reads an organization's common connection profile (as written by `test-network-config/generate.sh`
 * under `.run/network/config/connection-profiles/<Org>.json`) and the client identity it names, and
 * turns them into an {@link OrgConnectionConfig}. Validated once, with errors that name the file.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { GatewayClientError } from './client-errors';
import type { OrgConnectionConfig } from './org-connection';

/** Options of {@link loadConnectionProfile}. */
export interface LoadConnectionProfileOptions {
  /** Organization name, e.g. `GridCo`, `Hv1`, `CloudA`. */
  readonly org: string;
  /**
   * Directory holding `connection-profiles/`.
   * @default `<repo>/.run/network/config`, or `$CARBONTRACE_NETWORK_CONFIG` when set
   */
  readonly configDir?: string;
  /**
   * Which user of the profile to connect as.
   * @default 'User1'
   */
  readonly user?: string;
}

/** Default location of the generated network configuration. */
export function defaultNetworkConfigDir(): string {
  const fromEnv = process.env['CARBONTRACE_NETWORK_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.resolve(__dirname, '..', '..', '..', '.run', 'network', 'config');
}

/**
 * Loads one org's connection settings and identity.
 * @throws {@link GatewayClientError} CONFIG_INVALID naming the file and field when something is missing.
 */
export async function loadConnectionProfile(
  options: Readonly<LoadConnectionProfileOptions>,
): Promise<OrgConnectionConfig> {
  const configDir = options.configDir ?? defaultNetworkConfigDir();
  const file = path.join(configDir, 'connection-profiles', `${options.org}.json`);
  const profile = asObject(await readJson(file), file, '$');
  const organizations = asObject(profile['organizations'], file, 'organizations');
  const org = asObject(organizations[options.org], file, `organizations.${options.org}`);
  const mspId = asString(org['mspid'], file, `organizations.${options.org}.mspid`);
  const userName = options.user ?? 'User1';
  const users = asObject(org['users'], file, `organizations.${options.org}.users`);
  const user = asObject(users[userName], file, `organizations.${options.org}.users.${userName}`);
  const certPath = asString(user['certPath'], file, `users.${userName}.certPath`);
  const keyPath = asString(user['keyPath'], file, `users.${userName}.keyPath`);
  const peers = asObject(profile['peers'], file, 'peers');
  const [peerName, peerValue] = Object.entries(peers)[0] ?? [];
  if (peerName === undefined) throw configError(file, 'peers', 'names no peer');
  const peer = asObject(peerValue, file, `peers.${peerName}`);
  const url = asString(peer['url'], file, `peers.${peerName}.url`);
  const tls = asObject(peer['tlsCACerts'], file, `peers.${peerName}.tlsCACerts`);
  const tlsPath = asString(tls['path'], file, `peers.${peerName}.tlsCACerts.path`);
  const grpcOptions =
    peer['grpcOptions'] === undefined ? {} : asObject(peer['grpcOptions'], file, 'grpcOptions');
  const alias = grpcOptions['ssl-target-name-override'];
  const ownPeers = org['peers'];
  return {
    mspId,
    evaluateOnOwnPeer: Array.isArray(ownPeers) && ownPeers.length > 0,
    peerEndpoint: url.replace(/^grpcs?:\/\//, ''),
    ...(typeof alias === 'string' ? { peerHostAlias: alias } : {}),
    tlsRootCertPem: await readText(tlsPath, file),
    certificatePem: await readText(certPath, file),
    privateKeyPem: await readText(keyPath, file),
  };
}

async function readJson(file: string): Promise<unknown> {
  const text = await readText(file, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw configError(file, '$', `is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function readText(file: string, referencedFrom: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error: unknown) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new GatewayClientError('CONFIG_INVALID', {
      message: `${file} ${reason}${file === referencedFrom ? '' : ` (named in ${referencedFrom})`}; is the network up? (npm run network:up)`,
      details: { file },
      cause: error,
    });
  }
}

function asObject(value: unknown, file: string, field: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw configError(file, field, 'must be an object');
  return value as Record<string, unknown>;
}

function asString(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string' || value === '') throw configError(file, field, 'must be a non-empty string');
  return value;
}

function configError(file: string, field: string, problem: string): GatewayClientError {
  return new GatewayClientError('CONFIG_INVALID', {
    message: `${file}: ${field} ${problem}`,
    details: { file, field },
  });
}
