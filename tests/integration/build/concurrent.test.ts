// Two builds at once, and while their filesystems are mounted a third process enters a new mount namespace
// (`unshare -m sleep 60`, as mmdebstrap, nspawn or another build would). Each build's mounts live in its own private
// namespace, so that process copies none of them: both builds succeed and leave nothing, and so does the host.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { mountsUnder } from "../../../src/partition/mount.js";
import { loopsUnder, useSandbox } from "../../helpers/build-sandbox.js";
import { feedTarball } from "../../helpers/throttled-tarball.js";

const REPO = path.resolve(import.meta.dirname, "../../..");

async function waitFor(check: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("ksimage build: two at once, and a process that copies the mount namespace meanwhile", () => {
  const sandbox = useSandbox();

  it("both succeed and leave nothing while `unshare -m sleep 60` runs; nothing is left once it exits either", async () => {
    const sb = sandbox();
    const tmp = path.join(sb.dir, "tmp");
    mkdirSync(tmp);
    const builds = await Promise.all(
      ["one", "two"].map(async (name) => {
        const fifo = path.join(sb.dir, `${name}.tar`);
        const feed = await feedTarball(fifo);
        sb.teardown.defer(`stop the feed of ${name}`, () => feed.stop());
        const ks = path.join(sb.dir, `${name}.ks`);
        writeFileSync(ks, `liveimg --url=file://${fifo}\nbootloader --location=none\npart /boot --fstype=ext4 --size=32\npart / --fstype=ext4 --size=160\n`);
        let stderr = "";
        const child = execa(process.execPath, ["--import", "tsx", "src/cli.ts", "build", ks, "-o", sb.outdir, "--tmpdir", tmp, "--no-compress"], { cwd: REPO, reject: false });
        child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
        sb.teardown.defer(`stop the build ${name}`, async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await child;
        });
        return { name, feed, child, stderr: () => stderr };
      }),
    );
    // Both are in their install step, their filesystems mounted: now a third process copies the mount namespace.
    for (const b of builds) await waitFor(() => b.stderr().includes("] install ("), `build ${b.name} to reach its install step`);
    const copier = execa("unshare", ["-m", "sleep", "60"], { reject: false });
    sb.teardown.defer("stop unshare -m sleep 60", async () => {
      copier.kill("SIGKILL");
      await copier;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(copier.exitCode).toBeNull();

    for (const b of builds) await b.feed.finish();
    const results = await Promise.all(builds.map((b) => b.child));
    for (const [i, r] of results.entries()) expect({ build: builds[i]!.name, exitCode: r.exitCode, stderr: r.exitCode === 0 ? "" : builds[i]!.stderr() }).toEqual({ build: builds[i]!.name, exitCode: 0, stderr: "" });
    for (const b of builds) expect(b.stderr()).not.toMatch(/could not|still in use/);

    // While the copier still runs: nothing of either build is attached or mounted, no work directory, no .partial.
    expect(copier.exitCode).toBeNull();
    expect(await loopsUnder(sb.dir)).toEqual([]);
    expect(await mountsUnder(sb.dir)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    for (const b of builds) {
      expect(existsSync(path.join(sb.outdir, b.name, `${b.name}-sda.raw`))).toBe(true);
      expect(existsSync(path.join(sb.outdir, b.name, `${b.name}-sda.raw.partial`))).toBe(false);
    }
    copier.kill("SIGKILL");
    await copier;
    expect(await loopsUnder(sb.dir)).toEqual([]);
    expect(await mountsUnder(sb.dir)).toEqual([]);
  });
});
