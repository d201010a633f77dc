// The fault-injection harness: run `ksimage build` (the built dist/, as a user runs it) into a private directory,
// inject one fault (a signal at a step, a failing tool, a full disk), then look at what is left: loop devices,
// mounts, work directories, .partial files, outputs that look finished, processes; and at the exit code and message.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { listProcesses, selectProcesses } from "../../src/installer/processes.js";
import { mountsUnder } from "../../src/partition/mount.js";
import { run, which } from "../../src/run/index.js";
import { forceCleanup, loopsUnder } from "../helpers/build-sandbox.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(REPO, "dist/cli.js");

/** What one fault left behind. */
export interface Left {
  loops: string[];
  mounts: string[];
  workdirs: string[];
  partials: string[];
  finished: string[];
  processes: number[];
}

/** One cell of the table: an appliance, a fault, where it hit, and what came of it. */
export interface Cell {
  appliance: string;
  fault: string;
  step: string;
  exit: string;
  expected: string;
  left: Left;
  messageOk: boolean;
  note: string;
  seconds: number;
}

export const isClean = (l: Left): boolean => Object.values(l).every((v) => v.length === 0);
export const cellOk = (c: Cell): boolean => isClean(c.left) && c.exit === c.expected && c.messageOk;

// A fresh directory for one cell: tmp (work directories) and out (outputs) inside.
export function cellDir(parent: string): { dir: string; tmp: string; out: string } {
  const dir = mkdtempSync(path.join(parent, "cell-"));
  const tmp = path.join(dir, "tmp");
  mkdirSync(tmp);
  return { dir, tmp, out: path.join(dir, "out") };
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

// What is left of a build that used TMP and OUT under DIR (IGNORE: mounts of the test's own, e.g. the small filesystem).
export async function leftovers(dir: string, tmp: string, out: string, ignoreMounts: readonly string[] = []): Promise<Left> {
  const files = walk(out);
  return {
    loops: await loopsUnder(dir),
    mounts: (await mountsUnder(dir)).filter((m) => !ignoreMounts.includes(m)),
    workdirs: existsSync(tmp) ? readdirSync(tmp).filter((f) => f.startsWith("ksimage-")) : [],
    partials: files.filter((f) => f.endsWith(".partial")).map((f) => path.relative(out, f)),
    finished: files.filter((f) => !f.endsWith(".partial") && !f.endsWith("-build.log")).map((f) => path.relative(out, f)),
    processes: selectProcesses(await listProcesses(), dir, { byArgv: true, exclude: [process.pid] }),
  };
}

// Say in a few words what is left ("clean", or "2 loops, 1 mount").
export function describeLeft(l: Left): string {
  const parts = [
    [l.loops.length, "loop"],
    [l.mounts.length, "mount"],
    [l.workdirs.length, "workdir"],
    [l.partials.length, ".partial"],
    [l.finished.length, "finished output"],
    [l.processes.length, "process"],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n > 1 ? "s" : ""}`);
  return said.length === 0 ? "clean" : said.join(", ");
}

/** A running build: its process, its stderr so far, and a promise of its end. */
export interface RunningBuild {
  child: ResultPromise;
  stderr: () => string;
  done: Promise<{ exit: string; stderr: string }>;
}

// Start `ksimage build KS -o OUT --tmpdir TMP ARGS` with ENV; ONLINE sees each stderr line as it comes. TMPDIR is TMP
// too, so whatever the build puts in the system's temporary directory is counted as left over if it stays.
export function startBuild(ks: string, tmp: string, out: string, args: readonly string[], opts: { env?: Record<string, string>; onLine?: (line: string) => void } = {}): RunningBuild {
  let stderr = "";
  let pending = "";
  const child = execa(process.execPath, [CLI, "build", ks, "-o", out, "--tmpdir", tmp, ...args], { cwd: REPO, reject: false, env: { ...opts.env, TMPDIR: tmp }, stdin: "ignore", forceKillAfterDelay: false });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) opts.onLine?.(line);
  });
  const done = child.then((r) => ({ exit: r.signal ? String(r.signal) : String(r.exitCode), stderr }));
  return { child, stderr: () => stderr, done };
}

// `ksimage cleanup --tmpdir TMP [--dry-run] --json`: what it listed.
export async function cleanup(tmp: string, dryRun = false): Promise<{ exitCode: number; json: { deadBuilds: { workdir: string | null; loops: unknown[]; mounts: string[]; files: string[] }[] } }> {
  const r = await run([process.execPath, CLI, "cleanup", "--tmpdir", tmp, "--json", ...(dryRun ? ["--dry-run"] : [])], { cwd: REPO, allowExitCodes: [1] });
  return { exitCode: r.exitCode, json: JSON.parse(r.stdout) as never };
}

// The step titles as the build prints them: "[3/18] partition (0.4 s)" -> index 3, "partition".
export function parseStepLine(line: string): { index: number; total: number; title: string } | undefined {
  const m = /^\[(\d+)\/(\d+)\] (.+) \(\d+\.\d s\)$/.exec(line.trim());
  return m ? { index: Number(m[1]), total: Number(m[2]), title: m[3]! } : undefined;
}

// A directory of PATH shims: TOOL fails (exit 1, a message) at its first call, then runs the real tool.
// A tool failing on cue cannot be provoked for real, hence the shim (the test says so in its table).
export async function failingShim(parent: string, tool: string): Promise<string> {
  const real = await which(tool);
  if (real === undefined) throw new Error(`${tool} is not on PATH`);
  const dir = mkdtempSync(path.join(parent, `shim-${tool}-`));
  const marker = path.join(dir, "failed-once");
  const script = path.join(dir, tool);
  writeFileSync(
    script,
    `#!/bin/sh\nif [ ! -e '${marker}' ]; then : > '${marker}'; echo "injected fault: ${tool} fails at its first call (ksimage fault-injection test)" >&2; exit 1; fi\nexec '${real}' "$@"\n`,
  );
  chmodSync(script, 0o755);
  return dir;
}

