// planOutputs: file names, argv per disk and format, in-place raw, which format each descriptor describes, and refusals.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { diskFileName, planOutputs, possibleOutputNames } from "../../../src/output/plan.js";
import type { OutputInput } from "../../../src/output/types.js";

const base: OutputInput = {
  name: "app",
  version: "1.0",
  release: "1",
  arch: "x86_64",
  disks: [
    { name: "sda", rawPath: "/work/app-sda.raw", sizeBytes: 2 ** 30 },
    { name: "sdb", rawPath: "/work/app-sdb.raw", sizeBytes: 2 ** 29 },
  ],
  formats: ["raw"],
  compress: "default",
  vcpu: 1,
  memoryMiB: 512,
  networks: [],
  uefi: false,
  checksum: false,
  outdir: "/out",
};
const caps = { qcow2Zstd: true };
const plan = (over: Partial<OutputInput>) => planOutputs({ ...base, ...over }, caps);

describe("planOutputs", () => {
  it("names every disk output <outdir>/<name>/<name>-<disk>.<ext>, queued per disk in the order asked", () => {
    const p = plan({ formats: ["qcow2", "raw", "vmdk", "vdi", "vhdx", "vpc"] });
    expect(p.applianceDir).toBe("/out/app");
    expect(p.queues.map((q) => q.map((j) => j.output))).toEqual([
      ["/out/app/app-sda.qcow2", "/out/app/app-sda.raw.xz", "/out/app/app-sda.vmdk", "/out/app/app-sda.vdi", "/out/app/app-sda.vhdx", "/out/app/app-sda.vhd"],
      ["/out/app/app-sdb.qcow2", "/out/app/app-sdb.raw.xz", "/out/app/app-sdb.vmdk", "/out/app/app-sdb.vdi", "/out/app/app-sdb.vhdx", "/out/app/app-sdb.vhd"],
    ]);
    expect(p.queues[0]![0]!.argv).toEqual([
      "qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zstd", "/work/app-sda.raw", "/out/app/app-sda.qcow2.partial",
    ]);
    expect(p.queues[0]!.map((j) => j.checkFormat)).toEqual(["qcow2", null, "vmdk", "vdi", "vhdx", null]);
  });

  it("plain raw already at its output path is left in place", () => {
    const p = plan({ compress: "none", disks: [{ name: "sda", rawPath: "/out/app/app-sda.raw", sizeBytes: 2 ** 30 }] });
    expect(p.queues[0]![0]).toMatchObject({ inPlace: true, output: "/out/app/app-sda.raw" });
    expect(plan({ compress: "none" }).queues[0]![0]).toMatchObject({ inPlace: false, argv: ["qemu-img", "convert", "-f", "raw", "-O", "raw", "/work/app-sda.raw", "/out/app/app-sda.raw.partial"] });
  });

  it("zstd raw ends in .raw.zst; streamOptimized vmdk on request", () => {
    const p = plan({ formats: ["raw", "vmdk"], compress: "zstd", vmdkSubformat: "streamOptimized" });
    expect(p.queues[0]![0]!.output).toBe("/out/app/app-sda.raw.zst");
    expect(p.queues[0]![1]!.argv).toContain("subformat=streamOptimized");
  });

  it("--compress-level reaches the raw compressor only", () => {
    const p = plan({ formats: ["raw", "qcow2"], compressLevel: 2 });
    expect(p.queues[0]![0]!.argv[2]).toContain("xz -T0 -2 ");
    expect(p.queues[0]![1]!.argv).not.toContain("-2");
  });

  it("the OVA converts into a staging directory and packs <name>.ova", () => {
    const p = plan({ formats: ["ova"] });
    expect(p.ova).toEqual({
      output: "/out/app/app.ova",
      partial: "/out/app/app.ova.partial",
      staging: "/out/app/.app.ova.d",
      ovf: "app.ovf",
      mf: "app.mf",
      disks: [
        { disk: "sda", file: "app-sda.vmdk", sizeBytes: 2 ** 30 },
        { disk: "sdb", file: "app-sdb.vmdk", sizeBytes: 2 ** 29 },
      ],
    });
    expect(p.queues[0]![0]!.output).toBe("/out/app/.app.ova.d/app-sda.vmdk");
    expect(p.virtImage).toBeNull();
    expect(p.libvirt).toBeNull();
  });

  it("descriptors describe the decompressed raw, hashed from the raw input", () => {
    const p = plan({ formats: ["raw"] });
    expect(p.virtImage!.disks[0]).toEqual({ disk: "sda", file: "app-sda.raw", format: "raw", sizeBytes: 2 ** 30, hashFrom: "/work/app-sda.raw" });
    expect(p.libvirt!.path).toBe("/out/app/app.libvirt.xml");
    expect(p.virtImage!.path).toBe("/out/app/app.xml");
  });

  it("each descriptor takes the first format it can express", () => {
    const p = plan({ formats: ["ova", "vhdx", "qcow2"] });
    expect(p.virtImage!.format).toBe("qcow2");
    expect(p.virtImage!.disks[0]!.hashFrom).toBe("/out/app/app-sda.qcow2");
    expect(p.libvirt!.format).toBe("vhdx");
    expect(plan({ formats: ["vpc"] }).virtImage).toBeNull();
  });

  it("manifest, SBOM and archive only when asked", () => {
    expect([plan({}).packagesJson, plan({}).spdx, plan({}).archive]).toEqual([null, null, null]);
    const p = plan({ packages: { manager: "dpkg", os: null, packages: [] }, package: "tar.xz" });
    expect([p.packagesJson, p.spdx, p.archive, p.sums]).toEqual([
      "/out/app/app.packages.json",
      "/out/app/app.spdx.json",
      { kind: "tar.xz", path: "/out/app.tar.xz" },
      "/out/app/SHA256SUMS",
    ]);
  });

  it.each<[string, Partial<OutputInput>, RegExp]>([
    ["a name that is no file name", { name: "a/b" }, /not usable as a file name/],
    ["a hostile disk name", { disks: [{ name: '"><', rawPath: "/r", sizeBytes: 1 }] }, /disk name/],
    ["no disk", { disks: [] }, /no disk/],
    ["no format", { formats: [] }, /no output format/],
    ["a format twice", { formats: ["raw", "raw"] }, /named twice/],
    ["zero CPUs", { vcpu: 0 }, /--vcpu/],
    ["memory that is not whole MiB", { memoryMiB: 1.5 }, /--vmem/],
    ["an xz level above 9", { compressLevel: 10 }, /xz takes a level from 0 to 9/],
    ["a zstd level of 0", { compress: "zstd", compressLevel: 0 }, /zstd takes a level from 1 to 19/],
  ])("refuses %s", (_, over, message) => {
    expect(() => plan(over)).toThrow(UsageError);
    expect(() => plan(over)).toThrow(message);
  });
});

describe("diskFileName", () => {
  it("adds the codec suffix for raw only", () => {
    expect([diskFileName("a", "sda", "raw", "xz"), diskFileName("a", "sda", "qcow2", "zlib"), diskFileName("a", "vdb", "vpc", null)]).toEqual(["a-sda.raw.xz", "a-sda.qcow2", "a-vdb.vhd"]);
  });
});

describe("possibleOutputNames", () => {
  it("every disk name in every format and codec, the descriptors, and their .partial files", () => {
    const names = possibleOutputNames({ name: "a", disks: [{ name: "sda", rawPath: "/r", sizeBytes: 1 }] });
    expect(names.filter((n) => !n.endsWith(".partial"))).toEqual([
      "a-sda.raw", "a-sda.raw.xz", "a-sda.raw.zst", "a-sda.qcow2", "a-sda.vmdk", "a-sda.vdi", "a-sda.vhdx", "a-sda.vhd",
      "a.ova", "a.xml", "a.libvirt.xml", "a.packages.json", "a.spdx.json", "SHA256SUMS",
    ]);
    expect(names).toContain("a-sda.raw.xz.partial");
  });
});
