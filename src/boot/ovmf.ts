// Find OVMF's firmware code and variable template from Debian's ovmf package (`dpkg -L ovmf`).
import { existsSync } from "node:fs";
import { KsimageError, ToolError } from "../errors.js";
import { run } from "../run/index.js";

/** The read-only firmware code and the variables file to copy for each boot. */
export interface OvmfFiles {
  code: string;
  vars: string;
}

// Pairs in order of preference: 4 MiB builds first (Debian 12's default), then 2 MiB; never the Secure Boot variants.
const PAIRS = [
  ["OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"],
  ["OVMF_CODE.fd", "OVMF_VARS.fd"],
] as const;

/** Where other distributions keep them, for hosts without dpkg. */
export const OTHER_OVMF_PATHS = ["/usr/share/edk2/ovmf", "/usr/share/OVMF", "/usr/share/edk2-ovmf/x64"];

/** The preferred code/vars pair among FILES (absolute paths, e.g. `dpkg -L ovmf`), or null. */
export function pickOvmf(files: readonly string[]): OvmfFiles | null {
  for (const [code, vars] of PAIRS) {
    const c = files.find((f) => f.endsWith(`/${code}`));
    const v = files.find((f) => f.endsWith(`/${vars}`) && f.slice(0, -vars.length) === c?.slice(0, -code.length));
    if (c && v) return { code: c, vars: v };
  }
  return null;
}

/** Find OVMF: the files of Debian's ovmf package, else the usual paths of other distributions. */
export async function findOvmf(): Promise<OvmfFiles> {
  let listed: string[] = [];
  try {
    listed = (await run(["dpkg", "-L", "ovmf"], { reason: "find the UEFI firmware (OVMF)", dryRun: false })).stdout.split("\n").map((l) => l.trim());
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
  }
  const others = OTHER_OVMF_PATHS.flatMap((dir) => PAIRS.flatMap(([c, v]) => [`${dir}/${c}`, `${dir}/${v}`])).filter((f) => existsSync(f));
  const found = pickOvmf(listed.filter((f) => existsSync(f))) ?? pickOvmf(others);
  if (found === null) throw new KsimageError("--uefi needs the OVMF firmware, and none was found", "install it: apt-get install ovmf (Fedora: dnf install edk2-ovmf)");
  return found;
}
