#!/usr/bin/env bash
# Generates the test network's configuration from test-network-config/topology.json:
#   <out>/network.json        every node, port, path, channel and chaincode, resolved (scripts and tests read it)
#   <out>/crypto-config.yaml  cryptogen input (NodeOUs on, 127.0.0.1 and localhost in every TLS certificate)
#   <out>/configtx.yaml       one profile per channel: `master` and `slave-<hv>` per HV substation, BFT ordering
#   <out>/organizations/      cryptogen output (MSPs, TLS material, Admin and User1 identities per org)
#   <out>/channel-artifacts/  one genesis block per channel
#   <out>/connection-profiles/<Org>.json  a connection profile per org (its peer, or the peer it uses as gateway)
# Usage: generate.sh [--topology FILE] [--out DIR]   (defaults: topology.json beside this script, .run/network/config)
# Needs jq, and cryptogen and configtxgen on PATH (or in .cache/fabric/bin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
topology="$here/topology.json"
out="$root/.run/network/config"
while [ $# -gt 0 ]; do
  case "$1" in
    --topology) topology="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "generate: unknown argument $1" >&2; exit 2 ;;
  esac
done
export PATH="$root/.cache/fabric/bin:$PATH"
for tool in jq cryptogen configtxgen; do
  command -v "$tool" >/dev/null 2>&1 || { echo "generate: $tool not found (run npm run network:install)" >&2; exit 1; }
