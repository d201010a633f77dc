// Fault injection on a small liveimg appliance: SIGINT, SIGTERM and SIGKILL at each build step (the step list comes
// from the code), each external tool failing at its first call (a PATH shim: such a failure cannot be provoked for
// real), and a full disk during the tree unpack and during the conversion. After each fault (and the `ksimage
// cleanup` that follows a SIGKILL) nothing of the build may be left, no output may look finished, the exit code must
// be 1, 130 or 143 as fits, and the message must name the step (and the tool).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STEP_TITLES } from "../../src/build.js";
import { attachLoop, detachLoopsOf } from "../../src/partition/loop.js";
import { unmount } from "../../src/partition/mount.js";
import { Teardown } from "../../src/run/index.js";
import { TEST_ROOT, writeTestRootTarball } from "../helpers/root-tarball.js";
import {
  cellDir,
  cellOk,
  cleanup,
  describeLeft,
  failingShim,
  leftovers,
  loadavg,
  parseStepLine,
  printTable,
  REPO,
  run,
  scrub,
  startBuild,
  toolsFromLog,
  type Cell,
} from "./harness.js";

const parent = mkdtempSync("/var/tmp/ksimage-faults-");
const tarball = path.join(parent, "root.tar");
const ks = path.join(parent, "small.ks");
// raw (xz) and qcow2: the conversion step runs qemu-img and xz.
const ARGS = ["-f", "raw", "-f", "qcow2"];
const EXIT: Record<string, string> = { SIGINT: "130", SIGTERM: "143", SIGKILL: "SIGKILL" };
const cells: Cell[] = [];
const started = Date.now();
const loadBefore = loadavg();
let tools: string[] = [];

// Tools whose failure the build survives by design, and why (the cell then expects exit 0 and a finished output).
const TOLERATED: Record<string, { why: string; says?: RegExp }> = {
  setpriv: { why: "no namespaces: built in the host's, with a warning", says: /building without private mount and PID namespaces/ },
  unshare: { why: "no namespaces: built in the host's, with a warning", says: /building without private mount and PID namespaces/ },
  dmsetup: { why: "a probe: failing means no device-mapper, partitions go through partx" },
  partx: { why: "partx -a failing falls back to one loop device per partition" },
  fstrim: { why: "exit 1 is accepted: not every filesystem discards" },
  findmnt: { why: "retried: mount checks and unmounts try again until a deadline" },
  sync: { why: "retried: an unmount tries again until a deadline" },
  umount: { why: "retried: an unmount tries again until a deadline (busy mounts)" },
  blockdev: { why: "retried: a loop detach tries again until a deadline" },
  rm: { why: "retried: the work directory removal tries again" },
  "qemu-img": { why: "a probe: failing means no zstd in qcow2, zlib is used" },
};

function record(cell: Cell): void {
  cells.push(cell);
  console.log(`${cell.fault} @ ${cell.step}: exit ${cell.exit} (want ${cell.expected}), ${describeLeft(cell.left)}, message ${cell.messageOk ? "ok" : "NO"}, ${cell.seconds.toFixed(1)} s ${cell.note}`);
}

beforeAll(async () => {
  // The harness runs dist/ as a user would (no tsx start-up per build): build it from this checkout first.
  if (process.env.KSIMAGE_FAULTS_NO_BUILD !== "1") await run(["npm", "run", "-s", "build"], { cwd: REPO });
  writeTestRootTarball(tarball, TEST_ROOT);
  writeFileSync(ks, `liveimg --url=file://${tarball}\nbootloader --location=none\npart / --fstype=ext4 --size=64\n`);
}, 300_000);

afterAll(async () => {
  printTable(`fault injection, liveimg appliance (load ${loadBefore} -> ${loadavg()}, ${((Date.now() - started) / 1000).toFixed(0)} s)`, cells);
  await scrub(parent);
});

