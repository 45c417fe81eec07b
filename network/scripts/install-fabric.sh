#!/usr/bin/env bash
# Installs Hyperledger Fabric v3.1.1 programs with the Go toolchain from the Go module proxy into
# the project's git-ignored cache (.cache/fabric/bin). Skips the build when the programs are present.
# Prints the bin directory on its last line.
# The orderer is built against SmartBFT with our patches applied in order (docs/reliability.md,
# "Soak"): network/patches/smartbft-same-height-sync.patch (a restarted follower that synced to the
# height it already had reset its decisions-in-view count and then rejected every proposal; fixed
# upstream in a version the module proxy here does not serve) and smartbft-decide-after-abort.patch
# (a follower whose view was aborted while it was deciding blocked its controller for good;
# upstream PR #681, open).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FABRIC_VERSION="3.1.1"
FABRIC_MODULE="github.com/hyperledger/fabric"
FABRIC_PSEUDO="v1.4.0-rc1.0.20250510200036-435a7f1a780a"
bin="${CARBONTRACE_FABRIC_BIN:-$root/.cache/fabric/bin}"
programs=(peer orderer configtxgen osnadmin cryptogen configtxlator)
SMARTBFT_MODULE="github.com/hyperledger-labs/SmartBFT"
SMARTBFT_PSEUDO="v0.0.0-20250503203013-eb005eef8866"   # the version Fabric 3.1.1's go.mod names
smartbft_patches=("$root/network/patches/smartbft-same-height-sync.patch" "$root/network/patches/smartbft-decide-after-abort.patch")
installed_version="$FABRIC_VERSION+$(cat "${smartbft_patches[@]}" | sha256sum | cut -c1-12)"

missing=()
for p in "${programs[@]}"; do
  if [ ! -x "$bin/$p" ]; then missing+=("$p"); fi
done
if [ ${#missing[@]} -eq 0 ] && [ -f "$bin/.version" ] && [ "$(cat "$bin/.version")" = "$installed_version" ]; then
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
# The orderer: a writable copy of the Fabric module whose go.mod replaces SmartBFT by a patched copy.
src="$root/.cache/fabric/src"
smartbft="$(go mod download -json "$SMARTBFT_MODULE@$SMARTBFT_PSEUDO" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$smartbft" ] || [ ! -d "$smartbft" ]; then
  echo "install-fabric: go mod download $SMARTBFT_MODULE@$SMARTBFT_PSEUDO failed" >&2
  exit 1
fi
if ! command -v patch >/dev/null 2>&1; then
  echo "install-fabric: installing Debian's patch" >&2
  apt-get install -y -q patch >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q patch >/dev/null; }
fi
rm -rf "$src" && mkdir -p "$src"
cp -R "$modsrc" "$src/fabric" && cp -R "$smartbft" "$src/smartbft" && chmod -R u+w "$src"
for smartbft_patch in "${smartbft_patches[@]}"; do
  patch -s -p1 -d "$src/smartbft" <"$smartbft_patch"
done
(cd "$src/fabric" && go mod edit -replace "$SMARTBFT_MODULE=../smartbft")
for p in "${programs[@]}"; do
  dir="$modsrc"
  [ "$p" = orderer ] && dir="$src/fabric"
  echo "install-fabric: go build ./cmd/$p" >&2
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath \
    -ldflags "-X $FABRIC_MODULE/common/metadata.Version=$FABRIC_VERSION" -o "$bin/$p" "./cmd/$p")
done
rm -rf "$src"
echo "$installed_version" > "$bin/.version"
# sampleconfig (core.yaml, orderer.yaml, configtx.yaml) comes with the module source.
mkdir -p "$root/.cache/fabric/sampleconfig"
cp -f "$modsrc/sampleconfig/"*.yaml "$root/.cache/fabric/sampleconfig/"
chmod u+w "$root/.cache/fabric/sampleconfig/"*.yaml
echo "$bin"
