// qcow2-order's pure parts: the zstd frame length, the header checks, where pieces go and how big the refcount structures get.
import { describe, expect, it } from "vitest";
import { layoutClusters, parseQcow2Header, placePieces, zstdFrameLength } from "../../../src/output/qcow2-order.js";
import { planOutputs } from "../../../src/output/plan.js";
import type { OutputInput } from "../../../src/output/types.js";

// A zstd frame: magic, descriptor FHD, [window], [FCS], then blocks of [type, size, content bytes].
function frame(fhd: number, extra: number[], blocks: [type: number, size: number, last: boolean][], checksum = false): Buffer {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, fhd, ...extra];
  for (const [type, size, last] of blocks) {
    const h = (last ? 1 : 0) | (type << 1) | (size << 3);
    parts.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, ...Array<number>(type === 1 ? 1 : size).fill(7));
  }
  if (checksum) parts.push(1, 2, 3, 4);
  return Buffer.from(parts);
}

// zstdFrameLength reads through a reader that stops at the end of the buffer, as the real one stops at the cluster's sectors.
const reader = (b: Buffer) => (at: number, length: number) => b.subarray(at, at + length);

describe("zstdFrameLength", () => {
  it("walks the blocks of a single-segment frame with a 1-byte content size (qemu's shape) and stops at the last block", () => {
    const f = frame(0x20, [0x40], [[2, 30, true]]);
    expect(zstdFrameLength(reader(Buffer.concat([f, Buffer.alloc(100, 0xee)])))).toBe(f.length);
  });
  it("counts a window byte, a 2-byte content size, raw, RLE and compressed blocks and a checksum", () => {
    const f = frame(0x44, [0x58, 0x00, 0x10], [[0, 5, false], [1, 900, false], [2, 12, true]], true);
    expect(zstdFrameLength(reader(Buffer.concat([f, Buffer.alloc(3)])))).toBe(f.length);
  });
  it("counts a 4-byte dictionary ID and an 8-byte content size", () => {
    const f = frame(0xc3, [0x58, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8], [[2, 3, true]]);
    expect(zstdFrameLength(reader(f))).toBe(f.length);
  });
  it("refuses what is not a zstd frame, a frame that runs past the buffer and a reserved block type", () => {
    expect(() => zstdFrameLength(reader(Buffer.from([0x78, 0x9c, 1, 2, 3, 4])))).toThrow(/not a zstd frame/);
    expect(() => zstdFrameLength(reader(frame(0x20, [0x40], [[2, 30, true]]).subarray(0, 20)))).toThrow(/runs past/);
    expect(() => zstdFrameLength(reader(frame(0x20, [0x40], [[3, 0, true]])))).toThrow(/reserved/);
  });
});

// A qcow2 v3 header as qemu-img convert writes it (64 KiB clusters, zstd), with the feature name table and the end marker.
function header(over: (b: Buffer) => void = () => undefined): Buffer {
  const b = Buffer.alloc(65536);
  b.writeUInt32BE(0x514649fb, 0);
  b.writeUInt32BE(3, 4);
  b.writeUInt32BE(16, 20);
  b.writeBigUInt64BE(2n ** 31n, 24);
  b.writeUInt32BE(4, 36);
  b.writeBigUInt64BE(3n * 65536n, 40);
  b.writeBigUInt64BE(65536n, 48);
  b.writeUInt32BE(1, 56);
  b.writeBigUInt64BE(8n, 72);
  b.writeUInt32BE(4, 96);
  b.writeUInt32BE(112, 100);
  b[104] = 1;
  b.writeUInt32BE(0x6803f857, 112);
  b.writeUInt32BE(48, 116);
  over(b);
  return b;
}

