// The bundled bins that `npm run build` makes (tsc, then esbuild) are what users run: copied alone with package.json and
// templates/ (no src/, no node_modules/) they start, print package.json's version, plan and validate the examples, and
// build a small liveimg appliance through the namespace supervisor with /etc/fstab from that copy's templates/fstab.hbs;
// their source maps give .ts lines.
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../../src/run/index.js";
import { forceCleanup, loopsUnder } from "../../helpers/build-sandbox.js";
import { TEST_ROOT, writeTestRootTarball } from "../../helpers/root-tarball.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const manifest = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
const dir = mkdtempSync("/var/tmp/ksimage-it-bundle-");
// The copy: a package root holding only what the bundles may need at run time.
const pkg = path.join(dir, "pkg");
// A line only the copy's fstab template has: the image's /etc/fstab shows which templates/ the bundle read.
const MARKER = `# bundle-test ${path.basename(dir)}`;
afterAll(() => forceCleanup(dir));

function node(bin: string, args: string[]) {
  // From outside the checkout: nothing may depend on the current directory.
  return run([process.execPath, path.join(pkg, bin), ...args], { cwd: dir, allowExitCodes: [1, 2] });
}

beforeAll(async () => {
  await run(["npm", "run", "-s", "build"], { cwd: repo });
  mkdirSync(path.join(pkg, "dist"), { recursive: true });
  copyFileSync(path.join(repo, "package.json"), path.join(pkg, "package.json"));
  cpSync(path.join(repo, "templates"), path.join(pkg, "templates"), { recursive: true });
  for (const bin of Object.values(manifest.bin)) copyFileSync(path.join(repo, bin), path.join(pkg, bin));
  appendFileSync(path.join(pkg, "templates", "fstab.hbs"), `${MARKER}\n`);
}, 300_000);

describe("the bundled bins", () => {
  it("are each one file that imports no module of its own", () => {
    for (const bin of Object.values(manifest.bin)) {
      const text = readFileSync(path.join(repo, bin), "utf8");
      expect(text.startsWith("#!/usr/bin/env node\n"), bin).toBe(true);
      expect(text.match(/^\s*(import|export)\b[^;]*\bfrom\s*["']\.\.?\//m), `${bin} imports a relative module`).toBeNull();
      expect(text.match(/\bimport\(\s*["']\.\.?\//), `${bin} imports a relative module at run time`).toBeNull();
    }
  });

  it("print package.json's version (ksimage) and their usage (the drop-ins), from a copy without src/ or node_modules/", async () => {
    const version = await node("dist/cli.js", ["--version"]);
    expect(version.exitCode, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(manifest.version);
    for (const [name, bin] of Object.entries(manifest.bin).filter(([n]) => n !== "ksimage")) {
      const help = await node(bin, ["--help"]);
      expect(help.exitCode, help.stderr).toBe(0);
      expect(help.stdout).toContain(`Usage: ${name}`);
    }
  });

  it("end quietly with exit 0 when their reader has closed stdout (`--help | true`), instead of an EPIPE stack trace", async () => {
    for (const bin of Object.values(manifest.bin)) {
      // The reader closes the pipe at once; node starts in ~0.3 s, so its first write meets a closed pipe.
      const script = `"$0" "$1" "$2" | (exec 0<&-; true); echo "status \${PIPESTATUS[0]}"`;
      const r = await run(["bash", "-c", script, process.execPath, path.join(pkg, bin), "--help"], { cwd: dir });
      expect({ bin, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ bin, stdout: "status 0", stderr: "" });
    }
  });

  it("plan and validate the examples", async () => {
    const plan = await node("dist/cli.js", ["plan", path.join(repo, "examples/debian-minimal.ks")]);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^\/etc\/fstab:\n {2}UUID=[0-9a-f-]+ \/ ext4/m);
    expect(plan.stdout).toContain("boot loader: grub2 for BIOS");
    const examples = readdirSync(path.join(repo, "examples")).filter((f) => f.endsWith(".ks")).map((f) => path.join(repo, "examples", f));
    expect(examples.length).toBeGreaterThan(0);
    const validate = await node("dist/cli.js", ["validate", ...examples]);
    expect(validate.exitCode, validate.stdout + validate.stderr).toBe(0);
  });

  it("have source maps: with --enable-source-maps, a --debug stack trace names the .ts files", async () => {
    const r = await run([process.execPath, "--enable-source-maps", path.join(repo, "dist/cli.js"), "--debug", "plan", path.join(dir, "missing.ks")], { cwd: dir, allowExitCodes: [1, 2] });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/at \S+ \(\/\S+\/src\/kickstart\/parser\.ts:\d+:\d+\)/);
  });

  it("build an appliance in the namespace supervisor's child, /etc/fstab from the copy's template, nothing left", { timeout: 300_000 }, async () => {
    const tarball = path.join(dir, "root.tar");
    writeTestRootTarball(tarball, TEST_ROOT);
    const ks = path.join(dir, "tiny.ks");
    writeFileSync(ks, `liveimg --url=file://${tarball}\nbootloader --location=none\npart / --fstype=ext4 --size=64\n`);
    const out = path.join(dir, "out");
    const log = path.join(dir, "build.log");
    const build = await node("dist/cli.js", ["build", ks, "-o", out, "--tmpdir", dir, "--no-compress", "--logfile", log]);
    expect(build.exitCode, build.stderr).toBe(0);
    expect(await loopsUnder(dir)).toEqual([]);
    // The build itself ran as PID 1 of its own PID namespace: the supervisor started the bundle a second time.
    const pids = new Set(readFileSync(log, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { pid?: number }).pid));
    expect([...pids]).toEqual([1]);
    const raw = readFileSync(path.join(out, "tiny", "tiny-sda.raw"));
    expect(raw.includes(Buffer.from("written by ksimage for tiny.\n"))).toBe(true);
    expect(raw.includes(Buffer.from(`${MARKER}\n`))).toBe(true);
    expect(readFileSync(path.join(out, "tiny", "tiny.spdx.json"), "utf8")).toContain(`ksimage-${manifest.version}`);
  });
});
