// The mkosi side of npm run bench, when mkosi is on PATH: the peer configuration (a minimal Debian of the example's
// suite with the same packages, kernel and BIOS GRUB, a raw disk image) built cold (empty cache) and warm (its package
// cache and incremental cache kept), timed like ksimage, and the ksimage/mkosi ratios.
// Written for mkosi 14 (Debian bookworm's) command line. On the development host it cannot build: mkosi 14 mounts the
// ESP of a bootable image as vfat (the kernel has no vfat driver) and runs its package manager in systemd-nspawn (no
// system bus there); a failing mkosi is reported by the bench, not fatal to it.
import path from "node:path";
import type { BuildPlan } from "../src/plan.js";
import { which } from "../src/run/index.js";
import { measure, type Measured } from "./measure.js";

/** What the mkosi benchmark found: its table rows and the ratio lines. */
export interface MkosiBench {
  rows: [label: string, m: Measured][];
  notes: string[];
}

// The mkosi argv that builds the peer of PLAN's Debian image into OUTPUT with CACHE (packages and incremental images).
export function mkosiArgs(plan: Pick<BuildPlan, "packages">, output: string, cache: string): string[] {
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
    "--boot-protocols=bios",
    "--incremental",
    `--cache=${cache}`,
    `--output=${output}`,
    ...source.selection.packages.map((p) => `--package=${p}`),
    "build",
  ];
}

// "cold 52.5 s / mkosi 69.8 s = 0.75": ksimage's time against mkosi's.
export function ratioLine(label: string, ksimage: number, mkosi: number): string {
  return `${label}: ksimage ${ksimage.toFixed(1)} s / mkosi ${mkosi.toFixed(1)} s = ${(ksimage / mkosi).toFixed(2)}`;
}

// Build the peer with mkosi cold and warm in WORK, or null when mkosi is not installed.
export async function benchMkosi(plan: BuildPlan, work: string, ksimage: { cold: number; warm: number }): Promise<MkosiBench | null> {
  if ((await which("mkosi")) === undefined) return null;
  const cache = path.join(work, "mkosi-cache");
  const run = (label: string): Promise<Measured> =>
    measure(label, mkosiArgs(plan, path.join(work, `${label.replace(/\W+/g, "-")}.raw`), cache), { cwd: work, env: { TMPDIR: work }, timeoutMs: 30 * 60_000 });
  let cold: Measured, warm: Measured;
  try {
    cold = await run("mkosi cold (empty cache)");
    warm = await run("mkosi warm (cache kept)");
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return { rows: [], notes: [`mkosi is installed but failed, so there is no ratio: ${why}`] };
  }
  return {
    rows: [
      [cold.label, cold],
      [warm.label, warm],
    ],
    notes: [ratioLine("cold", ksimage.cold, cold.wallSeconds), ratioLine("warm", ksimage.warm, warm.wallSeconds)],
  };
}
