// The live ISO part of npm run bench: examples/debian-live.ks -f iso cold and warm (root-tree cache), and the floor:
// mmdebstrap of the same packages into a directory plus mksquashfs with the same compression.
import { statSync } from "node:fs";
import path from "node:path";
import { mksquashfsArgs } from "../src/live/squashfs.js";
import type { BuildPlan } from "../src/plan.js";
import { run } from "../src/run/index.js";
import { biggestPhasesLine, floorInstallArgs, measure, mib, type Measured } from "./measure.js";
import type { PhaseTime } from "../src/run/index.js";

interface IsoSummary {
  outputs: { path: string; bytes: number }[];
  steps: { step: string; seconds: number }[];
  phases: PhaseTime[];
  treeCache: { status: string; reason: string };
}

/** What the live benchmark found: one table row per run, and its targets judged. */
export interface LiveBench {
  rows: [label: string, m: Measured, isoBytes: number | null][];
  checks: [string, boolean][];
  notes: string[];
}

// `ksimage build KS -f iso` into its own directory with the shared cache, measured.
async function buildIso(cli: string[], work: string, cache: string, ks: string, label: string): Promise<Measured & { summary: IsoSummary; iso: { path: string; bytes: number } }> {
  const argv = [...cli, "build", ks, "--outdir", path.join(work, label), "-f", "iso", "--cache", cache, "--tmpdir", work, "--json", "-q"];
  const m = await measure(label, argv, { timeoutMs: 30 * 60_000 });
  const summary = JSON.parse(m.stdout) as IsoSummary;
  return { ...m, summary, iso: summary.outputs.find((o) => o.path.endsWith(".iso"))! };
}

// The floor of an ISO build: installing the packages (into a directory, as the ISO build does) and packing them with mksquashfs.
async function floor(plan: BuildPlan, work: string): Promise<{ install: Measured; squash: Measured; squashBytes: number }> {
  if (plan.live === null) throw new Error("the live benchmark's example must be an ISO plan");
  const root = path.join(work, "live-floor-root");
  const install = await measure("live floor: mmdebstrap -> directory", await floorInstallArgs(plan, root), { env: { TMPDIR: work }, timeoutMs: 30 * 60_000 });
  const sfs = path.join(work, "live-floor.squashfs");
  const squash = await measure(`live floor: mksquashfs (${plan.live.codec})`, mksquashfsArgs(root, sfs, plan.live.codec, null));
  return { install, squash, squashBytes: statSync(sfs).size };
}

// Time the live ISO cold, warm and its floor; the targets are cold <= 1.1 x floor and warm <= 15 s.
export async function benchLive(cli: string[], repo: string, work: string, cache: string): Promise<LiveBench> {
  const example = path.join(repo, "examples/debian-live.ks");
  const plan = JSON.parse((await run([...cli, "plan", "--json", "-f", "iso", example])).stdout) as BuildPlan;
  const cold = await buildIso(cli, work, cache, example, "live-cold");
  const warm = await buildIso(cli, work, cache, example, "live-warm");
  const fl = await floor(plan, work);
  const floorSeconds = fl.install.wallSeconds + fl.squash.wallSeconds;
  const steps = (s: IsoSummary) => s.steps.filter((x) => x.seconds >= 0.5).map((x) => `${x.step} ${x.seconds.toFixed(1)} s`).join(", ");
  return {
    rows: [
      [`${cold.label} (cache ${cold.summary.treeCache.status})`, cold, cold.iso.bytes],
      [`${warm.label} (cache ${warm.summary.treeCache.status})`, warm, warm.iso.bytes],
      [fl.install.label, fl.install, null],
      [fl.squash.label, fl.squash, fl.squashBytes],
    ],
    checks: [
      [`live ISO cold ${cold.wallSeconds.toFixed(1)} s <= 1.1 x floor ${floorSeconds.toFixed(1)} s`, cold.wallSeconds <= 1.1 * floorSeconds],
      [`live ISO warm ${warm.wallSeconds.toFixed(1)} s <= 15 s (cache ${warm.summary.treeCache.status})`, warm.wallSeconds <= 15 && warm.summary.treeCache.status === "hit"],
    ],
    notes: [
      `live ISO ${mib(cold.iso.bytes)} (floor squashfs ${mib(fl.squashBytes)}); cold/floor ${(cold.wallSeconds / floorSeconds).toFixed(2)}`,
      `live cold steps: ${steps(cold.summary)}`,
      `live warm steps: ${steps(warm.summary)}`,
      biggestPhasesLine("live cold build", cold.summary.phases),
      biggestPhasesLine("live warm build", warm.summary.phases),
    ],
  };
}
