// npm run bench: build examples/debian-minimal.ks cold, warm, and warm after a %post change, time the physical floor
// (mmdebstrap of the same packages into a tarball + qemu-img convert) in the same run, and judge the issue's targets.
// The live ISO of examples/debian-live.ks is timed the same way (bench/live.ts); --no-live leaves it out.
// --sizes runs only the growth benchmark instead (bench/sizes.ts): three appliances of rising size, cold, warm and floor.
// --reproducible runs only what SOURCE_DATE_EPOCH costs (bench/repro.ts): warm plain and reproducible builds in pairs.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildPlan } from "../src/plan.js";
import { run } from "../src/run/index.js";
import { benchLive, type LiveBench } from "./live.js";
import { benchMkosi } from "./mkosi.js";
import { benchReproducible } from "./repro.js";
import { benchSizes, sizesTable } from "./sizes.js";
import { biggestPhasesLine, floorInstallArgs, loadAverage, measure, mib, type Measured } from "./measure.js";
import type { PhaseTime } from "../src/run/index.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const example = path.join(repo, "examples/debian-minimal.ks");
const cli = [process.execPath, path.join(repo, "dist/cli.js")];
const args = new Set(process.argv.slice(2));
const work = mkdtempSync("/var/tmp/ksimage-bench-");
const cache = path.join(work, "cache");

interface BuildSummary {
  outputs: { path: string; format: string | null; bytes: number }[];
  steps: { step: string; seconds: number }[];
  phases: PhaseTime[];
  treeCache: { status: string; reason: string };
  imageCache: { status: string; reason: string };
  process: { maxRssMiB: number; cpuSeconds: number };
}

/** One `ksimage build` of KS into its own output directory, measured, with its --json summary. */
async function build(label: string, ks: string, extra: string[] = []): Promise<Measured & { summary: BuildSummary }> {
  const argv = [...cli, "build", ks, "--name", "debian-minimal", "--outdir", path.join(work, label), "-f", "qcow2", "--cache", cache, "--tmpdir", work, "--json", "-q", ...extra];
  const m = await measure(label, argv, { timeoutMs: 30 * 60_000 });
  return { ...m, summary: JSON.parse(m.stdout) as BuildSummary };
}

const qcow2Of = (b: { summary: BuildSummary }): { path: string; bytes: number } => b.summary.outputs.find((o) => o.format === "qcow2")!;

// The %post change must be in the image: read the file from the root filesystem with debugfs (no mount, no loop device).
async function readFromImage(qcow2: string, plan: BuildPlan, file: string): Promise<{ text: string; raw: string }> {
  const raw = path.join(work, "check.raw");
  await run(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2, raw]);
  const root = plan.layout.disks[0]!.partitions.find((p) => p.mountpoint === "/")!;
  const r = await run(["debugfs", "-R", `cat ${file}`, `${raw}?offset=${root.startSector * 512}`]);
  return { text: r.stdout.trim(), raw };
}

// The floor: what installing these packages and converting an image of this size costs at the least.
async function floor(plan: BuildPlan, raw: string): Promise<{ install: Measured; convert: Measured; tarBytes: number }> {
  const tar = path.join(work, "floor.tar");
  const install = await measure("floor: mmdebstrap -> tarball", await floorInstallArgs(plan, tar), { env: { TMPDIR: work }, timeoutMs: 30 * 60_000 });
  const convert = await measure("floor: qemu-img convert", ["qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zstd", raw, path.join(work, "floor.qcow2")]);
  return { install, convert, tarBytes: statSync(tar).size };
}

function row(cells: (string | number)[]): string {
  const widths = [34, 9, 9, 11, 13, 10];
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join(" ");
}

