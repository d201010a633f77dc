#!/usr/bin/env bash
# README command 1: set up this machine, build the Debian examples and boot them to their login prompt:
# examples/debian-minimal.ks (msdos, BIOS) and examples/debian-uefi.ks (gpt hybrid, booted with UEFI and with BIOS).
# Outputs go to ./out/<name>/ (qcow2, virt-image and libvirt XML, SBOM, SHA256SUMS), or to $KSIMAGE_OUT; packages and
# installed trees are cached in <out>/cache, so running it again rebuilds each appliance in seconds.
# Extra arguments go to both builds (for example --tmpdir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=${KSIMAGE_OUT:-out}
ksimage() { node dist/cli.js "$@"; }
ksimage build examples/debian-minimal.ks --outdir "$out" --cache "$out/cache" -f qcow2 --boot-test --boot-attempts 2 "$@"
ksimage build examples/debian-uefi.ks --outdir "$out" --cache "$out/cache" -f qcow2 "$@"
ksimage boot --attempts 2 --uefi "$out/debian-uefi/debian-uefi-sda.qcow2"
ksimage boot --attempts 2 "$out/debian-uefi/debian-uefi-sda.qcow2"
echo "example: debian-minimal (BIOS) and debian-uefi (UEFI and BIOS) built in $out and booted to their login prompts" >&2
