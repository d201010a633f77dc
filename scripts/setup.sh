#!/usr/bin/env bash
# Set up a fresh Debian machine for ksimage: host packages (apt), npm dependencies, build.
# Idempotent; run as root (apt-get). Used by the README's commands and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=$(sed -e 's/#.*//' scripts/debian-packages.txt | xargs)
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || echo "$p"; done | xargs)
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: these Debian packages are missing and installing them needs root: $missing" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: building" >&2
npm run --silent build
