// The mkosi side of npm run bench, when mkosi is on PATH: the peer configuration (a minimal Debian of the example's
// suite with the same packages and kernel, a bootable GPT ext4 disk image) built cold (empty cache) and warm (its
// package cache and incremental cache kept), timed like ksimage, and the ksimage/mkosi ratios.
// Written for mkosi 14 (Debian bookworm's) command line. What differs from the example, by mkosi 14's design: it makes
// its initramfs with dracut (which conflicts with initramfs-tools, so that package is left out) and boots with
// systemd-boot from an ESP (it has no BIOS GRUB).
// On these hosts mkosi 14 needs three shims (bench/mkosi-shims, put first on its PATH, in a private mount namespace with a
// tmpfs on /run/systemd): the kernel has no vfat driver, so the ESP is a tmpfs copied into the FAT file system with
// mtools when it is unmounted, and bootctl is told not to check the ESP's file system type (SYSTEMD_RELAX_ESP_CHECKS).
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildPlan } from "../src/plan.js";
import { which } from "../src/run/index.js";
import { measure, type Measured } from "./measure.js";

/** What the mkosi benchmark found: its table rows and the ratio lines. */
export interface MkosiBench {
  rows: [label: string, m: Measured][];
  notes: string[];
  /** mkosi's cold build, for the check "ksimage cold <= 0.6 x mkosi cold"; null when it failed. */
  coldSeconds: number | null;
}

/** Packages of the example that mkosi 14 cannot take: it installs dracut for a bootable image. */
const NOT_FOR_MKOSI = new Set(["initramfs-tools"]);

// The mkosi argv that builds the peer of PLAN's Debian image into OUTPUT with CACHE (packages) and WORK (its workspace;
// not TMPDIR, which mkosi 14 passes on to the package scripts in the image, where that directory does not exist).
export function mkosiArgs(plan: Pick<BuildPlan, "packages">, output: string, cache: string, work: string): string[] {
  const source = plan.packages;
  if (source?.backend !== "apt") throw new Error("the mkosi comparison needs the example's apt plan");
  // The same archive as ksimage's build: the host's apt sources, as the plan resolved them.
  const mirror = source.entries[0]?.uri;
  return [
    "mkosi",
    "--force",
    "--distribution=debian",
    `--release=${source.suite}`,
    ...(mirror ? [`--mirror=${mirror}`] : []),
    "--format=gpt_ext4",
    "--bootable",
    "--incremental",
    "--nspawn-keep-unit",
    `--workspace-dir=${work}`,
    `--cache=${cache}`,
    `--output=${output}`,
    ...source.selection.packages.filter((p) => !NOT_FOR_MKOSI.has(p)).map((p) => `--package=${p}`),
    "build",
  ];
}

/** The shims' directory in the checkout. */
export const SHIMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "mkosi-shims");

// Whether this host needs the shims: no vfat in the kernel (mkosi mounts its ESP), or no systemd as PID 1 (nspawn).
export function needsShims(filesystems: string, systemdBooted: boolean): boolean {
  return !/\svfat$/m.test(filesystems) || !systemdBooted;
}

// ARGV run with the shims: a private mount namespace with a tmpfs on /run/systemd (nspawn's propagation directory must not
// be on a disk file system), the shims first on PATH, and STATE for the FAT mounts they keep.
export function shimmedArgs(argv: readonly string[], state: string, pathEnv: string): { argv: string[]; env: Record<string, string> } {
  return {
    argv: ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd && exec "$@"', "mkosi-shims", ...argv],
    env: { PATH: `${SHIMS}:${pathEnv}`, MKOSI_SHIM_STATE: state },
  };
}

// "cold 52.5 s / mkosi 69.8 s = 0.75": ksimage's time against mkosi's.
export function ratioLine(label: string, ksimage: number, mkosi: number): string {
  return `${label}: ksimage ${ksimage.toFixed(1)} s / mkosi ${mkosi.toFixed(1)} s = ${(ksimage / mkosi).toFixed(2)}`;
}

// Build the peer with mkosi cold and warm in WORK, or null when mkosi is not installed. Both builds write the same
// output: mkosi 14 keeps its incremental cache beside it.
export async function benchMkosi(plan: BuildPlan, work: string, ksimage: { cold: number; warm: number }): Promise<MkosiBench | null> {
  if ((await which("mkosi")) === undefined) return null;
  const cache = path.join(work, "mkosi-cache");
  const workspace = path.join(work, "mkosi-work");
  const argv = mkosiArgs(plan, path.join(work, "mkosi.raw"), cache, workspace);
  const shims = needsShims(readFileSync("/proc/filesystems", "utf8"), existsSync("/run/systemd/system"));
  const state = path.join(work, "mkosi-shim-state");
  const run = async (label: string): Promise<Measured> => {
    await mkdir(workspace, { recursive: true });
    await writeFile(state, "");
    const how = shims ? shimmedArgs(argv, state, process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin") : { argv, env: {} };
    return measure(label, how.argv, { cwd: work, env: how.env, timeoutMs: 30 * 60_000 });
  };
  let cold: Measured, warm: Measured;
  try {
    cold = await run("mkosi cold (empty cache)");
    warm = await run("mkosi warm (cache kept)");
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return { rows: [], notes: [`mkosi is installed but failed, so there is no ratio: ${why}`], coldSeconds: null };
  }
  return {
    rows: [
      [cold.label, cold],
      [warm.label, warm],
    ],
    notes: [...(shims ? ["mkosi ran with bench/mkosi-shims (no vfat driver or no systemd as PID 1 here)"] : []), ratioLine("cold", ksimage.cold, cold.wallSeconds), ratioLine("warm", ksimage.warm, warm.wallSeconds)],
    coldSeconds: cold.wallSeconds,
  };
}
