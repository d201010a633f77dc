// The README's first command, run as a user runs it: `bash scripts/example.sh` sets up, builds both Debian examples
// and boots them: examples/debian-minimal.ks with BIOS, examples/debian-uefi.ks (one hybrid GPT disk: biosboot + ESP)
// under OVMF (UEFI) and under SeaBIOS (TCG here; KVM where a real module is loaded).
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planFromFile } from "../../src/cli/plan.js";
import { imageInfo } from "../../src/output/qemu-img.js";
import { run } from "../../src/run/index.js";
import { useSandbox } from "../helpers/build-sandbox.js";

/** The gzip magic and XFL byte of the initrd in debian-minimal's /boot partition (read with debugfs, nothing mounted). */
async function initrdGzipFlags(qcow2: string, dir: string): Promise<{ magic: string; xfl: number }> {
  const plan = await planFromFile(path.join(repo, "examples/debian-minimal.ks"), {});
  const boot = plan.layout.disks[0]!.partitions.find((p) => p.mountpoint === "/boot")!;
  const raw = path.join(dir, "initrd-check.raw");
  await run(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2, raw]);
  const fs = `${raw}?offset=${boot.startSector * 512}`;
  const name = (await run(["debugfs", "-R", "ls -p /", fs])).stdout.match(/\/(initrd\.img-[^/]+)\//)![1]!;
  const out = path.join(dir, "initrd.img");
  await run(["debugfs", "-R", `dump /${name} ${out}`, fs]);
  const head = (await readFile(out)).subarray(0, 9);
  return { magic: head.subarray(0, 2).toString("hex"), xfl: head[8]! };
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("README command 1: scripts/example.sh", () => {
  const sandbox = useSandbox();

  it("builds debian-minimal and debian-uefi and boots them: BIOS, then UEFI and BIOS", async () => {
    const sb = sandbox();
    const started = Date.now();
    const r = await run(["bash", "scripts/example.sh", "--tmpdir", sb.dir], {
      cwd: repo,
      env: { KSIMAGE_OUT: sb.outdir },
      timeoutMs: 40 * 60_000,
      onStderrLine: (l) => console.log(l),
    });
    const load = (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
    const builds = [...r.stderr.matchAll(/^done in ([\d.]+) s: /gm)].map((m) => `${m[1]} s`);
    const logins = [...r.stderr.matchAll(/^"login:" appeared after ([\d.]+) s \((BIOS|UEFI), (TCG|KVM)(?:, attempt \d)?\)$/gm)];
    const shown = logins.map((m) => `${m[1]} s (${m[2]}, ${m[3]})`);
    console.log(
      `README command 1: ${((Date.now() - started) / 1000).toFixed(1)} s in all; builds ${builds.join(", ")}; ` +
        `login prompts: debian-minimal ${shown[0]}, debian-uefi ${shown[1]} and ${shown[2]} (load ${load})`,
    );
    expect(r.exitCode).toBe(0);
    expect(logins.map((m) => m[2])).toEqual(["BIOS", "UEFI", "BIOS"]);

    for (const name of ["debian-minimal", "debian-uefi"]) {
      const dir = path.join(sb.outdir, name);
      // -f qcow2 alone: the raw disk was only an intermediate.
      expect(existsSync(path.join(dir, `${name}-sda.qcow2`))).toBe(true);
      expect(existsSync(path.join(dir, `${name}-sda.raw`))).toBe(false);
      await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });
    }
    // The work directories are gone; the cache stays, with one tree per example.
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);
    expect(readdirSync(path.join(sb.outdir, "cache", "trees")).filter((f) => /^[0-9a-f]{64}$/.test(f))).toHaveLength(2);

    // The one initramfs of the build is gzip at level 1 (INITRAMFS_BUILD_ENV; gzip's header says so: XFL 4, "fastest"),
    // and the image booted with it above.
    expect(await initrdGzipFlags(path.join(sb.outdir, "debian-minimal", "debian-minimal-sda.qcow2"), sb.dir)).toEqual({ magic: "1f8b", xfl: 4 });

    // The UEFI example's qcow2 holds the whole planned GPT disk, with a boot loader for both firmwares.
    const plan = await planFromFile(path.join(repo, "examples/debian-uefi.ks"), {});
    expect({ label: plan.layout.disks[0]!.label, firmware: plan.bootloader.firmware }).toEqual({ label: "gpt", firmware: "hybrid" });
    expect(await imageInfo(path.join(sb.outdir, "debian-uefi", "debian-uefi-sda.qcow2"), "qcow2")).toMatchObject({
      format: "qcow2",
      virtualSize: plan.layout.disks[0]!.sizeBytes,
    });
  });
});
