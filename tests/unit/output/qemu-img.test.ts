// Exact qemu-img and compressor argv for every output format: raw input named as raw, options spelled out.
import { describe, expect, it } from "vitest";
import { rawCompressArgs, xzArgs, zstdArgs } from "../../../src/output/compress.js";
import {
  qcow2ConvertArgs,
  qemuImgCheckArgs,
  qemuImgCompareArgs,
  qemuImgInfoArgs,
  rawCopyArgs,
  vdiConvertArgs,
  vhdxConvertArgs,
  vmdkConvertArgs,
  vpcConvertArgs,
} from "../../../src/output/qemu-img.js";

const src = "/w/app-sda.raw";
const dst = "/o/app/out.partial";

describe("qemu-img convert argv, one builder per format", () => {
  it.each([
    ["raw, uncompressed (sparse copy)", rawCopyArgs(src, dst), ["qemu-img", "convert", "-f", "raw", "-O", "raw", src, dst]],
    ["qcow2, uncompressed", qcow2ConvertArgs(src, dst, null), ["qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1", src, dst]],
    [
      "qcow2, zstd",
      qcow2ConvertArgs(src, dst, "zstd"),
      ["qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zstd", src, dst],
    ],
    [
      "qcow2, zlib",
      qcow2ConvertArgs(src, dst, "zlib"),
      ["qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zlib", src, dst],
    ],
    ["vmdk, monolithicSparse by default", vmdkConvertArgs(src, dst), ["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=monolithicSparse", src, dst]],
    ["vmdk, streamOptimized", vmdkConvertArgs(src, dst, "streamOptimized"), ["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", src, dst]],
    ["vdi", vdiConvertArgs(src, dst), ["qemu-img", "convert", "-f", "raw", "-O", "vdi", src, dst]],
    ["vhdx", vhdxConvertArgs(src, dst), ["qemu-img", "convert", "-f", "raw", "-O", "vhdx", src, dst]],
    ["vpc (VHD), exact size", vpcConvertArgs(src, dst), ["qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic,force_size=on", src, dst]],
  ])("%s", (_, argv, want) => expect(argv).toEqual(want));

  it("never passes an empty argument (appliance-creator's bug for vmdk, vdi and plain qcow2)", () => {
    for (const argv of [rawCopyArgs(src, dst), qcow2ConvertArgs(src, dst, null), vmdkConvertArgs(src, dst), vdiConvertArgs(src, dst), vhdxConvertArgs(src, dst), vpcConvertArgs(src, dst)]) {
      expect(argv).not.toContain("");
    }
  });
});

describe("raw compression argv", () => {
  it("xz: 16 MiB blocks on every core, through sh only for the redirection; paths stay arguments", () => {
    expect(xzArgs(src, "/o/a b.raw.xz")).toEqual(["sh", "-c", 'exec xz -T0 --block-size=16MiB --stdout -- "$1" > "$2"', "xz", src, "/o/a b.raw.xz"]);
  });
  it("zstd writes the file itself", () => {
    expect(zstdArgs(src, "/o/x.raw.zst")).toEqual(["zstd", "-T0", "-q", "-f", "-o", "/o/x.raw.zst", "--", src]);
  });
  it("a level is passed through; without one each tool keeps its default (xz -6, zstd -3)", () => {
    expect(xzArgs(src, dst, 3)[2]).toBe('exec xz -T0 -3 --block-size=16MiB --stdout -- "$1" > "$2"');
    expect(zstdArgs(src, dst, 19)).toEqual(["zstd", "-T0", "-19", "-q", "-f", "-o", dst, "--", src]);
    expect(rawCompressArgs(src, dst, "xz", 0)).toEqual(xzArgs(src, dst, 0));
  });
  it("rawCompressArgs dispatches on the codec", () => {
    expect(rawCompressArgs(src, dst, "xz")).toEqual(xzArgs(src, dst));
    expect(rawCompressArgs(src, dst, "zstd")).toEqual(zstdArgs(src, dst));
  });
});

describe("read-back argv", () => {
  it("check, info and compare always name the format (a VHD is probed as raw otherwise)", () => {
    expect(qemuImgCheckArgs("/o/a.vhdx", "vhdx")).toEqual(["qemu-img", "check", "-q", "-f", "vhdx", "/o/a.vhdx"]);
    expect(qemuImgInfoArgs("/o/a.vhd", "vpc")).toEqual(["qemu-img", "info", "--output=json", "-f", "vpc", "/o/a.vhd"]);
    expect(qemuImgCompareArgs(src, "/o/a.vhd", "vpc")).toEqual(["qemu-img", "compare", "-q", "-f", "raw", "-F", "vpc", src, "/o/a.vhd"]);
  });
});
