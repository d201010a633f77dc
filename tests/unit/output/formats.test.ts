// The output-format registry, walked: every format is complete and consistent, and codec resolution is a table.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { codecSuffix, formatSpec, outputFormats, resolveCodec } from "../../../src/output/formats.js";
import { FORMAT_NAMES, type CompressChoice, type FormatName } from "../../../src/output/types.js";

const caps = { qcow2Zstd: true };

describe("outputFormats registry", () => {
  it("has exactly the formats of FORMAT_NAMES", () => expect(Object.keys(outputFormats).sort()).toEqual([...FORMAT_NAMES].sort()));

  describe.each(FORMAT_NAMES)("%s", (name) => {
    const spec = formatSpec(name);
    it("is described and names its file extension", () => {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.extension).toMatch(/^[a-z0-9]+$/);
    });
    it("builds an argv that reads the input as raw and writes the destination last", () => {
      const argv = spec.convertArgs("/in.raw", "/out.partial", { codec: resolveCodec(name, "default", caps), vmdkSubformat: "monolithicSparse" });
      expect(argv.at(-1) === "/out.partial" || argv.includes("/out.partial")).toBe(true);
      expect(argv).toContain("/in.raw");
      if (argv[0] === "qemu-img") {
        expect(argv.slice(0, 2)).toEqual(["qemu-img", "convert"]);
        expect(argv[argv.indexOf("-f") + 1]).toBe("raw");
        expect(argv[argv.indexOf("-O") + 1]).toBe(spec.qemuFormat);
      }
    });
    it("has a default codec among its codecs, or none", () => {
      const codec = resolveCodec(name, "default", caps);
      if (spec.codecs.length === 0) expect(codec).toBeNull();
      else expect(codec).toBe(spec.codecs[0]);
    });
    it("names a virt-image format only where virt-image's parser knew it", () => {
      expect([null, "raw", "qcow2", "vmdk", "vdi"]).toContain(spec.virtImageFormat);
    });
  });

  it("checks exactly the formats qemu-img check supports (measured: not raw, not vpc)", () => {
    expect(FORMAT_NAMES.filter((f) => formatSpec(f).checkable)).toEqual(["qcow2", "vmdk", "vdi", "vhdx", "ova"]);
  });
  it("disk file extensions are unique among the disk formats (ova's vmdk lives inside the archive)", () => {
    const exts = FORMAT_NAMES.filter((f) => f !== "ova").map((f) => formatSpec(f).extension);
    expect(new Set(exts).size).toBe(exts.length);
  });
});

describe("resolveCodec", () => {
  it.each<[FormatName, CompressChoice, boolean, string | null]>([
    ["raw", "default", true, "xz"],
    ["raw", "zstd", true, "zstd"],
    ["raw", "none", true, null],
    ["raw", "zlib", true, "xz"],
    ["qcow2", "default", true, "zstd"],
    ["qcow2", "default", false, "zlib"],
    ["qcow2", "zlib", true, "zlib"],
    ["qcow2", "xz", true, "zstd"],
    ["qcow2", "none", true, null],
    ["vmdk", "default", true, null],
    ["vdi", "xz", true, null],
    ["ova", "zstd", true, null],
  ])("%s with --compress=%s (qemu zstd %s) -> %s", (format, choice, zstd, want) => {
    expect(resolveCodec(format, choice, { qcow2Zstd: zstd })).toBe(want);
  });
  it("refuses zstd qcow2 when qemu-img cannot write it, and says what to use", () => {
    expect(() => resolveCodec("qcow2", "zstd", { qcow2Zstd: false })).toThrow(UsageError);
    expect(() => resolveCodec("qcow2", "zstd", { qcow2Zstd: false })).toThrow(/QEMU 5.1/);
  });
  it("refuses a codec its argv builder cannot use", () => {
    expect(() => outputFormats.raw.convertArgs("/a", "/b", { codec: "zlib", vmdkSubformat: "monolithicSparse" })).toThrow(/xz or zstd/);
    expect(() => outputFormats.qcow2.convertArgs("/a", "/b", { codec: "xz", vmdkSubformat: "monolithicSparse" })).toThrow(/zstd or zlib/);
  });
});

describe("codecSuffix", () => {
  it("only raw gets one", () => {
    expect([codecSuffix("raw", "xz"), codecSuffix("raw", "zstd"), codecSuffix("raw", null), codecSuffix("qcow2", "zstd")]).toEqual([".xz", ".zst", "", ""]);
  });
});
