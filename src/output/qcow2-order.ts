// Reproducible qcow2 without giving up parallel compression. qemu-img's out-of-order writes (-W) put each compressed
// cluster wherever its write lands first, so two conversions of one disk differ in layout; without -W the compression
// waits for the writes and a conversion takes ~1.6 times as long. This rewrites a -W qcow2 with its clusters in guest
// order: the same disk always gives the same bytes. Each cluster keeps the compressed bytes qemu-img made for it (zstd is
// deterministic for one input and level), so nothing is compressed again; only headers, tables and placement are new.
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { KsimageError } from "../errors.js";

const QCOW2_MAGIC = 0x514649fb;
const ZSTD_MAGIC = 0xfd2fb528;
/** Incompatible feature bit 3: the header names the compression type (the only incompatible feature accepted here). */
const INCOMPAT_COMPRESSION_TYPE = 1n << 3n;
/** Header extension types copied as they are: the end marker is 0, the feature name table is informational. */
const FEATURE_NAME_TABLE = 0x6803f857;
const COPIED = 1n << 63n;
const COMPRESSED = 1n << 62n;
const OFFSET_MASK = 0x00fffffffffffe00n;
const SECTOR = 512;

/** What is read from a qcow2 header; "headerBytes" is the header with its extensions, copied into the new file. */
export interface Qcow2Header {
  clusterBits: number;
  l1Size: number;
  l1Offset: number;
  refcountOrder: number;
  compressionType: number;
  headerBytes: Buffer;
}

// Parse and vet the first cluster of a qcow2: version 3, no backing file, encryption, snapshots, external data file, extended
// L2 entries or bitmaps (qemu-img convert writes none of them), 16-bit refcounts.
export function parseQcow2Header(b: Buffer): Qcow2Header {
  if (b.length < 112 || b.readUInt32BE(0) !== QCOW2_MAGIC) throw new KsimageError("not a qcow2 file");
  const refuse = (what: string): never => {
    throw new KsimageError(`cannot reorder this qcow2: ${what}`);
  };
  if (b.readUInt32BE(4) !== 3) refuse(`version ${b.readUInt32BE(4)}`);
  if (b.readBigUInt64BE(8) !== 0n) refuse("it has a backing file");
  const clusterBits = b.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21) refuse(`cluster bits ${clusterBits}`);
  if (b.readUInt32BE(32) !== 0) refuse("it is encrypted");
  if (b.readUInt32BE(60) !== 0) refuse("it has snapshots");
  if ((b.readBigUInt64BE(72) & ~INCOMPAT_COMPRESSION_TYPE) !== 0n) refuse("incompatible features other than the compression type");
  if (b.readBigUInt64BE(88) !== 0n) refuse("autoclear features (bitmaps or a raw external data file)");
  const refcountOrder = b.readUInt32BE(96);
  if (refcountOrder !== 4) refuse(`refcount order ${refcountOrder}`);
  const headerLength = b.readUInt32BE(100);
  const compressionType = headerLength > 104 ? b[104]! : 0;
  // Header extensions: type, length, data padded to 8 bytes, up to the end marker.
  let at = headerLength;
  for (;;) {
    if (at + 8 > b.length) refuse("its header extensions do not end in the first cluster");
    const type = b.readUInt32BE(at);
    const length = b.readUInt32BE(at + 4);
    at += 8;
    if (type === 0) break;
    if (type !== FEATURE_NAME_TABLE) refuse(`header extension 0x${type.toString(16)}`);
    at += Math.ceil(length / 8) * 8;
  }
  const l1Offset = Number(b.readBigUInt64BE(40));
  return { clusterBits, l1Size: b.readUInt32BE(36), l1Offset, refcountOrder, compressionType, headerBytes: Buffer.from(b.subarray(0, at)) };
}

/** Reads LENGTH bytes at AT of a compressed cluster (fewer at its end). */
export type ClusterReader = (at: number, length: number) => Buffer;

