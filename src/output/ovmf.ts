// Find the host's OVMF firmware (code and variable template) by asking the package manager, not by guessing paths.
import path from "node:path";
import { getLogger, run, which } from "../run/index.js";

/** The UEFI firmware pair a libvirt domain points at. */
export interface Ovmf {
  code: string;
  vars: string;
}

/** Firmware file pairs in order of preference: Debian's 4 MiB build, then the older/Fedora 2 MiB names. */
export const OVMF_PAIRS: readonly (readonly [code: string, vars: string])[] = [
  ["OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"],
  ["OVMF_CODE.fd", "OVMF_VARS.fd"],
];

/** Each package manager's query for the files of its OVMF package. */
export const OVMF_QUERIES: readonly string[][] = [
  ["dpkg", "-L", "ovmf"],
  ["rpm", "-ql", "edk2-ovmf"],
];

// Pick the preferred code/vars pair out of a package's file list; null when it has none.
export function pickOvmf(files: readonly string[]): Ovmf | null {
  for (const [code, vars] of OVMF_PAIRS) {
    const c = files.find((f) => path.basename(f) === code);
    const v = files.find((f) => path.basename(f) === vars);
    if (c !== undefined && v !== undefined) return { code: c, vars: v };
  }
  return null;
}

// The OVMF files of the installed package, or null when no package provides them (the caller falls back to firmware='efi').
export async function findOvmf(): Promise<Ovmf | null> {
  for (const argv of OVMF_QUERIES) {
    if ((await which(argv[0]!)) === undefined) continue;
    // Exit 1 means "package not installed": try the next package manager.
    const r = await run(argv, { reason: "find the OVMF firmware for the libvirt domain", allowExitCodes: [1] });
    if (r.exitCode !== 0) continue;
    const found = pickOvmf(r.stdout.split("\n").map((l) => l.trim()));
    if (found !== null) return found;
  }
  getLogger().warn("no OVMF package found (Debian: ovmf, Fedora: edk2-ovmf): the libvirt domain lets libvirt choose the UEFI firmware");
  return null;
}
