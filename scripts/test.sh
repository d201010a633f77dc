#!/usr/bin/env bash
# README command 2: set up this machine, then run every test layer it can run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec bash scripts/test-all.sh "$@"
