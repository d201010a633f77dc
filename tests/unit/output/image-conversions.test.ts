// planImageConversions (ksimage convert): output names and argv from the format registry, per-directory SHA256SUMS lists, refusals;
// mergeSumLines and qemuImgProbeArgs.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { imageBaseName, planImageConversions, type ImageConversionInput } from "../../../src/output/image-conversions.js";
import { qemuImgProbeArgs } from "../../../src/output/qemu-img.js";
import { mergeSumLines } from "../../../src/output/sums-file.js";

const base: ImageConversionInput = { images: ["/img/app-sda.raw"], formats: ["qcow2"], compress: "default", outdir: null };
const plan = (over: Partial<ImageConversionInput>, caps = { qcow2Zstd: true }) => planImageConversions({ ...base, ...over }, caps);

describe("planImageConversions", () => {
  it("writes <image without .raw>.<ext> beside the image, through .partial, with the build's argv and checks", () => {
    const p = plan({ formats: ["qcow2", "vmdk", "vpc"] });
    expect(p.queues).toHaveLength(1);
    expect(p.queues[0]!.map((j) => [j.output, j.partial, j.checkFormat, j.inPlace])).toEqual([
      ["/img/app-sda.qcow2", "/img/app-sda.qcow2.partial", "qcow2", false],
      ["/img/app-sda.vmdk", "/img/app-sda.vmdk.partial", "vmdk", false],
      ["/img/app-sda.vhd", "/img/app-sda.vhd.partial", null, false],
    ]);
    expect(p.queues[0]![0]!.argv).toEqual([
      "qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zstd", "/img/app-sda.raw", "/img/app-sda.qcow2.partial",
    ]);
    expect(p.queues[0]![1]!.argv).toEqual(["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=monolithicSparse", "/img/app-sda.raw", "/img/app-sda.vmdk.partial"]);
    expect(p.dirs).toEqual([{ dir: "/img", names: ["app-sda.qcow2", "app-sda.vmdk", "app-sda.vhd"] }]);
  });

  it("codecs as in the build: zlib where qemu-img has no zstd, none with --no-compress, raw compressed to .raw.zst at a level", () => {
    expect(plan({}, { qcow2Zstd: false }).queues[0]![0]!.argv).toContain("compat=1.1,compression_type=zlib");
    expect(plan({ compress: "none" }).queues[0]![0]!.argv).toEqual(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1", "/img/app-sda.raw", "/img/app-sda.qcow2.partial"]);
    const raw = plan({ formats: ["raw"], compress: "zstd", compressLevel: 19 }).queues[0]![0]!;
    expect([raw.output, raw.argv]).toEqual(["/img/app-sda.raw.zst", ["zstd", "-T0", "-19", "-q", "-f", "-o", "/img/app-sda.raw.zst.partial", "--", "/img/app-sda.raw"]]);
  });

  it("one queue per image; --outdir gathers all outputs and their SHA256SUMS names in one directory", () => {
    const p = plan({ images: ["/a/one.raw", "/b/two.img", "/c/three"], formats: ["vdi"], outdir: "/out" });
    expect(p.queues.map((q) => q.map((j) => j.output))).toEqual([["/out/one.vdi"], ["/out/two.vdi"], ["/out/three.vdi"]]);
    expect(p.dirs).toEqual([{ dir: "/out", names: ["one.vdi", "two.vdi", "three.vdi"] }]);
    expect(plan({ images: ["/a/one.raw", "/b/two.raw"], formats: ["vdi"] }).dirs).toEqual([
      { dir: "/a", names: ["one.vdi"] },
      { dir: "/b", names: ["two.vdi"] },
    ]);
  });

  const refused: [string, Partial<ImageConversionInput>, RegExp][] = [
    ["a plain raw copy onto the input", { formats: ["raw"], compress: "none" }, /would overwrite the input \/img\/app-sda\.raw/],
    ["two images with one output name", { images: ["/a/disk.raw", "/b/disk.raw"], outdir: "/out" }, /\/a\/disk\.raw and \/b\/disk\.raw would both be converted to \/out\/disk\.qcow2/],
    ["an output that is another input", { images: ["/img/x.raw", "/img/x.vdi"], formats: ["vdi"] }, /would overwrite the input \/img\/x\.vdi/],
    ["ova", { formats: ["ova"] }, /does not write OVA/],
    ["a format twice", { formats: ["qcow2", "qcow2"] }, /named twice/],
    ["no format", { formats: [] }, /no output format/],
    ["no image", { images: [] }, /no image to convert/],
    ["an xz level out of range", { formats: ["raw"], compress: "xz", compressLevel: 12 }, /xz takes a level from 0 to 9/],
  ];
  it.each(refused)("refuses %s (UsageError)", (_, over, message) => {
    expect(() => plan(over)).toThrow(UsageError);
    expect(() => plan(over)).toThrow(message);
  });

  it("names outputs after the image without .raw or .img", () => {
    expect(["/x/app-sda.raw", "disk.IMG", "plain", "a.raw.raw", ".raw"].map(imageBaseName)).toEqual(["app-sda", "disk", "plain", "a.raw", ".raw"]);
  });
});

describe("mergeSumLines", () => {
  const line = (name: string, c: string) => ({ name, sha256: c.repeat(64) });
  it("keeps other files' lines, drops the rewritten ones, adds the new ones", () => {
    const existing = [line("app-sda.raw", "a"), line("app-sda.qcow2", "b"), line("app.xml", "c")];
    expect(mergeSumLines(existing, new Set(["app-sda.qcow2"]))).toEqual([line("app-sda.raw", "a"), line("app.xml", "c")]);
    expect(mergeSumLines(existing, new Set(), [line("app-sda.qcow2", "d"), line("app-sda.vmdk", "e")])).toEqual([
      line("app-sda.raw", "a"),
      line("app.xml", "c"),
      line("app-sda.qcow2", "d"),
      line("app-sda.vmdk", "e"),
    ]);
  });
});

describe("qemuImgProbeArgs", () => {
  it("lets qemu-img probe (no -f): the one place ksimage asks what a file is", () => {
    expect(qemuImgProbeArgs("/img/d.raw")).toEqual(["qemu-img", "info", "--output=json", "/img/d.raw"]);
  });
});
