#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (the tests drive it with
# playwright-core; no browser is downloaded by npm). Needs root (CI and the dev machines run as
# root) and the Debian package mirror. Prints the browser's path on stdout.
# Usage: bash scripts/install-chromium.sh
set -euo pipefail
find_chromium() {
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if find_chromium; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: chromium is missing and this is not root; run: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "install-chromium: installing Debian's chromium (apt-get)" >&2
# One installer at a time on a shared machine.
exec 9>/tmp/carbontrace-apt.lock
flock 9
if ! find_chromium >/dev/null; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
find_chromium