// The length of the zstd frame at the start of a compressed cluster (qemu stores one frame per cluster, then whatever
// follows in its last 512-byte sector), from the frame header and the block headers only.
export function zstdFrameLength(read: ClusterReader): number {
  const head = read(0, 18);
  if (head.length < 6 || head.readUInt32LE(0) !== ZSTD_MAGIC) throw new KsimageError("a compressed cluster is not a zstd frame");
  const fhd = head[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const checksum = (fhd >> 2) & 1;
  let p = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + (fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!);
  for (;;) {
    const b = read(p, 3);
    if (b.length < 3) throw new KsimageError("a zstd frame runs past its compressed cluster");
    const h = b[0]! | (b[1]! << 8) | (b[2]! << 16);
    const type = (h >> 1) & 3;
    if (type === 3) throw new KsimageError("a zstd frame has a reserved block type");
    p += 3 + (type === 1 ? 1 : h >>> 3);
    if (h & 1) break;
  }
  p += checksum ? 4 : 0;
  if (read(p - 1, 1).length < 1) throw new KsimageError("a zstd frame runs past its compressed cluster");
  return p;
}

/** One guest cluster's data in the source file: compressed bytes, or a whole uncompressed cluster. */
interface Piece {
  /** Index into the L2 entry list (guest cluster number). */
  guest: number;
  src: number;
  length: number;
  compressed: boolean;
  /** Byte offset in the new file's data area (set by placePieces). */
  at: number;
}

// Where each piece goes, relative to the (cluster-aligned) start of the data area: compressed bytes back to back,
// uncompressed clusters aligned. Returns the end, rounded up to the sector a compressed cluster's L2 entry reaches.
export function placePieces(pieces: Piece[], clusterSize: number): number {
  let cursor = 0;
  let end = 0;
  for (const p of pieces) {
    if (!p.compressed) cursor = Math.ceil(cursor / clusterSize) * clusterSize;
    p.at = cursor;
    cursor += p.length;
    end = Math.max(end, p.compressed ? Math.ceil(cursor / SECTOR) * SECTOR : cursor);
  }
  return end;
}

/** Cluster counts of the new file's parts; the refcount structures must cover the whole file, themselves included. */
export function layoutClusters(clusterSize: number, l1Size: number, l2Count: number, dataClusters: number): { l1: number; rt: number; rb: number; total: number } {
  const l1 = Math.max(1, Math.ceil((l1Size * 8) / clusterSize));
  const perBlock = (clusterSize * 8) / 16;
  let rt = 1;
  let rb = 1;
  for (;;) {
    const total = 1 + rt + rb + l1 + l2Count + dataClusters;
    const needRb = Math.ceil(total / perBlock);
    const needRt = Math.ceil((needRb * 8) / clusterSize);
    if (needRb <= rb && needRt <= rt) return { l1, rt, rb, total };
    rb = Math.max(rb, needRb);
    rt = Math.max(rt, needRt);
  }
}

function readAt(fd: number, at: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, b, done, length - done, at + done);
    if (n === 0) break;
    done += n;
  }
  return b.subarray(0, done);
}

