// SIGKILL of `ksimage build` during the install, then `ksimage cleanup --dry-run` lists exactly what the dead build
// left, and a second build of another appliance reaps it, succeeds, and leaves nothing of either.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { mountsUnder } from "../../../src/partition/mount.js";
import { run } from "../../../src/run/index.js";
import { loopsUnder, useSandbox } from "../../helpers/build-sandbox.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";
import { feedTarball } from "../../helpers/throttled-tarball.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const CLI = ["--import", "tsx", "src/cli.ts"];

async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("ksimage build: SIGKILLed", () => {
  const sandbox = useSandbox();

  it("during the install: cleanup --dry-run lists exactly its leftovers; the next build of another appliance reaps them and leaves nothing", async () => {
    const sb = sandbox();
    const tmp = path.join(sb.dir, "tmp");
    mkdirSync(tmp);
    const fifo = path.join(sb.dir, "slow.tar");
    const feed = await feedTarball(fifo);
    sb.teardown.defer("stop the tarball feed", () => feed.stop());
    const killedKs = path.join(sb.dir, "killed.ks");
    writeFileSync(killedKs, `liveimg --url=file://${fifo}\nbootloader --location=none\npart / --fstype=ext4 --size=160\n`);

    let stderr = "";
    const child = execa(process.execPath, [...CLI, "build", killedKs, "-o", sb.outdir, "--tmpdir", tmp, "--no-compress"], { cwd: REPO, reject: false });
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    try {
      await waitFor(() => stderr.includes("] install ("), "the install step");
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      child.kill("SIGKILL");
    }
    const killed = await child;
    expect(killed.signal).toBe("SIGKILL");
    feed.stop();

    // What the dead build left: its work directory and its unfinished disk file (its mounts went with its namespace;
    // its loop device detaches itself once the namespace is gone).
    const workdirs = readdirSync(tmp).filter((f) => f.startsWith("ksimage-"));
    expect(workdirs).toHaveLength(1);
    const partial = path.join(sb.outdir, "killed", "killed-sda.raw.partial");
    expect(existsSync(partial)).toBe(true);
    const dry = await run([process.execPath, ...CLI, "cleanup", "--dry-run", "--json", "--tmpdir", tmp], { cwd: REPO });
    const listed = JSON.parse(dry.stdout) as { deadBuilds: { workdir: string; mounts: string[]; loops: { file: string }[]; files: string[] }[] };
    console.log(`cleanup --dry-run after SIGKILL:\n${dry.stdout}`);
    expect(listed.deadBuilds).toHaveLength(1);
    const dead = listed.deadBuilds[0]!;
    expect(dead.workdir).toBe(path.join(tmp, workdirs[0]!));
    expect(dead.files).toEqual([partial]);
    expect(dead.mounts).toEqual([]);
    for (const l of dead.loops) expect(l.file).toBe(partial);
    // The dry run changed nothing.
    expect(existsSync(partial) && existsSync(dead.workdir)).toBe(true);

    // A second build of another appliance, in the same tmpdir: it reaps the dead build first, then succeeds.
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const nextKs = path.join(sb.dir, "next.ks");
    writeFileSync(nextKs, `liveimg --url=file://${tarball}\nbootloader --location=none\npart / --fstype=ext4 --size=64\n`);
    const next = await run([process.execPath, ...CLI, "build", nextKs, "-o", sb.outdir, "--tmpdir", tmp, "--no-compress"], { cwd: REPO, allowExitCodes: [1] });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stderr).toContain(`reaped the leftovers of a dead build (pid ${child.pid}`);
    expect(next.stderr).not.toContain("could not");

    // Nothing of either build is left: no loop device, no mount, no work directory, no .partial, nothing of the killed one.
    expect(await loopsUnder(sb.dir)).toEqual([]);
    expect(await mountsUnder(sb.dir)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(filesUnder(sb.outdir).filter((f) => f.endsWith(".partial"))).toEqual([]);
    expect(filesUnder(path.join(sb.outdir, "killed")).map((f) => path.basename(f))).toEqual(["killed-build.log"]);
    expect(existsSync(path.join(sb.outdir, "next", "next-sda.raw"))).toBe(true);
  });
});
