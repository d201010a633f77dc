#!/usr/bin/env bash
# README command 1: set up this machine, build examples/debian-minimal.ks and boot it to its login prompt.
# Outputs go to ./out/debian-minimal/ (qcow2, virt-image and libvirt XML, SBOM, SHA256SUMS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/cli.js build examples/debian-minimal.ks --outdir out -f qcow2 --boot-test "$@"
