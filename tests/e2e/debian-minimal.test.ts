// End to end: `ksimage build examples/debian-minimal.ks` makes a Debian appliance with its packages, accounts and
// host name, and `ksimage boot` reaches the login prompt on its serial console (TCG here; KVM where a real module is loaded).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run, Teardown } from "../../src/run/index.js";
import { mountPartitionReadOnly } from "../helpers/image-readback.js";
import { useSandbox, type Sandbox } from "../helpers/build-sandbox.js";
import { planFromFile } from "../../src/cli/plan.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(repo, "examples/debian-minimal.ks");
const cli = ["node", "--import", "tsx", path.join(repo, "src/cli.ts")];
// The root-tree cache outlives each test's sandbox: the second test rebuilds from what the first one stored.
const cache = mkdtempSync("/var/tmp/ksimage-e2e-cache-");
afterAll(() => run(["rm", "-rf", "--one-file-system", "--", cache]).then(() => undefined));
let coldPackages = "";

/** `ksimage build KS` into the sandbox with the shared cache (raw and uncompressed qcow2): its output and duration. */
async function buildExample(sb: Sandbox, ks: string): Promise<{ stdout: string; stderr: string; seconds: number; dir: string }> {
  const started = Date.now();
  const argv = [...cli, "build", ks, "--outdir", sb.outdir, "-f", "raw", "-f", "qcow2", "--no-compress", "--json", "--tmpdir", sb.dir, "--cache", cache];
  const r = await run(argv, { cwd: repo, timeoutMs: 20 * 60_000, onStderrLine: (l) => console.log(l) });
  return { stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - started) / 1000, dir: path.join(sb.outdir, "debian-minimal") };
}

/** Mount the root filesystem of the example's raw disk read-only; the mount is undone before the sandbox's leak check. */
async function mountRoot(sb: Sandbox, raw: string): Promise<{ mnt: string; readback: Teardown }> {
  const plan = await planFromFile(example, {});
  const rootPart = plan.layout.disks[0]!.partitions.find((p) => p.mountpoint === "/")!;
  const mnt = path.join(sb.dir, "readback");
  await run(["mkdir", "-p", mnt]);
  const readback = new Teardown();
  sb.teardown.defer("undo the read-back mount", () => readback.unwind().then(() => undefined));
  await mountPartitionReadOnly(raw, rootPart, "ext4", mnt, readback);
  return { mnt, readback };
}

