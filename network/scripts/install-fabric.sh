#!/usr/bin/env bash
# Installs Hyperledger Fabric v3.1.1 programs with the Go toolchain from the Go module proxy into
# the project's git-ignored cache (.cache/fabric/bin). Skips the build when the programs are present.
# Prints the bin directory on its last line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FABRIC_VERSION="3.1.1"
FABRIC_MODULE="github.com/hyperledger/fabric"
FABRIC_PSEUDO="v1.4.0-rc1.0.20250510200036-435a7f1a780a"
bin="${CARBONTRACE_FABRIC_BIN:-$root/.cache/fabric/bin}"
programs=(peer orderer configtxgen osnadmin cryptogen configtxlator)

missing=()
for p in "${programs[@]}"; do
  if [ ! -x "$bin/$p" ]; then missing+=("$p"); fi
done
if [ ${#missing[@]} -eq 0 ] && [ -f "$bin/.version" ] && [ "$(cat "$bin/.version")" = "$FABRIC_VERSION" ]; then
  echo "fabric $FABRIC_VERSION already installed in $bin" >&2
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-fabric: the Go toolchain is required (go not found on PATH)" >&2
  exit 1
fi
mkdir -p "$bin"
echo "install-fabric: building ${programs[*]} from $FABRIC_MODULE@$FABRIC_PSEUDO (Fabric $FABRIC_VERSION) ..." >&2
# `go install pkg@version` asks the proxy for the module's version list (deprecation check), which
# the proxy here refuses; so download the exact version and build inside the module cache instead.
modsrc="$(go mod download -json "$FABRIC_MODULE@$FABRIC_PSEUDO" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$modsrc" ] || [ ! -d "$modsrc" ]; then
  echo "install-fabric: go mod download $FABRIC_MODULE@$FABRIC_PSEUDO failed" >&2
  exit 1
fi
for p in "${programs[@]}"; do
  echo "install-fabric: go build ./cmd/$p" >&2
  (cd "$modsrc" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath \
    -ldflags "-X $FABRIC_MODULE/common/metadata.Version=$FABRIC_VERSION" -o "$bin/$p" "./cmd/$p")
done
echo "$FABRIC_VERSION" > "$bin/.version"
# sampleconfig (core.yaml, orderer.yaml, configtx.yaml) comes with the module source.
mkdir -p "$root/.cache/fabric/sampleconfig"
cp -f "$modsrc/sampleconfig/"*.yaml "$root/.cache/fabric/sampleconfig/"
chmod u+w "$root/.cache/fabric/sampleconfig/"*.yaml
echo "$bin"