describe("fault injection: a small liveimg appliance", () => {
  it("builds cleanly without a fault (the baseline, and the list of tools it runs)", async () => {
    const { dir, tmp, out } = cellDir(parent);
    const t0 = Date.now();
    const r = await startBuild(ks, tmp, out, ARGS).done;
    expect(r.exit, r.stderr).toBe("0");
    tools = toolsFromLog(readFileSync(path.join(out, "small", "small-build.log"), "utf8"));
    // The supervisor's own tools (it runs before the log exists) fail at their first call too.
    tools = ["setpriv", ...tools];
    const left = await leftovers(dir, tmp, out);
    expect({ ...left, finished: [] }).toEqual({ loops: [], mounts: [], workdirs: [], partials: [], finished: [], processes: [] });
    console.log(`baseline build: ${((Date.now() - t0) / 1000).toFixed(1)} s; tools: ${tools.join(" ")}`);
    await scrub(dir);
  });

  it.each(["SIGINT", "SIGTERM", "SIGKILL"] as const)("%s at each build step leaves nothing (after ksimage cleanup for SIGKILL)", async (signal) => {
    const titles = STEP_TITLES();
    for (const [i, title] of titles.entries()) {
      const { dir, tmp, out } = cellDir(parent);
      const t0 = Date.now();
      let sent = false;
      const b = startBuild(ks, tmp, out, ARGS, {
        onLine: (line) => {
          const s = parseStepLine(line);
          if (!sent && s?.index === i + 1) {
            sent = true;
            b.child.kill(signal);
          }
        },
      });
      const r = await b.done;
      let messageOk: boolean;
      let note = sent ? "" : "signal not sent: the step line never came";
      if (signal === "SIGKILL") {
        // Nothing can speak for a SIGKILLed build: `ksimage cleanup` must find and reap its leftovers.
        const c = await cleanup(tmp);
        const found = c.json.deadBuilds;
        messageOk = c.exitCode === 0 && found.length === 1;
        note ||= `cleanup reaped ${found.map((d) => `${d.workdir ? "workdir" : ""}${d.loops.length ? ` ${d.loops.length} loops` : ""}${d.files.length ? ` ${d.files.length} files` : ""}`).join("; ")}`;
      } else {
        const m = new RegExp(`interrupted by ${signal} during (step \\d+/\\d+ \\(([^)]+)\\))`).exec(r.stderr);
        messageOk = m !== null;
        if (m && m[2] !== title) note ||= `hit ${m[1]}`;
        const stopped = /\(stopped ([^)]+)\)/.exec(r.stderr);
        if (stopped) note = `${note ? `${note}; ` : ""}stopped ${stopped[1]}`;
      }
      const left = await leftovers(dir, tmp, out);
      record({ appliance: "liveimg", fault: signal, step: `${i + 1} ${title}`, exit: r.exit, expected: EXIT[signal]!, left, messageOk, note, seconds: (Date.now() - t0) / 1000 });
      await scrub(dir);
    }
    const bad = cells.filter((c) => c.fault === signal && !cellOk(c));
    expect(bad.map((c) => `${c.step}: exit ${c.exit}, ${describeLeft(c.left)}, message ${c.messageOk}`)).toEqual([]);
  });

  it("each external tool failing at its first call (a PATH shim: this cannot be provoked for real) leaves nothing and is named", async () => {
    expect(tools.length).toBeGreaterThan(5);
    for (const tool of tools) {
      const { dir, tmp, out } = cellDir(parent);
      const t0 = Date.now();
      const shim = await failingShim(dir, tool);
      const r = await startBuild(ks, tmp, out, ARGS, { env: { PATH: `${shim}:${process.env.PATH ?? ""}` } }).done;
      const left = await leftovers(dir, tmp, out);
      const step = /failed at step (\d+)\/\d+ \(([^)]+)\)/.exec(r.stderr);
      const tolerance = TOLERATED[tool];
      const tolerated = tolerance !== undefined && (tolerance.says?.test(r.stderr) ?? true);
      const named = new RegExp(`ksimage: .*\\b${tool.replace(/[.+]/g, "\\$&")}\\b|command: \\S*${tool}`).test(r.stderr);
      record({
        appliance: "liveimg",
        fault: `${tool} fails`,
        step: step ? `${step[1]} ${step[2]}` : tolerated ? "(survived)" : "?",
        exit: r.exit,
        expected: tolerance ? "0" : "1",
        left: tolerated ? { ...left, finished: [] } : left,
        messageOk: tolerated || (step !== null && named),
        note: tolerance ? tolerance.why : (r.stderr.split("\n").find((l) => l.startsWith("ksimage: ")) ?? "").slice(0, 90),
        seconds: (Date.now() - t0) / 1000,
      });
      await scrub(dir);
    }
    const bad = cells.filter((c) => c.fault.endsWith(" fails") && !cellOk(c));
    expect(bad.map((c) => `${c.fault} at ${c.step}: exit ${c.exit}, ${describeLeft(c.left)}, message ${c.messageOk}`)).toEqual([]);
  });

  it.each([
    ["the tree unpack", 96, ["-f", "raw", "--no-compress"], "install", 48],
    ["the conversion", 36, ["-f", "qcow2", "--no-compress"], "convert and describe", 256],
  ] as const)("a full disk during %s (outdir and tmpdir on a 64 MiB filesystem) leaves nothing on it", async (when, mib, args, wantStep, rootMiB) => {
    const { dir } = cellDir(parent);
    const t0 = Date.now();
    const image = path.join(dir, "small.img");
    const small = path.join(dir, "small");
    const smallFs = new Teardown();
    smallFs.defer(`detach the loop device of ${image}`, () => detachLoopsOf(image));
    smallFs.defer(`unmount ${small}`, () => unmount(small));
    try {
      await run(["truncate", "-s", "64M", image]);
      await run(["mkfs.ext4", "-q", "-F", "-m", "0", image]);
      mkdirSync(small);
      const device = await attachLoop(image, { reason: "hold the small test filesystem", placeholder: "${LOOP}" });
      await run(["mount", device, small]);
      const big = path.join(dir, "big.tar");
      writeTestRootTarball(big, [...TEST_ROOT, { path: "random.bin", type: "file", mode: 0o644, content: randomBytes(mib * 2 ** 20) }]);
      const fullKs = path.join(dir, "full.ks");
      // The unpack case: a 48 MiB root fills before the 64 MiB host filesystem does (a full host filesystem under a
      // loop device shows up only as I/O errors, later); the conversion case: the copy does not fit on the host one.
      writeFileSync(fullKs, `liveimg --url=file://${big}\nbootloader --location=none\npart / --fstype=ext4 --size=${rootMiB}\n`);
      const tmp = path.join(small, "tmp");
      const out = path.join(small, "out");
      mkdirSync(tmp);
      const r = await startBuild(fullKs, tmp, out, args).done;
      const left = await leftovers(small, tmp, out, [small]);
      const step = /failed at step (\d+)\/\d+ \(([^)]+)\)/.exec(r.stderr);
      record({
        appliance: "liveimg",
        fault: `disk full (${when})`,
        step: step ? `${step[1]} ${step[2]}` : "?",
        exit: r.exit,
        expected: "1",
        left,
        messageOk: step?.[2] === wantStep && /the disk is full|No space left on device/.test(r.stderr),
        note: (r.stderr.split("\n").find((l) => l.startsWith("ksimage: ")) ?? "").slice(0, 90),
        seconds: (Date.now() - t0) / 1000,
      });
    } finally {
      await smallFs.unwind();
      await scrub(dir);
    }
    const cell = cells.at(-1)!;
    expect({ exit: cell.exit, left: describeLeft(cell.left), messageOk: cell.messageOk }).toEqual({ exit: "1", left: "clean", messageOk: true });
  });
});
