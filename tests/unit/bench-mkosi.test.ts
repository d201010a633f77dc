// The mkosi side of the bench (bench/mkosi.ts): its argv for the example's plan, when the host shims are needed, how they
// wrap the argv, and the ratio line.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mkosiArgs, needsShims, ratioLine, shimmedArgs, SHIMS } from "../../bench/mkosi.js";

const plan = { packages: { backend: "apt", suite: "bookworm", entries: [{ uri: "http://mirror.invalid/debian", suite: "bookworm", components: ["main"] }], selection: { packages: ["linux-image-amd64", "initramfs-tools", "grub-pc-bin"] } } } as unknown as Parameters<typeof mkosiArgs>[0];

describe("bench/mkosi", () => {
  it("builds the example's suite and packages (but initramfs-tools: mkosi 14 installs dracut) from the plan's archive as a bootable disk, with a kept cache", () => {
    expect(mkosiArgs(plan, "/w/mkosi.raw", "/w/cache", "/w/ws")).toEqual([
      "mkosi", "--force", "--distribution=debian", "--release=bookworm", "--mirror=http://mirror.invalid/debian", "--format=gpt_ext4", "--bootable",
      "--incremental", "--nspawn-keep-unit", "--workspace-dir=/w/ws", "--cache=/w/cache", "--output=/w/mkosi.raw", "--package=linux-image-amd64", "--package=grub-pc-bin", "build",
    ]);
  });
  it("refuses a plan without the apt backend", () => {
    expect(() => mkosiArgs({ packages: null } as unknown as Parameters<typeof mkosiArgs>[0], "o", "c", "w")).toThrow(/apt plan/);
  });
  it("needs the shims without a vfat driver or without systemd as PID 1", () => {
    const withVfat = "nodev\ttmpfs\n\text4\n\tvfat\n";
    expect(needsShims(withVfat, true)).toBe(false);
    expect(needsShims("nodev\ttmpfs\n\text4\n", true)).toBe(true);
    expect(needsShims(withVfat, false)).toBe(true);
  });
  it("runs mkosi in a private mount namespace with a tmpfs on /run/systemd and the shims first on PATH", () => {
    const { argv, env } = shimmedArgs(["mkosi", "build"], "/w/state", "/usr/bin:/bin");
    expect(argv.slice(0, 4)).toEqual(["unshare", "--mount", "--propagation", "private"]);
    expect(argv.slice(-2)).toEqual(["mkosi", "build"]);
    expect(argv.join(" ")).toMatch(/mount -t tmpfs tmpfs \/run\/systemd && exec "\$@"/);
    expect(env).toEqual({ PATH: `${SHIMS}:/usr/bin:/bin`, MKOSI_SHIM_STATE: "/w/state" });
    for (const shim of ["mount", "umount", "systemd-nspawn"]) expect(existsSync(path.join(SHIMS, shim)), shim).toBe(true);
  });
  it("says ksimage's time against mkosi's", () => {
    expect(ratioLine("cold", 52.5, 69.8)).toBe("cold: ksimage 52.5 s / mkosi 69.8 s = 0.75");
  });
});