describe("examples/debian-minimal.ks (BIOS, msdos)", () => {
  const sandbox = useSandbox();

  it("builds: packages installed, root password, user and host name set; SHA256SUMS verifies; it boots to login", async () => {
    const sb = sandbox();
    const build = await buildExample(sb, example);
    const { dir, seconds: buildSeconds } = build;
    const summary = JSON.parse(build.stdout) as { outputs: { path: string; format: string | null; sha256: string | null }[] };
    const raw = path.join(dir, "debian-minimal-sda.raw");
    const qcow2 = path.join(dir, "debian-minimal-sda.qcow2");
    expect(existsSync(raw) && existsSync(qcow2)).toBe(true);
    expect(summary.outputs.find((o) => o.path === qcow2)?.sha256).toMatch(/^[0-9a-f]{64}$/);
    await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });
    // The example builds without a single warning (lang en_US.UTF-8 has its locales package).
    expect(build.stderr.split("\n").filter((l) => l.startsWith("warning:"))).toEqual([]);
    coldPackages = readFileSync(path.join(dir, "debian-minimal.packages.json"), "utf8");

    // Read the root filesystem back, read-only.
    const { mnt, readback } = await mountRoot(sb, raw);
    const dpkg = await run(["dpkg-query", `--admindir=${mnt}/var/lib/dpkg`, "-W", "-f", "${Package} ${db:Status-Status}\\n"]);
    for (const pkg of ["linux-image-amd64", "systemd-sysv", "grub-pc-bin", "openssh-server", "sudo"]) expect(dpkg.stdout).toMatch(new RegExp(`^${pkg} installed$`, "m"));
    const shadow = readFileSync(path.join(mnt, "etc/shadow"), "utf8");
    expect(shadow).toMatch(/^root:\$6\$[^:]+:/m);
    expect(shadow).toMatch(/^admin:\$6\$[^:]+:/m);
    expect(shadow).not.toContain("example-root-pw");
    expect(readFileSync(path.join(mnt, "etc/passwd"), "utf8")).toMatch(/^admin:x:\d+:\d+:/m);
    expect(readFileSync(path.join(mnt, "etc/group"), "utf8")).toMatch(/^sudo:x:\d+:.*admin/m);
    expect(readFileSync(path.join(mnt, "etc/hostname"), "utf8").trim()).toBe("appliance");
    expect(readFileSync(path.join(mnt, "etc/issue.d/ksimage.issue"), "utf8")).toContain("Built by ksimage");
    expect(readFileSync(path.join(mnt, "etc/fstab"), "utf8")).toMatch(/^UUID=[0-9a-f-]{36} \/ ext4 /m);
    expect(readFileSync(path.join(mnt, "etc/default/locale"), "utf8")).toBe("LANG=en_US.UTF-8\n");
    expect(readFileSync(path.join(mnt, "etc/locale.gen"), "utf8")).toMatch(/^en_US\.UTF-8 UTF-8$/m);
    expect(existsSync(path.join(mnt, "usr/lib/locale/locale-archive"))).toBe(true);
    await readback.unwind();

    const bootStarted = Date.now();
    const boot = await run([...cli, "boot", qcow2, "--timeout", "300", "--attempts", "2"], { cwd: repo, timeoutMs: 700_000, onStderrLine: (l) => console.log(l) });
    console.log(`debian-minimal: build ${buildSeconds.toFixed(1)} s, boot to login ${((Date.now() - bootStarted) / 1000).toFixed(1)} s`);
    expect(boot.exitCode).toBe(0);
  });

  it("rebuilds from the image cache after a %post change: same packages, the change in the image, boots to login", async () => {
    const sb = sandbox();
    const changed = path.join(sb.dir, "debian-minimal.ks");
    writeFileSync(changed, `${readFileSync(example, "utf8")}\n%post\necho warm > /etc/ksimage-warm\n%end\n`);
    type Summary = { treeCache: { status: string; reason: string }; imageCache: { status: string; reason: string } };
    let build = await buildExample(sb, changed);
    let summary = JSON.parse(build.stdout) as Summary;
    // The Debian archive (its security suite above all) can publish between the two builds: the key then changes, as
    // it must. That build stored the new tree, so the next one hits.
    if (summary.treeCache.status === "miss" && /metadata of .* changed/.test(summary.treeCache.reason)) {
      console.log(`the archive changed since the cold build (${summary.treeCache.reason}); building once more`);
      coldPackages = readFileSync(path.join(build.dir, "debian-minimal.packages.json"), "utf8");
      build = await buildExample(sb, changed);
      summary = JSON.parse(build.stdout) as Summary;
    }
    const { dir, seconds: buildSeconds } = build;
    expect(summary.treeCache).toMatchObject({ status: "hit" });
    // The cold build stored its disks just before %post: this one copies them and runs only the new %post on top.
    expect(summary.imageCache).toMatchObject({ status: "hit" });
    expect(build.stderr).toMatch(/^image cache: copied entry [0-9a-f]{12} /m);
    expect(readFileSync(path.join(dir, "debian-minimal.packages.json"), "utf8")).toBe(coldPackages);

    const { mnt, readback } = await mountRoot(sb, path.join(dir, "debian-minimal-sda.raw"));
    expect(readFileSync(path.join(mnt, "etc/ksimage-warm"), "utf8")).toBe("warm\n");
    expect(readFileSync(path.join(mnt, "etc/shadow"), "utf8")).toMatch(/^admin:\$6\$[^:]+:/m);
    await readback.unwind();

    const bootStarted = Date.now();
    const boot = await run([...cli, "boot", path.join(dir, "debian-minimal-sda.qcow2"), "--timeout", "300", "--attempts", "2"], { cwd: repo, timeoutMs: 700_000, onStderrLine: (l) => console.log(l) });
    console.log(`debian-minimal warm (image cache): build ${buildSeconds.toFixed(1)} s, boot to login ${((Date.now() - bootStarted) / 1000).toFixed(1)} s`);
    expect(boot.exitCode).toBe(0);
  });
});