describe("parseQcow2Header", () => {
  it("reads qemu-img's header and keeps it up to the end of its extensions", () => {
    const h = parseQcow2Header(header());
    expect(h).toMatchObject({ clusterBits: 16, l1Size: 4, l1Offset: 196608, refcountOrder: 4, compressionType: 1 });
    expect(h.headerBytes.length).toBe(112 + 8 + 48 + 8);
  });
  it.each([
    ["version 2", (b: Buffer) => b.writeUInt32BE(2, 4), /version 2/],
    ["a backing file", (b: Buffer) => b.writeBigUInt64BE(4096n, 8), /backing file/],
    ["encryption", (b: Buffer) => b.writeUInt32BE(2, 32), /encrypted/],
    ["snapshots", (b: Buffer) => b.writeUInt32BE(1, 60), /snapshots/],
    ["a dirty bit", (b: Buffer) => b.writeBigUInt64BE(9n, 72), /incompatible features/],
    ["bitmaps", (b: Buffer) => b.writeBigUInt64BE(1n, 88), /autoclear/],
    ["8-bit refcounts", (b: Buffer) => b.writeUInt32BE(3, 96), /refcount order 3/],
    ["another header extension", (b: Buffer) => b.writeUInt32BE(0x44415441, 112), /header extension 0x44415441/],
  ])("refuses %s", (_, change, message) => {
    expect(() => parseQcow2Header(header(change))).toThrow(message);
  });
  it("refuses what is not a qcow2 file", () => {
    expect(() => parseQcow2Header(Buffer.alloc(512))).toThrow(/not a qcow2 file/);
  });
});

describe("placePieces", () => {
  it("packs compressed clusters back to back, aligns uncompressed ones, and ends at the last compressed sector", () => {
    const p = (length: number, compressed: boolean) => ({ guest: 0, src: 0, length, compressed, at: -1 });
    const pieces = [p(100, true), p(700, true), p(4096, false), p(10, true)];
    expect(placePieces(pieces, 4096)).toBe(8192 + 512);
    expect(pieces.map((x) => x.at)).toEqual([0, 100, 4096, 8192]);
  });
});

describe("layoutClusters", () => {
  it("sizes the refcount blocks and table to cover the whole file, themselves included", () => {
    expect(layoutClusters(65536, 4, 4, 4000)).toEqual({ l1: 1, rt: 1, rb: 1, total: 1 + 1 + 1 + 1 + 4 + 4000 });
    // 32768 16-bit refcounts per 64 KiB block: 40000 data clusters need two blocks.
    expect(layoutClusters(65536, 4, 4, 40000)).toMatchObject({ rb: 2, rt: 1 });
    // 512-byte clusters: 256 refcounts per block, 64 block offsets per table cluster.
    const small = layoutClusters(512, 8192, 30, 20000);
    expect(small.rb * 256).toBeGreaterThanOrEqual(small.total);
    expect(small.rt * 64).toBeGreaterThanOrEqual(small.rb);
    expect(small.l1).toBe(128);
  });
});

describe("planOutputs for a reproducible build", () => {
  const base: OutputInput = {
    name: "app", version: "1.0", release: "1", arch: "x86_64", disks: [{ name: "sda", rawPath: "/work/app-sda.raw", sizeBytes: 2 ** 30 }],
    formats: ["qcow2"], compress: "default", vcpu: 1, memoryMiB: 512, networks: [], uefi: false, checksum: false, outdir: "/out", epoch: 1700000000,
  };
  it("converts a zstd qcow2 out of order into the scratch directory, to be put in order into the partial file", () => {
    const job = planOutputs(base, { qcow2Zstd: true }, "/scratch").queues[0]![0]!;
    expect(job.unordered).toBe("/scratch/app-sda.qcow2.unordered");
    expect(job.argv).toEqual(["qemu-img", "convert", "-c", "-W", "-m", "16", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zstd", "/work/app-sda.raw", "/scratch/app-sda.qcow2.unordered"]);
  });
  it("converts in order without a scratch directory, with zlib, and never reorders a build without an epoch", () => {
    const inOrder = ["qemu-img", "convert", "-c", "-m", "16"];
    expect(planOutputs(base, { qcow2Zstd: true }).queues[0]![0]!).toMatchObject({ unordered: null, argv: expect.arrayContaining(inOrder) });
    expect(planOutputs(base, { qcow2Zstd: true }).queues[0]![0]!.argv).not.toContain("-W");
    const zlib = planOutputs({ ...base, compress: "zlib" }, { qcow2Zstd: true }, "/scratch").queues[0]![0]!;
    expect(zlib.unordered).toBeNull();
    expect(zlib.argv).not.toContain("-W");
    const plain = planOutputs({ ...base, epoch: undefined }, { qcow2Zstd: true }, "/scratch").queues[0]![0]!;
    expect(plain.unordered).toBeNull();
    expect(plain.argv).toContain("-W");
    expect(plain.argv.at(-1)).toBe("/out/app/app-sda.qcow2.partial");
  });
});
