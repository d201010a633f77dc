// What the benchmark measures around each command: wall time, CPU time of everything it ran, and the host's load.
import { readFileSync } from "node:fs";
import { pickHostAptOptions, sourceLine } from "../src/installer/apt.js";
import type { BuildPlan } from "../src/plan.js";
import { biggestPhases, run, type PhaseTime, type RunOptions } from "../src/run/index.js";

/** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on every Linux ksimage runs on). */
const USER_HZ = 100;

/** The 1, 5 and 15 minute load averages: these machines are shared, so every figure is read beside them. */
export function loadAverage(): [number, number, number] {
  const [a = "0", b = "0", c = "0"] = readFileSync("/proc/loadavg", "utf8").split(" ");
  return [Number(a), Number(b), Number(c)];
}

/** User + system CPU seconds of this process's children that have ended (each waited for its own, so whole trees). */
export function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // Fields after the command name (which may contain blanks) start at field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}

/** One measured command. */
export interface Measured {
  label: string;
  wallSeconds: number;
  cpuSeconds: number;
  loadBefore: number;
  loadAfter: number;
  stdout: string;
}

// Run ARGV to completion and measure it.
export async function measure(label: string, argv: string[], opts: RunOptions = {}): Promise<Measured> {
  const loadBefore = loadAverage()[0];
  const cpu0 = childrenCpuSeconds();
  const t0 = process.hrtime.bigint();
  const r = await run(argv, { reason: `benchmark: ${label}`, dryRun: false, ...opts });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { label, wallSeconds, cpuSeconds: childrenCpuSeconds() - cpu0, loadBefore, loadAfter: loadAverage()[0], stdout: r.stdout };
}

/** A size in MiB with one decimal. */
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

// "LABEL: the three biggest phases: install: initramfs 16.2 s (install), ..." from a build's --json phases.
export function biggestPhasesLine(label: string, phases: readonly PhaseTime[] | undefined): string {
  const top = biggestPhases(phases ?? [], 3).map((p) => `${p.phase} ${p.seconds.toFixed(1)} s (${p.step})`);
  return `${label}: the three biggest phases: ${top.length > 0 ? top.join(", ") : "none reported"}`;
}

// The floor's install: mmdebstrap of PLAN's suite, variant and packages from its sources, with the host's apt options,
// into TARGET (a tarball or a directory, as mmdebstrap decides by its name). The same for the disk, live and sizes benches.
export async function floorInstallArgs(plan: Pick<BuildPlan, "packages">, target: string): Promise<string[]> {
  const source = plan.packages;
  if (source?.backend !== "apt") throw new Error("the benchmark's floor needs an apt plan");
  const aptopts = pickHostAptOptions((await run(["apt-config", "dump"])).stdout).map((o) => `--aptopt=${o}`);
  return ["mmdebstrap", `--variant=${source.variant}`, `--include=${source.selection.packages.join(",")}`, ...aptopts, source.suite, target, ...source.entries.map(sourceLine)];
}