// The distinct tools a finished build ran, from its JSON log ("+ argv" records), in order of first use.
export function toolsFromLog(logText: string): string[] {
  const tools: string[] = [];
  for (const line of logText.split("\n")) {
    if (!line.includes('"argv"')) continue;
    try {
      const rec = JSON.parse(line) as { argv?: string[]; msg?: string };
      const tool = rec.argv?.[0];
      if (tool && rec.msg?.startsWith("+ ") && !tools.includes(path.basename(tool))) tools.push(path.basename(tool));
    } catch {
      // Not a JSON line.
    }
  }
  return tools;
}

// Remove whatever a cell left (after it was recorded), so the next cell starts clean.
export async function scrub(dir: string): Promise<void> {
  await forceCleanup(dir);
}

// Print the table (fault x step -> what was left) and return the summary line.
export function printTable(title: string, cells: readonly Cell[]): string {
  const rows = cells.map((c) => [c.appliance, c.fault, c.step, `${c.exit}${c.exit === c.expected ? "" : ` (want ${c.expected})`}`, describeLeft(c.left), c.messageOk ? "yes" : "NO", c.note, `${c.seconds.toFixed(1)}`]);
  const head = ["appliance", "fault", "step", "exit", "left", "message", "note", "s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  const lines = [fmt(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(fmt)];
  const clean = cells.filter(cellOk).length;
  const seconds = cells.reduce((s, c) => s + c.seconds, 0);
  const summary = `${title}: ${clean}/${cells.length} cells clean (0 loop devices, 0 mounts, 0 work directories, 0 .partial files, no finished-looking output, right exit code and message) in ${seconds.toFixed(0)} s`;
  console.log(`\n${title}\n${lines.join("\n")}\n${summary}\n`);
  return summary;
}

// The load average now (for the timings this layer reports).
export function loadavg(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

export { run, which };
