'use strict';
/**
 * Writes Caliper's network configuration (fabric connector, version 2.0.0) for the running
 * carbontrace test network: the slave-hv1 and master channels with their chaincodes, and the LV
 * organizations Lv1a and Lv1b, each with its User1 identity and its generated connection profile
 * (the same files our own clients use, in <run dir>/config). Discovery stays on: the Fabric
 * gateway picks the endorsers the chaincode policy needs for the new keys a Submit writes.
 *
 * Usage: node generate-network-config.js <network dir> <output file>
 */
const fs = require('fs');
const path = require('path');

const [networkDir, outFile] = process.argv.slice(2);
if (!networkDir || !outFile) {
  process.stderr.write('usage: node generate-network-config.js <network dir> <output file>\n');
  process.exit(2);
}
const configDir = path.join(networkDir, 'config');

const ORGS = ['Lv1a', 'Lv1b'];

const organizations = ORGS.map((org) => {
  const profilePath = path.join(configDir, 'connection-profiles', `${org}.json`);
  const profile = JSON.parse(fs.readFileSync(profilePath, 'utf8'));
  const entry = profile.organizations[org];
  if (!entry || !entry.users || !entry.users.User1) {
    throw new Error(`${profilePath} has no User1 of ${org}`);
  }
  return {
    mspid: entry.mspid,
    identities: {
      certificates: [
        {
          name: 'User1',
          clientPrivateKey: { path: entry.users.User1.keyPath },
          clientSignedCert: { path: entry.users.User1.certPath },
        },
      ],
    },
    connectionProfile: { path: profilePath, discover: true },
  };
});

const slaveChaincode = 'carbon-slave';
const config = {
  name: 'carbontrace',
  version: '2.0.0',
  caliper: { blockchain: 'fabric' },
  channels: [{ channelName: 'slave-hv1', contracts: [{ id: slaveChaincode }] }],
  organizations,
};
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, `${JSON.stringify(config, null, 2)}\n`);
process.stdout.write(`${outFile}\n`);