// Rewrite the qcow2 FROM (written by qemu-img convert -c -W) into TO with every cluster in guest order.
export async function reorderQcow2(from: string, to: string): Promise<{ clusters: number }> {
  const src = openSync(from, "r");
  try {
    const header = parseQcow2Header(readAt(src, 0, 65536));
    const cs = 2 ** header.clusterBits;
    if (header.compressionType !== 1) throw new KsimageError("cannot reorder this qcow2: its compressed clusters are not zstd");
    const x = BigInt(62 - (header.clusterBits - 8));
    const csizeMask = (1n << (62n - x)) - 1n;
    const l1 = readAt(src, header.l1Offset, header.l1Size * 8);
    const perL2 = cs / 8;
    // Every guest cluster's L2 entry (0: unallocated; 1: reads as zeros) and where its data is.
    const entries: bigint[] = [];
    const pieces: Piece[] = [];
    const tables: number[] = [];
    for (let i = 0; i < header.l1Size; i += 1) {
      const l2Offset = Number(l1.readBigUInt64BE(i * 8) & OFFSET_MASK);
      if (l2Offset === 0) continue;
      const l2 = readAt(src, l2Offset, cs);
      let used = false;
      for (let j = 0; j < perL2; j += 1) {
        const e = l2.readBigUInt64BE(j * 8);
        const guest = i * perL2 + j;
        entries[guest] = 0n;
        if (e & COMPRESSED) {
          const off = Number(e & ((1n << x) - 1n));
          const span = Number(((e >> x) & csizeMask) + 1n) * SECTOR - (off % SECTOR);
          const read: ClusterReader = (at, length) => readAt(src, off + at, Math.max(0, Math.min(length, span - at)));
          pieces.push({ guest, src: off, length: zstdFrameLength(read), compressed: true, at: 0 });
          used = true;
        } else if ((e & OFFSET_MASK) !== 0n && (e & 1n) === 0n) {
          pieces.push({ guest, src: Number(e & OFFSET_MASK), length: cs, compressed: false, at: 0 });
          used = true;
        } else if (e & 1n) {
          entries[guest] = 1n;
          used = true;
        }
      }
      if (used) tables.push(i);
      if (i % 4 === 3) await new Promise(setImmediate);
    }
    const dataBytes = placePieces(pieces, cs);
    const dataClusters = Math.ceil(dataBytes / cs);
    const n = layoutClusters(cs, header.l1Size, tables.length, dataClusters);
    // Cluster 0 header, then refcount table, refcount blocks, L1, L2 tables, data.
    const rtAt = 1;
    const rbAt = rtAt + n.rt;
    const l1At = rbAt + n.rb;
    const l2At = l1At + n.l1;
    const dataAt = (l2At + tables.length) * cs;
    const refcounts = new Uint16Array(n.total);
    for (let c = 0; c < l2At + tables.length; c += 1) refcounts[c] = 1;
    for (const p of pieces) {
      const start = dataAt + p.at;
      if (p.compressed) {
        const extra = Math.floor((start + p.length - 1) / SECTOR) - Math.floor(start / SECTOR);
        entries[p.guest] = COMPRESSED | (BigInt(extra) << x) | BigInt(start);
        const last = Math.floor(((Math.floor(start / SECTOR) + extra + 1) * SECTOR - 1) / cs);
        for (let c = Math.floor(start / cs); c <= last; c += 1) refcounts[c] = refcounts[c]! + 1;
      } else {
        entries[p.guest] = COPIED | BigInt(start);
        refcounts[start / cs] = 1;
      }
    }
    const meta = Buffer.alloc((l2At + tables.length) * cs);
    header.headerBytes.copy(meta, 0);
    meta.writeBigUInt64BE(BigInt(l1At * cs), 40);
    meta.writeBigUInt64BE(BigInt(rtAt * cs), 48);
    meta.writeUInt32BE(n.rt, 56);
    for (let b = 0; b < n.rb; b += 1) meta.writeBigUInt64BE(BigInt((rbAt + b) * cs), rtAt * cs + b * 8);
    for (let c = 0; c < n.total; c += 1) meta.writeUInt16BE(refcounts[c]!, rbAt * cs + c * 2);
    tables.forEach((i, k) => {
      meta.writeBigUInt64BE(COPIED | BigInt((l2At + k) * cs), l1At * cs + i * 8);
      for (let j = 0; j < perL2; j += 1) meta.writeBigUInt64BE(entries[i * perL2 + j] ?? 0n, (l2At + k) * cs + j * 8);
    });
    const out = openSync(to, "w", 0o600);
    try {
      writeSync(out, meta, 0, meta.length, 0);
      // The data area in 4 MiB windows, each written once; pieces only move forward.
      const WINDOW = 4 * 1024 * 1024;
      const window = Buffer.alloc(WINDOW + 2 * cs);
      let base = 0;
      let filled = 0;
      const flush = (): void => {
        writeSync(out, window, 0, filled, dataAt + base);
        base += filled;
        filled = 0;
        window.fill(0);
      };
      for (const [k, p] of pieces.entries()) {
        if (p.at + p.length - base > window.length) flush();
        const n = readSync(src, window, p.at - base, p.length, p.src);
        if (n !== p.length) throw new KsimageError(`short read of a cluster at ${p.src} of ${from}`);
        filled = Math.max(filled, p.at - base + p.length);
        if (filled >= WINDOW) flush();
        if (k % 4096 === 4095) await new Promise(setImmediate);
      }
      flush();
      ftruncateSync(out, n.total * cs);
      return { clusters: pieces.length };
    } finally {
      closeSync(out);
    }
  } finally {
    closeSync(src);
  }
}
