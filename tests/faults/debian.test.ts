// Fault injection on an apt-based Debian appliance (mmdebstrap from the host's apt sources, --cache so that only the
// first run downloads). Chosen cells, since each costs a real package install: SIGINT, SIGTERM and SIGKILL while
// dpkg runs inside mmdebstrap's chroot (the case where a dpkg child once outlived ksimage), and mmdebstrap failing
// at its first call (a PATH shim). The root-tree cache is never filled (no cell finishes), so every cell installs.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProcesses, selectProcesses } from "../../src/installer/processes.js";
import { hostApt } from "../helpers/debian-root.js";
import { cellDir, cellOk, cleanup, describeLeft, failingShim, leftovers, loadavg, printTable, REPO, run, scrub, startBuild, type Cell } from "./harness.js";

// Kept between runs on purpose (only downloads: a cold first run fetches ~40 MiB from the host's mirror).
const CACHE = "/var/tmp/ksimage-faults-apt-cache";
const parent = path.join("/var/tmp", `ksimage-faults-debian-${process.pid}`);
const ks = path.join(parent, "debian.ks");
const cells: Cell[] = [];
const started = Date.now();
const loadBefore = loadavg();
const EXIT: Record<string, string> = { SIGINT: "130", SIGTERM: "143", SIGKILL: "SIGKILL" };

beforeAll(async () => {
  if (process.env.KSIMAGE_FAULTS_NO_BUILD !== "1") await run(["npm", "run", "-s", "build"], { cwd: REPO });
  mkdirSync(parent, { recursive: true });
  mkdirSync(CACHE, { recursive: true });
  const { suite } = await hostApt();
  writeFileSync(ks, `bootloader --location=none\npart / --fstype=ext4 --size=1024\n%addon org_ksimage_debian --suite=${suite} --variant=minbase\n%end\n%packages\nless\n%end\n`);
}, 300_000);

afterAll(async () => {
  printTable(`fault injection, Debian appliance (load ${loadBefore} -> ${loadavg()}, ${((Date.now() - started) / 1000).toFixed(0)} s)`, cells);
  await scrub(parent);
});

// Whether dpkg runs under a process that names DIR (mmdebstrap and its apt-get/dpkg children).
async function dpkgRunsIn(dir: string): Promise<boolean> {
  const procs = await listProcesses();
  const ours = new Set(selectProcesses(procs, dir, { byArgv: true, exclude: [process.pid] }));
  return procs.some((p) => ours.has(p.pid) && path.basename(p.argv[0] ?? "") === "dpkg");
}

describe("fault injection: an apt-cached Debian appliance", () => {
  it.each(["SIGINT", "SIGTERM", "SIGKILL"] as const)("%s while dpkg runs in mmdebstrap's chroot: no child outlives ksimage, nothing is left", async (signal) => {
    const { dir, tmp, out } = cellDir(parent);
    const t0 = Date.now();
    const b = startBuild(ks, tmp, out, ["-f", "raw", "--no-compress", "--cache", CACHE]);
    let ended = false;
    void b.done.then(() => (ended = true));
    const deadline = Date.now() + 900_000;
    while (!ended && Date.now() < deadline && !(await dpkgRunsIn(dir))) await new Promise((r) => setTimeout(r, 200));
    const caught = !ended;
    b.child.kill(signal);
    const r = await b.done;
    let messageOk: boolean;
    let note = caught ? "sent while dpkg ran" : "dpkg never seen";
    if (signal === "SIGKILL") {
      const c = await cleanup(tmp);
      messageOk = c.exitCode === 0 && c.json.deadBuilds.length === 1;
    } else {
      messageOk = new RegExp(`interrupted by ${signal} during step \\d+/\\d+ \\(install\\)`).test(r.stderr);
      const stopped = /\(stopped ([^)]+)\)/.exec(r.stderr);
      if (stopped) note += `; stopped ${stopped[1]}`;
    }
    const left = await leftovers(dir, tmp, out);
    cells.push({ appliance: "debian", fault: signal, step: "7 install (dpkg)", exit: r.exit, expected: EXIT[signal]!, left, messageOk: messageOk && caught, note, seconds: (Date.now() - t0) / 1000 });
    await scrub(dir);
    const cell = cells.at(-1)!;
    expect({ ok: cellOk(cell), exit: cell.exit, left: describeLeft(cell.left), messageOk: cell.messageOk }).toEqual({ ok: true, exit: EXIT[signal], left: "clean", messageOk: true });
  });

  it("mmdebstrap failing at its first call (a PATH shim: this cannot be provoked for real) leaves nothing and is named", async () => {
    const { dir, tmp, out } = cellDir(parent);
    const t0 = Date.now();
    const shim = await failingShim(dir, "mmdebstrap");
    const r = await startBuild(ks, tmp, out, ["-f", "raw", "--no-compress", "--cache", CACHE], { env: { PATH: `${shim}:${process.env.PATH ?? ""}` } }).done;
    const left = await leftovers(dir, tmp, out);
    const step = /failed at step (\d+)\/\d+ \(([^)]+)\)/.exec(r.stderr);
    cells.push({
      appliance: "debian",
      fault: "mmdebstrap fails",
      step: step ? `${step[1]} ${step[2]}` : "?",
      exit: r.exit,
      expected: "1",
      left,
      messageOk: step?.[2] === "install" && /mmdebstrap/.test(r.stderr.split("\n").filter((l) => l.startsWith("ksimage: ") || l.startsWith("  command: ")).join("\n")),
      note: (r.stderr.split("\n").find((l) => l.startsWith("ksimage: ")) ?? "").slice(0, 90),
      seconds: (Date.now() - t0) / 1000,
    });
    await scrub(dir);
    const cell = cells.at(-1)!;
    expect({ ok: cellOk(cell), left: describeLeft(cell.left), stderr: cellOk(cell) ? "" : r.stderr }).toEqual({ ok: true, left: "clean", stderr: "" });
  });
});
