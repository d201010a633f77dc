// End to end: two cold builds of examples/debian-minimal.ks with the same SOURCE_DATE_EPOCH give the same raw disk, and so
// do a build that stores its tree in the root-tree cache and one from that cache;
// without it they differ and `ksimage diff` says where; the image has no SSH host keys and makes them at first boot.
import { renameSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bootImage } from "../../src/boot/boot-image.js";
import { readExtTree } from "../../src/diff/ext.js";
import { planFromFile } from "../../src/cli/plan.js";
import { run } from "../../src/run/index.js";
import { useSandbox, type Sandbox } from "../helpers/build-sandbox.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(repo, "examples/debian-minimal.ks");
const cli = ["node", "--import", "tsx", path.join(repo, "src/cli.ts")];
const EPOCH = "1700000000";

/** One build of the example into the sandbox's outdir (cold with --no-cache, else with the root-tree cache CACHE), moved to
 * DEST; the raw disk's path and sha256. */
async function coldBuild(sb: Sandbox, dest: string, epoch: string | undefined, cache?: string): Promise<{ raw: string; sha256: string }> {
  const argv = [...cli, "build", example, "--outdir", sb.outdir, "-f", "raw", "--no-compress", "--json", "--tmpdir", sb.dir, ...(cache ? ["--cache", cache] : ["--no-cache"]), ...(epoch ? ["--source-date-epoch", epoch] : [])];
  // The environment must not carry an epoch into the build that is meant to have none.
  const r = await run(argv, { cwd: repo, timeoutMs: 40 * 60_000, env: { SOURCE_DATE_EPOCH: undefined }, onStderrLine: (l) => console.log(l) });
  const summary = JSON.parse(r.stdout) as { outputs: { path: string; format: string | null; sha256: string | null }[] };
  const raw = summary.outputs.find((o) => o.format === "raw")!;
  const dir = path.join(sb.dir, dest);
  renameSync(path.dirname(raw.path), dir);
  return { raw: path.join(dir, path.basename(raw.path)), sha256: raw.sha256! };
}

describe("examples/debian-minimal.ks, reproducible", () => {
  const sandbox = useSandbox();

  it("same epoch: same raw sha256; no epoch: different, ksimage diff names where; no keys; keys made at first boot", async () => {
    const sb = sandbox();
    const a = await coldBuild(sb, "a", EPOCH);
    const b = await coldBuild(sb, "b", EPOCH);
    expect(b.sha256).toBe(a.sha256);
    // From the root-tree cache too: a tree restored from the cache is laid out otherwise on the host (mke2fs -d counted
    // its lifetime writes differently, once), and the disk must not show it.
    const cache = path.join(sb.dir, "cache");
    expect((await coldBuild(sb, "d", EPOCH, cache)).sha256).toBe(a.sha256);
    expect((await coldBuild(sb, "e", EPOCH, cache)).sha256).toBe(a.sha256);

    const c = await coldBuild(sb, "c", undefined);
    expect(c.sha256).not.toBe(a.sha256);
    const diff = await run([...cli, "diff", a.raw, c.raw], { cwd: repo, allowExitCodes: [1], timeoutMs: 20 * 60_000 });
    console.log(diff.stdout);
    expect(diff.exitCode).toBe(1);
    expect(diff.stdout).toMatch(/disk identifier 0x[0-9a-f]{8} -> 0x[0-9a-f]{8}/);
    expect(diff.stdout).toMatch(/partition 2 \(ext4\): \d+ blocks differ/);

    const plan = await planFromFile(example, {});
    const root = plan.layout.disks[0]!.partitions.find((p) => p.mountpoint === "/")!;
    for (const image of [a.raw, c.raw]) {
      const tree = await readExtTree(image, root.startSector * 512);
      expect(tree.filter((e) => e.path.startsWith("/etc/ssh/ssh_host_")).map((e) => e.path)).toEqual([]);
      expect(tree.find((e) => e.path === "/etc/machine-id")?.size).toBe(0);
      expect(tree.find((e) => e.path === "/etc/systemd/system/ksimage-ssh-host-keys.service")?.type).toBe("file");
    }

    // -snapshot: the boot writes nothing into the image. The SSH server starts only if the keys were made, and only
    // after the unit that makes them (Before=ssh.service). The console cannot show it: systemd stops printing status
    // lines while a getty holds the console, and the getty may come first. So the boot asks the server itself, through
    // a forwarded port (ksimage boot --ssh). Each image makes its own keys: the two boots are offered different ones.
    const offered: string[] = [];
    for (const image of [a.raw, c.raw]) {
      const consoleLog = path.join(sb.dir, `${path.basename(path.dirname(image))}-console.log`);
      const boot = await bootImage({ image, consoleLog, timeoutSeconds: 300, attempts: 2, ssh: true, log: (l) => console.log(l) });
      expect(boot.failure).toBeNull();
      const types = (boot.sshHostKeys ?? []).map((k) => k.type);
      expect(types).toEqual(["ecdsa-sha2-nistp256", "ssh-ed25519", "ssh-rsa"]);
      offered.push(boot.sshHostKeys!.find((k) => k.type === "ssh-ed25519")!.key);
    }
    expect(offered[0]).not.toBe(offered[1]);
  });
});