async function main(): Promise<number> {
  const load0 = loadAverage();
  console.log(`ksimage benchmark on ${os.hostname()}: ${os.availableParallelism()} CPUs, load ${load0.join(" ")}, work directory ${work}`);
  const plan = JSON.parse((await run([...cli, "plan", "--json", example])).stdout) as BuildPlan;

  const cold = await build("cold", example);
  const warm = await build("warm", example);
  // The same warm build without the image cache: the tree restored, file systems made, configuration and GRUB again.
  const treeOnly = await build("warm, --no-image-cache", example, ["--no-image-cache"]);
  const mark = `bench-${randomBytes(4).toString("hex")}`;
  const changed = path.join(work, "debian-minimal.ks");
  writeFileSync(changed, `${readFileSync(example, "utf8")}\n%post\necho ${mark} > /etc/ksimage-bench\n%end\n`);
  const post = await build("warm-post", changed);
  const inImage = await readFromImage(qcow2Of(post).path, plan, "/etc/ksimage-bench");
  const fl = await floor(plan, inImage.raw);
  const floorSeconds = fl.install.wallSeconds + fl.convert.wallSeconds;

  const live: LiveBench | null = args.has("--no-live") ? null : await benchLive(cli, repo, work, cache);
  // mkosi's peer build in the same run, when mkosi is installed (--no-mkosi leaves it out).
  const mkosi = args.has("--no-mkosi") ? null : await benchMkosi(plan, work, { cold: cold.wallSeconds, warm: warm.wallSeconds });

  let booted = "skipped (--no-boot)";
  if (!args.has("--no-boot")) {
    const boot = await run([...cli, "boot", qcow2Of(post).path, "--timeout", "300", "--attempts", "2"], { allowExitCodes: [1] });
    booted = boot.exitCode === 0 ? (/"login:" appeared after .*/.exec(boot.stderr)?.[0] ?? "yes") : `NO: ${boot.stderr.trim().split("\n").pop()}`;
  }

  console.log("\n" + row(["run", "wall s", "CPU s", "ksimage RSS", "qcow2", "load"]));
  for (const b of [cold, warm, treeOnly, post]) {
    console.log(row([`${b.label} (${b.summary.treeCache.status}/${b.summary.imageCache.status})`, b.wallSeconds.toFixed(1), b.cpuSeconds.toFixed(1), `${b.summary.process.maxRssMiB} MiB`, mib(qcow2Of(b).bytes), `${b.loadBefore}->${b.loadAfter}`]));
  }
  for (const m of [fl.install, fl.convert]) console.log(row([m.label, m.wallSeconds.toFixed(1), m.cpuSeconds.toFixed(1), "-", "-", `${m.loadBefore}->${m.loadAfter}`]));
  for (const [label, m, bytes] of live?.rows ?? []) console.log(row([label, m.wallSeconds.toFixed(1), m.cpuSeconds.toFixed(1), "-", bytes === null ? "-" : mib(bytes), `${m.loadBefore}->${m.loadAfter}`]));
  for (const [label, m] of mkosi?.rows ?? []) console.log(row([label, m.wallSeconds.toFixed(1), m.cpuSeconds.toFixed(1), "-", "-", `${m.loadBefore}->${m.loadAfter}`]));
  console.log(row(["floor (install + convert)", floorSeconds.toFixed(1), (fl.install.cpuSeconds + fl.convert.cpuSeconds).toFixed(1), "-", mib(statSync(path.join(work, "floor.qcow2")).size), ""]));
  console.log(`\nthe image cache saves ${(treeOnly.wallSeconds - warm.wallSeconds).toFixed(1)} s of a warm build (${treeOnly.wallSeconds.toFixed(1)} s with the root-tree cache alone)`);
  console.log(`floor tarball ${mib(fl.tarBytes)}; cold/floor ${(cold.wallSeconds / floorSeconds).toFixed(2)}, warm/floor ${(warm.wallSeconds / floorSeconds).toFixed(2)}, warm-post/floor ${(post.wallSeconds / floorSeconds).toFixed(2)}`);
  console.log(`cold build steps: ${cold.summary.steps.filter((s) => s.seconds >= 0.5).map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(", ")}`);
  console.log(`warm build steps: ${warm.summary.steps.filter((s) => s.seconds >= 0.3).map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(", ")}`);
  console.log(biggestPhasesLine("cold build", cold.summary.phases));
  console.log(biggestPhasesLine("warm build", warm.summary.phases));
  console.log("(tree/image: the root-tree cache's and the image cache's hit or miss)");
  console.log(`%post change in the warm image: ${inImage.text === mark ? `yes (/etc/ksimage-bench = ${mark})` : `NO (found "${inImage.text}")`}; warm image boots: ${booted}`);

  for (const note of live?.notes ?? []) console.log(note);
  console.log(mkosi === null ? "mkosi: not on PATH (or --no-mkosi): no side-by-side build" : `mkosi side by side: ${mkosi.notes.join("; ")}`);

  const rss = Math.max(cold.summary.process.maxRssMiB, warm.summary.process.maxRssMiB, treeOnly.summary.process.maxRssMiB, post.summary.process.maxRssMiB);
  const checks: [string, boolean][] = [
    [`cold ${cold.wallSeconds.toFixed(1)} s <= 0.7 x floor ${floorSeconds.toFixed(1)} s`, cold.wallSeconds <= 0.7 * floorSeconds],
    ...(mkosi !== null ? [[`cold ${cold.wallSeconds.toFixed(1)} s <= 0.6 x mkosi cold ${mkosi.coldSeconds?.toFixed(1) ?? "(failed)"} s`, mkosi.coldSeconds !== null && cold.wallSeconds <= 0.6 * mkosi.coldSeconds] as [string, boolean]] : []),
    [`warm ${warm.wallSeconds.toFixed(1)} s <= 5 s (image cache ${warm.summary.imageCache.status})`, warm.wallSeconds <= 5 && warm.summary.imageCache.status === "hit"],
    [`warm after a %post change ${post.wallSeconds.toFixed(1)} s <= 5 s, change in the image`, post.wallSeconds <= 5 && inImage.text === mark],
    [`compressed qcow2 ${mib(qcow2Of(cold).bytes)} <= 300 MiB`, qcow2Of(cold).bytes <= 300 * 2 ** 20],
    [`ksimage's peak RSS ${rss} MiB < 150 MiB`, rss < 150],
    [`the warm image boots: ${booted}`, booted.startsWith('"login:"') || args.has("--no-boot")],
    ...(live?.checks ?? []),
  ];
  console.log(`\nload average at the end: ${loadAverage().join(" ")} (at the start: ${load0.join(" ")})`);
  for (const [what, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${what}`);
  return checks.every(([, ok]) => ok) ? 0 : 1;
}

// --sizes: the growth table only.
async function sizesMain(): Promise<number> {
  const load0 = loadAverage();
  console.log(`ksimage growth benchmark on ${os.hostname()}: ${os.availableParallelism()} CPUs, load ${load0.join(" ")}, work directory ${work}`);
  const rows = await benchSizes(cli, example, work, (line) => console.log(line));
  console.log(["", ...sizesTable(rows), "", `load average at the end: ${loadAverage().join(" ")} (at the start: ${load0.join(" ")})`].join("\n"));
  return 0;
}

let code = 1;
try {
  if (args.has("--sizes")) code = await sizesMain();
  else if (args.has("--reproducible")) code = await benchReproducible(cli, example, work, (line) => console.log(line));
  else code = await main();
} finally {
  if (!args.has("--keep")) await run(["rm", "-rf", "--one-file-system", "--", work]);
  else console.log(`work directory kept: ${work}`);
}
process.exitCode = code;
