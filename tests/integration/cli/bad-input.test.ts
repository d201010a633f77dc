// Bad input to `ksimage build`: one clear message, a non-zero exit (2 for usage), and nothing left behind
// (no loop device, no mount, no output or .partial, no work directory), also for an unreachable mirror and a full disk.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { attachLoop, detachLoopsOf } from "../../../src/partition/loop.js";
import { mountsUnder, unmount } from "../../../src/partition/mount.js";
import { run, Teardown } from "../../../src/run/index.js";
import { loopsUnder, useSandbox } from "../../helpers/build-sandbox.js";
import { TEST_ROOT, writeTestRootTarball } from "../../helpers/root-tarball.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync("/var/tmp/ksimage-it-bad-");
afterAll(() => run(["rm", "-rf", "--one-file-system", dir]).then(() => undefined));
const out = path.join(dir, "out");

async function ksimage(args: string[], asUser?: string) {
  const cmd = ["node", "--import", "tsx", path.join(repo, "src/cli.ts"), ...args];
  const argv = asUser ? ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", ...cmd] : cmd;
  return run(argv, { cwd: repo, allowExitCodes: [1, 2] });
}

// The non-root case needs an unprivileged user that can read this checkout (not so under a 0700 home).
const nobodyCanRun =
  (await run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "test", "-r", path.join(repo, "src/cli.ts")], { allowExitCodes: [1] })).exitCode === 0;
if (!nobodyCanRun) console.log(`bad-input: the non-root case is skipped: uid 65534 cannot read ${repo}`);

describe("ksimage build with bad input", () => {
  const good = path.join(dir, "good.ks");
  writeFileSync(good, "liveimg --url=file:///nonexistent/root.tar\nbootloader --location=none\npart / --size=64\n");

  it("a missing kickstart: exit 1 naming the file", async () => {
    const r = await ksimage(["build", path.join(dir, "missing.ks"), "-o", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/missing\.ks:0: .*No such file or directory/);
  });
  it("a syntax error: exit 1 with file:line", async () => {
    const bad = path.join(dir, "bad.ks");
    writeFileSync(bad, "lang en_US.UTF-8\npart / --size=abc\n");
    const r = await ksimage(["build", bad, "-o", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${bad}:2: argument --size: invalid int value: 'abc'`);
  });
  it("an unknown format: exit 2 (usage)", async () => {
    const r = await ksimage(["build", good, "-o", out, "-f", "qcow3"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown format "qcow3"');
  });
  it("--boot-attempts out of range, or without --boot-test: exit 2 (usage)", async () => {
    const zero = await ksimage(["build", good, "-o", out, "--boot-test", "--boot-attempts", "0"]);
    expect(zero.exitCode).toBe(2);
    expect(zero.stderr).toContain('--boot-attempts expects a whole number from 1 to 5, got "0"');
    const alone = await ksimage(["build", good, "-o", out, "--boot-attempts", "2"]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toContain("--boot-attempts is for --boot-test: give both, or neither");
  });
  it.skipIf(!nobodyCanRun)("as non-root: exit 1, saying which commands work without root", async () => {
    const r = await ksimage(["build", good, "-o", out], "65534");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/must run as root.*\n.*validate, inspect, plan and doctor work without root/);
  });
  it("a liveimg file that does not exist: exit 1 with the kickstart line, before any disk is made", async () => {
    const r = await ksimage(["build", good, "-o", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/good\.ks:1: liveimg --url=file:\/\/\/nonexistent\/root\.tar: .* does not exist/);
  });
  it("left nothing behind", () => {
    expect(existsSync(path.join(out, "good", "good-sda.raw"))).toBe(false);
    expect(existsSync(path.join(out, "good", "good-sda.raw.partial"))).toBe(false);
  });
});

// Every file under DIR, relative, directories with a trailing slash.
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    return e.isDirectory() ? [`${rel}/`, ...filesUnder(dir, rel)] : [rel];
  });
}

describe("ksimage build when the environment fails it", () => {
  const sandbox = useSandbox();

  it("an unreachable mirror (a closed port): exit 1, the mirror could not be reached, naming the URL; nothing made", async () => {
    const sb = sandbox();
    const ks = path.join(sb.dir, "mirror.ks");
    writeFileSync(
      ks,
      "url --url=http://127.0.0.1:9/debian\nbootloader --location=none\npart / --size=1024\n" +
        "%addon org_ksimage_debian --suite=bookworm\n%end\n%packages\nsystemd-sysv\nlinux-image-amd64\n%end\n",
    );
    const r = await ksimage(["build", ks, "-o", sb.outdir, "--tmpdir", sb.dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^ksimage: the mirror http:\/\/127\.0\.0\.1:9\/debian could not be reached: connection refused \(ECONNREFUSED\)\n {2}hint: check the url --url line/);
    // Refused while planning: no output directory, no work directory.
    expect(readdirSync(sb.dir).sort()).toEqual(["mirror.ks"]);
  });

  it("a full disk (outdir and tmpdir on a 64 MiB filesystem): exit 1, the disk is full, with a hint; nothing left on it", async () => {
    const sb = sandbox();
    const image = path.join(sb.dir, "small.img");
    const small = path.join(sb.dir, "small");
    // The test's own filesystem: its release is registered before it exists and undone before the sandbox's leak check.
    const smallFs = new Teardown();
    sb.teardown.defer("release the small filesystem", () => smallFs.unwind().then(() => undefined));
    smallFs.defer(`detach the loop device of ${image}`, () => detachLoopsOf(image));
    smallFs.defer(`unmount ${small}`, () => unmount(small));
    await run(["truncate", "-s", "64M", image]);
    await run(["mkfs.ext4", "-q", "-F", "-m", "0", image]);
    mkdirSync(small);
    const device = await attachLoop(image, { reason: "hold the small test filesystem", placeholder: "${LOOP}" });
    await run(["mount", device, small]);

    // 36 MiB of random bytes: the raw disk (sparse, ~40 MiB used) fits in the ~54 MiB free, its uncompressed qcow2 copy does not.
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball, [...TEST_ROOT, { path: "random.bin", type: "file", mode: 0o644, content: randomBytes(36 * 2 ** 20) }]);
    const ks = path.join(sb.dir, "full.ks");
    writeFileSync(ks, `liveimg --url=file://${tarball}\nbootloader --location=none\npart / --fstype=ext4 --size=256\n`);
    const out = path.join(small, "out");
    const r = await ksimage(["build", ks, "-o", out, "--tmpdir", small, "-f", "qcow2", "--no-compress"]);
    console.log(`full disk: ksimage said:\n${r.stderr.split("\n").filter((l) => !/^\[\d+\/\d+\]/.test(l)).join("\n")}`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\nksimage: the disk is full \(no space left on device\): qemu-img failed with exit code 1\n {2}command: qemu-img convert .*\n {2}\| .*No space left on device\n {2}hint: free some space on that filesystem, or give ksimage directories with more room \(--outdir for the images, --tmpdir for the work directory\)/);
    expect(r.stderr).not.toMatch(/unexpected error|bug in ksimage/);

    // Nothing of the build is left: no loop device on its disk, no mount, no disk or .partial, no work directory; only its log.
    expect({ loops: await loopsUnder(small), mounts: await mountsUnder(small) }).toEqual({ loops: [], mounts: [small] });
    expect(filesUnder(small).sort()).toEqual(["lost+found/", "out/", "out/full/", "out/full/full-build.log"]);
    await smallFs.unwind();
  });
});
