// writeOutputs in dry-run: exactly the commands a build would run, in order per disk, touching no file.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutputs } from "../../../src/output/index.js";
import type { OutputInput } from "../../../src/output/types.js";
import { recordCommands } from "../../../src/run/index.js";

const input: OutputInput = {
  name: "app",
  version: null,
  release: null,
  arch: "x86_64",
  disks: [{ name: "sda", rawPath: "/nonexistent-ksimage/work/app-sda.raw", sizeBytes: 2 ** 30 }],
  formats: ["raw", "qcow2", "ova"],
  compress: "default",
  vcpu: 1,
  memoryMiB: 512,
  networks: [],
  uefi: false,
  checksum: false,
  outdir: "/nonexistent-ksimage/out",
  package: "tar.gz",
};

describe("writeOutputs (dry run)", () => {
  it("records the conversions, checks, OVA, checksums and archive, and reports the planned files", async () => {
    const { value, commands } = await recordCommands(() => writeOutputs(input));
    const dir = "/nonexistent-ksimage/out/app";
    const raw = "/nonexistent-ksimage/work/app-sda.raw";
    expect(commands.map((c) => c.argv)).toEqual([
      ["sh", "-c", 'exec xz -T0 --block-size=16MiB --stdout -- "$1" > "$2"', "xz", raw, `${dir}/app-sda.raw.xz.partial`],
      ["qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zstd", raw, `${dir}/app-sda.qcow2.partial`],
      ["qemu-img", "check", "-q", "-f", "qcow2", `${dir}/app-sda.qcow2.partial`],
      ["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw, `${dir}/.app.ova.d/app-sda.vmdk.partial`],
      ["qemu-img", "check", "-q", "-f", "vmdk", `${dir}/.app.ova.d/app-sda.vmdk.partial`],
      ["openssl", "dgst", "-sha256", "-r", "--", "app.ovf"],
      ["openssl", "dgst", "-sha256", "-r", "--", "app-sda.vmdk"],
      ["tar", "--format=ustar", "--owner=0", "--group=0", "--numeric-owner", "--mode=0644", "-cf", `${dir}/app.ova.partial`, "-C", `${dir}/.app.ova.d`, "--", "app.ovf", "app.mf", "app-sda.vmdk"],
      ...["app-sda.raw.xz", "app-sda.qcow2", "app.ova", "app.xml", "app.libvirt.xml"].map((f) => ["openssl", "dgst", "-sha256", "-r", "--", f]),
      ["tar", "--sparse", "-z", "-cf", "/nonexistent-ksimage/out/app.tar.gz.partial", "--", ...["app-sda.raw.xz", "app-sda.qcow2", "app.ova", "app.xml", "app.libvirt.xml", "SHA256SUMS"].map((f) => `app/${f}`)],
    ]);
    expect(value.archive).toBe("/nonexistent-ksimage/out/app.tar.gz");
    expect(value.files.map((f) => [f.kind, path.relative(dir, f.path)])).toEqual([
      ["disk", "app-sda.raw.xz"],
      ["disk", "app-sda.qcow2"],
      ["ova", "app.ova"],
      ["virt-image", "app.xml"],
      ["libvirt", "app.libvirt.xml"],
      ["checksums", "SHA256SUMS"],
      ["archive", "../app.tar.gz"],
    ]);
  });
});
