// npm run bench -- --reproducible: what SOURCE_DATE_EPOCH costs a build. examples/debian-minimal.ks is built once to fill
// the root-tree caches, then warm with --no-image-cache (the image cache is off for reproducible builds, so this is the
// fair pair) ROUNDS times in pairs, plain and reproducible, alternating so that both see the same host. It reports
// each pair, the median difference and where the reproducible build spends it (its --json steps and phases), and
// checks that the reproducible builds gave one qcow2 sha256. Not part of the tests.
import path from "node:path";
import type { PhaseTime } from "../src/run/index.js";
import { loadAverage, measure, type Measured } from "./measure.js";

const EPOCH = "1700000000";
const ROUNDS = 5;

interface Summary {
  outputs: { path: string; format: string | null; sha256: string | null }[];
  steps: { step: string; seconds: number }[];
  phases: PhaseTime[];
}

interface Run extends Measured {
  summary: Summary;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Steps and phases whose medians differ by less than this are not listed. */
const SHOWN_SECONDS = 0.05;

// Every name NAMES gives for a build, with the median seconds of the plain and the reproducible builds, where they differ.
function differences(pairs: readonly { plain: Run; epoch: Run }[], names: (r: Run) => Map<string, number>): string[] {
  const all = new Set(pairs.flatMap((p) => [...names(p.plain).keys(), ...names(p.epoch).keys()]));
  return [...all].flatMap((n) => {
    const plain = median(pairs.map((p) => names(p.plain).get(n) ?? 0));
    const epoch = median(pairs.map((p) => names(p.epoch).get(n) ?? 0));
    return Math.abs(epoch - plain) < SHOWN_SECONDS ? [] : [`  ${n}: ${plain.toFixed(2)} -> ${epoch.toFixed(2)}`];
  });
}

const stepSeconds = (r: Run): Map<string, number> => new Map(r.summary.steps.map((s) => [s.step, s.seconds]));
const phaseSeconds = (r: Run): Map<string, number> => {
  const out = new Map<string, number>();
  for (const p of r.summary.phases) out.set(p.phase, (out.get(p.phase) ?? 0) + p.seconds);
  return out;
};

// The reproducibility benchmark: prints its table and returns the exit code (0 when the reproducible builds agreed).
export async function benchReproducible(cli: string[], example: string, work: string, log: (line: string) => void): Promise<number> {
  const cache = path.join(work, "repro-cache");
  const build = async (label: string, extra: string[]): Promise<Run> => {
    const argv = [...cli, "build", example, "--name", "debian-minimal", "--outdir", path.join(work, label), "-f", "qcow2", "--cache", cache, "--no-image-cache", "--tmpdir", work, "--json", "-q", ...extra];
    const m = await measure(label, argv, { timeoutMs: 30 * 60_000, env: { SOURCE_DATE_EPOCH: undefined } });
    return { ...m, summary: JSON.parse(m.stdout) as Summary };
  };
  const load0 = loadAverage();
  log(`filling the root-tree caches (one plain and one reproducible build), load ${load0.join(" ")}`);
  await build("fill-plain", []);
  await build("fill-epoch", ["--source-date-epoch", EPOCH]);
  const pairs: { plain: Run; epoch: Run }[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    // Alternate which goes first, so that neither always runs right after the other's writes.
    const first = i % 2 === 0 ? "plain" : "epoch";
    const a = await build(`${first}-${i}`, first === "epoch" ? ["--source-date-epoch", EPOCH] : []);
    const b = await build(`${first === "plain" ? "epoch" : "plain"}-${i}`, first === "plain" ? ["--source-date-epoch", EPOCH] : []);
    const pair = first === "plain" ? { plain: a, epoch: b } : { plain: b, epoch: a };
    pairs.push(pair);
    log(`round ${i + 1}: plain ${pair.plain.wallSeconds.toFixed(2)} s, reproducible ${pair.epoch.wallSeconds.toFixed(2)} s, difference ${(pair.epoch.wallSeconds - pair.plain.wallSeconds).toFixed(2)} s (load ${pair.plain.loadBefore} -> ${pair.epoch.loadAfter})`);
  }
  const costs = pairs.map((p) => p.epoch.wallSeconds - p.plain.wallSeconds);
  const cost = median(costs);
  const lines = [
    "",
    `median of ${ROUNDS} pairs (warm, --no-image-cache, -f qcow2): plain ${median(pairs.map((p) => p.plain.wallSeconds)).toFixed(2)} s, reproducible ${median(pairs.map((p) => p.epoch.wallSeconds)).toFixed(2)} s`,
    `reproducibility costs ${cost.toFixed(2)} s (pairs: ${costs.map((c) => c.toFixed(2)).join(", ")})`,
    `steps whose median seconds differ, plain -> reproducible:`,
    ...differences(pairs, stepSeconds),
    `phases whose median seconds differ, plain -> reproducible:`,
    ...differences(pairs, phaseSeconds),
  ];
  const shas = new Set(pairs.map((p) => p.epoch.summary.outputs.find((o) => o.format === "qcow2")?.sha256 ?? "none"));
  const plainShas = new Set(pairs.map((p) => p.plain.summary.outputs.find((o) => o.format === "qcow2")?.sha256 ?? "none"));
  lines.push(`qcow2 sha256 of the ${ROUNDS} reproducible builds: ${[...shas].map((s) => s.slice(0, 16)).join(", ")}; of the plain ones: ${plainShas.size} different`);
  lines.push(`load average at the end: ${loadAverage().join(" ")} (at the start: ${load0.join(" ")})`);
  const checks: [string, boolean][] = [
    [`the ${ROUNDS} reproducible builds gave one qcow2 sha256`, shas.size === 1 && !shas.has("none")],
    [`reproducibility costs ${cost.toFixed(2)} s <= 1 s`, cost <= 1],
  ];
  for (const [what, ok] of checks) lines.push(`${ok ? "PASS" : "FAIL"}  ${what}`);
  for (const l of lines) log(l);
  return checks.every(([, ok]) => ok) ? 0 : 1;
}