done
[ -f "$topology" ] || { echo "generate: topology file $topology not found" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
run="$(cd "$out/.." && pwd)"

# ---------------------------------------------------------------------------------------------
# 1. network.json: the topology resolved into names, ports and paths.
#    Ports (basePort B, default 7000): orderer i listens on B+50+10i, admin B+53+10i,
#    operations B+54+10i; peer j (peer orgs in order GridCo, HVs, LVs, Regulator) listens on
#    B+1000+10j+1, chaincode B+1000+10j+2, operations B+1000+10j+3; chaincode server of peer
#    org j for chaincode k (0 master, 1 slave) on B+2000+10j+k.
# ---------------------------------------------------------------------------------------------
jq --arg out "$out" --arg run "$run" --arg root "$root" '
  def lc: ascii_downcase;
  . as $t
  | ($t.host) as $host
  | ($t.hosts // []) as $hosts
  | (reduce $hosts[] as $h ({}; reduce ($h.nodes // [])[] as $n (.;
        if .[$n] != null then error("topology: node \($n) is placed on two hosts (\(.[$n].name) and \($h.name))")
        else .[$n] = $h end))) as $hostOfNode
  | def hostOf($n): $hostOfNode[$n] // { name: "local", address: $host };
    def addr($n): hostOf($n).address;
    .
  | ($t.basePort) as $b
  | ($t.domain) as $domain
  | ([$t.gridCompany] + [$t.hvSubstations[].name] + [$t.hvSubstations[].lvSubstations[]] + [$t.regulator]) as $peerOrgs
  | ($t.hvSubstations | map({ key: .name, value: . }) | from_entries) as $hvByName
  | (reduce $t.hvSubstations[] as $hv ({}; reduce $hv.lvSubstations[] as $lv (.; .[$lv] = $hv.name))) as $hvOfLv
  | def orgDir($name): "\($out)/organizations/peerOrganizations/\($name | lc).\($domain)";
    def userOf($name; $user): (orgDir($name) + "/users/\($user)@\($name | lc).\($domain)/msp") as $msp
      | { mspDir: $msp, certPath: "\($msp)/signcerts/\($user)@\($name | lc).\($domain)-cert.pem", keyPath: "\($msp)/keystore/priv_sk" };
    def role($name):
      if $name == $t.gridCompany then "gridCompany"
      elif $name == $t.regulator then "regulator"
      elif $hvByName[$name] != null then "hvSubstation"
      elif $hvOfLv[$name] != null then "lvSubstation"
      else "cloudProvider" end;
    def slaveChannel($hv): "slave-\($hv | lc)";
    def channelsOf($name):
      if $name == $t.gridCompany then ["master"]
      elif $name == $t.regulator then ["master"] + [$t.hvSubstations[] | slaveChannel(.name)]
      elif $hvByName[$name] != null then ["master", slaveChannel($name)]
      elif $hvOfLv[$name] != null then [slaveChannel($hvOfLv[$name])]
      else ["master"] end;
    def chaincodesOf($name): [channelsOf($name)[] | if . == "master" then $t.chaincodes.master.name else $t.chaincodes.slave.name end] | unique;
  ($peerOrgs | to_entries | map(
      .key as $j | .value as $name | ($name | lc) as $id | orgDir($name) as $dir
      | { name: $name, mspId: "\($name)MSP", role: role($name), domain: "\($id).\($domain)",
          mspDir: "\($dir)/msp", tlsCaCert: "\($dir)/tlsca/tlsca.\($id).\($domain)-cert.pem",
          channels: channelsOf($name),
          users: { admin: userOf($name; "Admin"), user1: userOf($name; "User1") },
          peer: { name: "\($id)-peer0", hostname: "peer0.\($id).\($domain)", host: hostOf($name).name,
                  address: "\(addr($name)):\($b + 1000 + 10 * $j + 1)",
                  chaincodeAddress: "\(addr($name)):\($b + 1000 + 10 * $j + 2)",
                  operationsAddress: "\(addr($name)):\($b + 1000 + 10 * $j + 3)",
                  mspDir: "\($dir)/peers/peer0.\($id).\($domain)/msp",
                  tlsDir: "\($dir)/peers/peer0.\($id).\($domain)/tls",
                  dataDir: "\($run)/nodes/\($id)-peer0",
                  log: "\($run)/logs/\($id)-peer0.log" },
          chaincodeServers: (chaincodesOf($name) | map(. as $cc | { chaincode: $cc,
                  name: "\($id)-\($cc)", host: hostOf($name).name,
                  address: "\(addr($name)):\($b + 2000 + 10 * $j + (if $cc == $t.chaincodes.master.name then 0 else 1 end))",
                  log: "\($run)/logs/\($id)-\($cc).log" })) }
    )) as $peerOrgEntries
  | ($t.cloudProviders | map(
      . as $name | ($name | lc) as $id | orgDir($name) as $dir
      | { name: $name, mspId: "\($name)MSP", role: "cloudProvider", domain: "\($id).\($domain)",
          mspDir: "\($dir)/msp", tlsCaCert: "\($dir)/tlsca/tlsca.\($id).\($domain)-cert.pem",
          channels: ["master"],
          users: { admin: userOf($name; "Admin"), user1: userOf($name; "User1") },
          peer: null, gatewayPeerOrg: $t.gridCompany, chaincodeServers: [], clientHost: hostOf($name).name }
    )) as $cloudOrgEntries
  | ("\($out)/organizations/ordererOrganizations/\($domain)") as $odir
  | {
      topology: $t,
      host: $host,
      multiHost: ($hosts | length > 0),
      hosts: (if ($hosts | length) > 0
              then $hosts | to_entries | map({ name: .value.name, address: .value.address, netns: "ct-\(.value.name)",
                                               link: "ctv\(.key)", nodes: (.value.nodes // []) })
              else [{ name: "local", address: $host, netns: null, link: null, nodes: [] }] end),
      bridge: ($t.bridge // null),
      domain: $domain,
      runDir: $run,
      configDir: $out,
      ordererOrg: { name: "Orderer", mspId: "OrdererMSP", domain: $domain, mspDir: "\($odir)/msp",
                    tlsCaCert: "\($odir)/tlsca/tlsca.\($domain)-cert.pem",
                    users: { admin: { mspDir: "\($odir)/users/Admin@\($domain)/msp",
                                      certPath: "\($odir)/users/Admin@\($domain)/msp/signcerts/Admin@\($domain)-cert.pem",
                                      keyPath: "\($odir)/users/Admin@\($domain)/msp/keystore/priv_sk",
                                      tlsCert: "\($odir)/users/Admin@\($domain)/tls/client.crt",
                                      tlsKey: "\($odir)/users/Admin@\($domain)/tls/client.key" } } },
      orderers: [range(0; $t.ordererCount) as $i | {
          id: ($i + 1), name: "orderer\($i)", hostname: "orderer\($i).\($domain)", host: hostOf("orderer\($i)").name,
          address: "\(addr("orderer\($i)")):\($b + 50 + 10 * $i)",
          adminAddress: "\(addr("orderer\($i)")):\($b + 53 + 10 * $i)",
          operationsAddress: "\(addr("orderer\($i)")):\($b + 54 + 10 * $i)",
          mspDir: "\($odir)/orderers/orderer\($i).\($domain)/msp",
          signCert: "\($odir)/orderers/orderer\($i).\($domain)/msp/signcerts/orderer\($i).\($domain)-cert.pem",
          tlsDir: "\($odir)/orderers/orderer\($i).\($domain)/tls",
          dataDir: "\($run)/nodes/orderer\($i)",
          log: "\($run)/logs/orderer\($i).log" }],
      orgs: ($peerOrgEntries + $cloudOrgEntries),
      channels: (
        [{ name: "master", kind: "master", chaincode: $t.chaincodes.master.name,
           peerOrgs: ([$t.gridCompany] + [$t.hvSubstations[].name] + [$t.regulator]),
           clientOrgs: $t.cloudProviders }]
        + [$t.hvSubstations[] | { name: slaveChannel(.name), kind: "slave", hvSubstation: .name,
           chaincode: $t.chaincodes.slave.name,
           peerOrgs: ([.name] + .lvSubstations + [$t.regulator]), clientOrgs: [] }]),
      chaincodes: [
        { name: $t.chaincodes.master.name, kind: "master", entry: "\($root)/\($t.chaincodes.master.entry)",
          channels: ["master"] },
        { name: $t.chaincodes.slave.name, kind: "slave", entry: "\($root)/\($t.chaincodes.slave.entry)",
          channels: [$t.hvSubstations[] | slaveChannel(.name)] } ]
    }
' "$topology" > "$out/network.json"
net="$out/network.json"
# Every node a host names must exist; losing any one host must leave a BFT quorum of orderers.
unknown="$(jq -r '([.orderers[].name] + [.orgs[].name]) as $known | .hosts[] | .name as $h | .nodes[]
  | select(. as $n | $known | index($n) | not) | "\(.) (host \($h))"' "$net" | paste -sd, -)"
[ -z "$unknown" ] || { echo "generate: $topology: hosts[].nodes names unknown nodes: $unknown (known: orderer0..orderer$(($(jq '.orderers | length' "$net") - 1)) and the org names)" >&2; exit 1; }
jq -r 'select(.multiHost) | (.orderers | length) as $n | (($n - 1) / 3 | floor) as $f
  | .orderers | group_by(.host)[] | select(length > $f)
  | "generate: warning: host \(.[0].host) runs \(length) of \($n) orderers; losing it stops BFT (at most \($f) per host stay live)"' "$net" >&2

# ---------------------------------------------------------------------------------------------
# 2. crypto-config.yaml for cryptogen.
# ---------------------------------------------------------------------------------------------
jq -r '
  "OrdererOrgs:",
  "  - Name: \(.ordererOrg.name)",
  "    Domain: \(.ordererOrg.domain)",
  "    EnableNodeOUs: true",
  "    Specs:",
  .multiHost as $mh
  | def extraSans($h): if $mh then ", \($h)" else "" end;
  (.orderers[] | "      - Hostname: \(.name)\n        SANS: [\"\(.address | split(":")[0])\", localhost\(extraSans(.host))]"),
  "PeerOrgs:",
  (.orgs[] |
    "  - Name: \(.name)",
    "    Domain: \(.domain)",
    "    EnableNodeOUs: true",
    "    Template:",
    "      Count: \(if .peer == null then 0 else 1 end)",
    "      SANS: [\"\(.peer.address // "127.0.0.1:0" | split(":")[0])\", localhost\(if .peer != null then extraSans(.peer.host) else "" end)]",
    "    Users:",
    "      Count: 1")
' "$net" > "$out/crypto-config.yaml"

# ---------------------------------------------------------------------------------------------
# 3. configtx.yaml: organizations, BFT orderer defaults with the consenter mapping, one profile
#    per channel. Anchor peers are written into each genesis block (one peer per org).
#    SmartBFT options: the defaults below, each overridable by the topology's "smartBFT" object
#    (same key names as configtx.yaml). The defaults are tuned for fast leader failover (measured
#    in docs/reliability.md with network/scripts/failover.sh): a follower forwards a request the
#    leader has not ordered after 1 s and complains after 3 s; heartbeats every 250 ms, a silent
#    leader is suspected after 2 s; a view change that does not finish is retried after 4 s.
# ---------------------------------------------------------------------------------------------
smartbft_defaults='{
  "RequestBatchMaxCount": 100, "RequestBatchMaxInterval": "100ms",
  "RequestForwardTimeout": "1s", "RequestComplainTimeout": "3s", "RequestAutoRemoveTimeout": "3m0s",
  "ViewChangeResendInterval": "1s", "ViewChangeTimeout": "4s",
  "LeaderHeartbeatTimeout": "2s", "LeaderHeartbeatCount": 8, "CollectTimeout": "1s",
  "RequestBatchMaxBytes": 10485760, "IncomingMessageBufferSize": 200, "RequestPoolSize": 100000 }'
smartbft="$(jq -c --argjson d "$smartbft_defaults" '$d + (.smartBFT // {})' "$topology")"
# Per-channel block cutting: under BFT ordering a block is cut by SmartBFT's RequestBatchMaxCount /
# RequestBatchMaxInterval (BatchTimeout and BatchSize.MaxMessageCount below are not what cuts
# blocks). master cuts after 20 ms instead of 100 ms: a trace is four dependent master commits, and
# its load (anchors, traces, governance) is light; the slave channels, which carry the meter
# readings, keep 100 ms and fuller blocks (docs/benchmarks.md). The topology's "smartBFTByChannel"
# ({"master": {"RequestBatchMaxInterval": "100ms"}}) lays options over these, per channel.
smartbft_channel_defaults='{ "master": { "RequestBatchMaxInterval": "20ms" } }'
smartbft_by_channel="$(jq -c --argjson d "$smartbft_channel_defaults" \
  '.smartBFTByChannel // {} | . as $t | reduce (($d + $t) | keys[]) as $c ({}; .[$c] = (($d[$c] // {}) + ($t[$c] // {})))' \
  "$topology")"
# ---------------------------------------------------------------------------------------------
# 3b. configtx.yaml (jq).
# ---------------------------------------------------------------------------------------------
jq -r '
  def q: "\"" + . + "\"";
  def orgPolicies($m):
    "    Policies:",
    "      Readers: {Type: Signature, Rule: \"OR(\u0027\($m).admin\u0027, \u0027\($m).peer\u0027, \u0027\($m).client\u0027)\"}",
    "      Writers: {Type: Signature, Rule: \"OR(\u0027\($m).admin\u0027, \u0027\($m).client\u0027)\"}",
    "      Admins: {Type: Signature, Rule: \"OR(\u0027\($m).admin\u0027)\"}",
    "      Endorsement: {Type: Signature, Rule: \"OR(\u0027\($m).peer\u0027)\"}";
  . as $n
  | "# Generated by test-network-config/generate.sh from topology.json; do not edit.",
    "Organizations:",
    "  - &\(.ordererOrg.name)",
    "    Name: \(.ordererOrg.mspId)",
    "    ID: \(.ordererOrg.mspId)",
    "    MSPDir: \(.ordererOrg.mspDir | q)",
    "    Policies:",
    "      Readers: {Type: Signature, Rule: \"OR(\u0027\(.ordererOrg.mspId).member\u0027)\"}",
    "      Writers: {Type: Signature, Rule: \"OR(\u0027\(.ordererOrg.mspId).member\u0027)\"}",
    "      Admins: {Type: Signature, Rule: \"OR(\u0027\(.ordererOrg.mspId).admin\u0027)\"}",
    "    OrdererEndpoints:",
    (.orderers[] | "      - \(.address | q)"),
    (.orgs[] |
      "  - &\(.name)",
      "    Name: \(.mspId)",
      "    ID: \(.mspId)",
      "    MSPDir: \(.mspDir | q)",
      orgPolicies(.mspId),
      (if .peer != null then
        "    AnchorPeers:",
        "      - {Host: \(.peer.address | split(":")[0]), Port: \(.peer.address | split(":")[1])}"
       else empty end)),
    "Capabilities:",
    "  Channel: &ChannelCapabilities {V3_0: true}",
    "  Orderer: &OrdererCapabilities {V2_0: true}",
    "  Application: &ApplicationCapabilities {V2_5: true}",
    "Application: &ApplicationDefaults",
    "  Organizations:",
    "  Policies:",
    "    Readers: {Type: ImplicitMeta, Rule: \"ANY Readers\"}",
    "    Writers: {Type: ImplicitMeta, Rule: \"ANY Writers\"}",
    "    Admins: {Type: ImplicitMeta, Rule: \"MAJORITY Admins\"}",
    "    LifecycleEndorsement: {Type: ImplicitMeta, Rule: \"MAJORITY Endorsement\"}",
    "    Endorsement: {Type: ImplicitMeta, Rule: \"MAJORITY Endorsement\"}",
    "  Capabilities: *ApplicationCapabilities",
    "Orderer: &OrdererDefaults",
    "  OrdererType: BFT",
    "  BatchTimeout: 500ms",
    "  BatchSize: {MaxMessageCount: 100, AbsoluteMaxBytes: 32 MB, PreferredMaxBytes: 4 MB}",
    "  SmartBFT:",
    ($smartBFT | to_entries[] | "    \(.key): \(.value)"),
    "  ConsenterMapping:",
    (.orderers[] |
      "    - ID: \(.id)",
      "      Host: \(.address | split(":")[0])",
      "      Port: \(.address | split(":")[1])",
      "      MSPID: \($n.ordererOrg.mspId)",
      "      Identity: \(.signCert | q)",
      "      ClientTLSCert: \(.tlsDir + "/server.crt" | q)",
      "      ServerTLSCert: \(.tlsDir + "/server.crt" | q)"),
    "  Organizations:",
    "  Policies:",
    "    Readers: {Type: ImplicitMeta, Rule: \"ANY Readers\"}",
    "    Writers: {Type: ImplicitMeta, Rule: \"ANY Writers\"}",
    "    Admins: {Type: ImplicitMeta, Rule: \"MAJORITY Admins\"}",
    "    BlockValidation: {Type: ImplicitMeta, Rule: \"ANY Writers\"}",
    "  Capabilities: *OrdererCapabilities",
    "Channel: &ChannelDefaults",
    "  Policies:",
    "    Readers: {Type: ImplicitMeta, Rule: \"ANY Readers\"}",
    "    Writers: {Type: ImplicitMeta, Rule: \"ANY Writers\"}",
    "    Admins: {Type: ImplicitMeta, Rule: \"MAJORITY Admins\"}",
    "  Capabilities: *ChannelCapabilities",
    "Profiles:",
    (.channels[] |
      "  \(.name):",
      "    <<: *ChannelDefaults",
      "    Orderer:",
      "      <<: *OrdererDefaults",
      (if $byChannel[.name] != null then
        "      SmartBFT:",
        (($smartBFT + $byChannel[.name]) | to_entries[] | "        \(.key): \(.value)")
       else empty end),
      "      Organizations: [*\($n.ordererOrg.name)]",
      "    Application:",
      "      <<: *ApplicationDefaults",
      "      Organizations: [\((.peerOrgs + .clientOrgs) | map("*" + .) | join(", "))]")
' --argjson smartBFT "$smartbft" --argjson byChannel "$smartbft_by_channel" "$net" > "$out/configtx.yaml"

# ---------------------------------------------------------------------------------------------
# 4. Crypto material and genesis blocks.
# ---------------------------------------------------------------------------------------------
rm -rf "$out/organizations" "$out/channel-artifacts"
cryptogen generate --config="$out/crypto-config.yaml" --output="$out/organizations" >/dev/null
mkdir -p "$out/channel-artifacts"
for channel in $(jq -r '.channels[].name' "$net"); do
  configtxgen -configPath "$out" -profile "$channel" -channelID "$channel" \
    -outputBlock "$out/channel-artifacts/$channel.block" 2>"$out/channel-artifacts/$channel.configtxgen.log" \
    || { cat "$out/channel-artifacts/$channel.configtxgen.log" >&2; exit 1; }
done

# ---------------------------------------------------------------------------------------------
# 5. Connection profiles (common connection profile format), one per org. Client-only orgs use
#    their gateway peer org's peer.
# ---------------------------------------------------------------------------------------------
mkdir -p "$out/connection-profiles"
for org in $(jq -r '.orgs[].name' "$net"); do
  jq --arg org "$org" '
    . as $n
    | (.orgs[] | select(.name == $org)) as $o
    | ($o.peer // (.orgs[] | select(.name == $o.gatewayPeerOrg) | .peer)) as $p
    | (.orgs[] | select(.peer == $p)) as $po
    | { name: "carbontrace-\($o.name | ascii_downcase)", version: "1.0.0",
        client: { organization: $o.name },
        organizations: { ($o.name): { mspid: $o.mspId, peers: (if $o.peer then [$o.peer.hostname] else [] end),
                                      users: { Admin: $o.users.admin, User1: $o.users.user1 } } },
        peers: { ($p.hostname): { url: "grpcs://\($p.address)", tlsCACerts: { path: $po.tlsCaCert },
                                   grpcOptions: { "ssl-target-name-override": $p.hostname, hostnameOverride: $p.hostname } } },
        channels: ($o.channels | map({ key: ., value: { peers: { ($p.hostname): {} } } }) | from_entries) }
  ' "$net" > "$out/connection-profiles/$org.json"
done
# ---------------------------------------------------------------------------------------------
# 6. Per-host bundles (multi-host topologies only): hosts/<host>/ holds network.json with every
#    path under the configuration or run directory replaced by @BUNDLE@ / @RUN@ (start.sh fills
#    them in), only that host's node MSPs and TLS keys, the public TLS CA certificates, the Fabric
#    node configuration (core.yaml, orderer.yaml), the ccaas builder, start.sh / stop.sh, and
#    docker-compose.yaml for the same nodes (network/scripts/compose-gen.sh).
# ---------------------------------------------------------------------------------------------
rm -rf "$out/hosts"
if [ "$(jq -r .multiHost "$net")" = "true" ]; then
  sampleconfig="$root/.cache/fabric/sampleconfig"
  for host in $(jq -r '.hosts[].name' "$net"); do
    bundle="$out/hosts/$host"
    mkdir -p "$bundle/fabric-config"
    echo "$host" >"$bundle/HOST"
    jq --arg out "$out" --arg run "$run" 'walk(if type == "string" and startswith($out + "/") then "@BUNDLE@" + .[($out | length):]
      elif type == "string" and startswith($run + "/") then "@RUN@" + .[($run | length):] else . end)' "$net" >"$bundle/network.json"
    # Node directories (MSP with its signing key, TLS key pair) of this host's orderers and peers.
    for dir in $(jq -r --arg h "$host" '(.orderers[] | select(.host == $h) | .mspDir, .tlsDir),
        (.orgs[] | select(.peer != null and .peer.host == $h) | .peer.mspDir, .peer.tlsDir)' "$net"); do
      mkdir -p "$bundle/${dir#"$out"/}" && cp -r "$dir/." "$bundle/${dir#"$out"/}/"
    done
    # Public TLS CA certificates (orderer admin client roots; clients of other hosts).
    for cert in $(jq -r '.ordererOrg.tlsCaCert, (.orgs[].tlsCaCert)' "$net"); do
      mkdir -p "$bundle/$(dirname "${cert#"$out"/}")" && cp "$cert" "$bundle/${cert#"$out"/}"
    done
    for f in core.yaml orderer.yaml; do [ -f "$sampleconfig/$f" ] && cp "$sampleconfig/$f" "$bundle/fabric-config/"; done
    cp -r "$root/network/ccaas-builder" "$bundle/ccaas-builder"
    cp "$root/network/scripts/node-env.sh" "$bundle/node-env.sh"
    cp "$root/network/scripts/bundle/start.sh" "$root/network/scripts/bundle/stop.sh" "$bundle/"
    bash "$root/network/scripts/compose-gen.sh" --net "$net" --host "$host" --out "$bundle/docker-compose.yaml"
  done
fi
echo "generate: configuration written to $out" >&2
