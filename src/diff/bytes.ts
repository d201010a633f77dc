// Compare two image files block by block: which 4 KiB blocks differ, as ranges (the files are read once, in 1 MiB chunks).
import { open } from "node:fs/promises";

export const DIFF_BLOCK = 4096;
const CHUNK = 1024 * 1024;

/** A run of differing bytes, in whole DIFF_BLOCK blocks: [start, end) byte offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The result of comparing the bytes of two files. */
export interface ByteDiff {
  sizeA: number;
  sizeB: number;
  /** Differing ranges over the common length, in file order (at most `limit` kept; `differingBlocks` counts them all). */
  ranges: ByteRange[];
  differingBlocks: number;
}

// Add block [start, start+len) to RANGES, merging it with the last range when they touch.
export function addRange(ranges: ByteRange[], start: number, len: number, limit: number): void {
  const last = ranges[ranges.length - 1];
  if (last !== undefined && last.end === start) last.end = start + len;
  else if (ranges.length < limit) ranges.push({ start, end: start + len });
}

// Compare A and B over their common length; ranges beyond LIMIT are counted but not kept.
export async function compareBytes(a: string, b: string, limit = 10_000): Promise<ByteDiff> {
  const fa = await open(a, "r");
  const fb = await open(b, "r");
  try {
    const sizeA = (await fa.stat()).size;
    const sizeB = (await fb.stat()).size;
    const common = Math.min(sizeA, sizeB);
    const ba = Buffer.alloc(CHUNK);
    const bb = Buffer.alloc(CHUNK);
    const ranges: ByteRange[] = [];
    let differingBlocks = 0;
    for (let pos = 0; pos < common; pos += CHUNK) {
      const len = Math.min(CHUNK, common - pos);
      const [ra, rb] = await Promise.all([fa.read(ba, 0, len, pos), fb.read(bb, 0, len, pos)]);
      if (ra.bytesRead !== len || rb.bytesRead !== len) throw new Error(`short read at byte ${pos}`);
      if (ba.subarray(0, len).equals(bb.subarray(0, len))) continue;
      for (let off = 0; off < len; off += DIFF_BLOCK) {
        const n = Math.min(DIFF_BLOCK, len - off);
        if (ba.subarray(off, off + n).equals(bb.subarray(off, off + n))) continue;
        differingBlocks += 1;
        addRange(ranges, pos + off, n, limit);
      }
    }
    return { sizeA, sizeB, ranges, differingBlocks };
  } finally {
    await fa.close();
    await fb.close();
  }
}
