#!/usr/bin/env bash
# README command 1: set up this machine and run the example appliance through ksimage.
# Today ksimage reads and checks kickstarts; building and booting arrive with the disk,
# installer and boot loader stages (see README "Status").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/cli.js validate examples/debian-minimal.ks
node dist/cli.js plan examples/debian-minimal.ks
