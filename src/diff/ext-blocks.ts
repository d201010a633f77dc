// Name what the differing blocks of an ext file system hold: metadata by group, inodes by path and field, data by owning file.
import { open } from "node:fs/promises";
import type { ByteRange } from "./bytes.js";
import { blockOwners, inodePaths, statInodes } from "./ext.js";
import { classifyBlock, fieldDifferences, parseFields, type ExtLayout } from "./ext-layout.js";

/** What the differing blocks of one ext file system are, counted by kind, with the first few named. */
export interface ExtBlockReport {
  /** Kind ("inode table", "data of a file", "journal", "unused block", "superblock"...) -> number of differing fs blocks. */
  counts: Record<string, number>;
  /** The first differing blocks in words, e.g. "block 1234 (inode table, group 0): inode 35 /etc/f3: ctime ...". */
  details: string[];
}

const JOURNAL_INODE = 8;

// File system blocks (of BLOCKSIZE) inside RANGES (byte offsets of the image) that really differ between A and B, up to MAX.
async function differingFsBlocks(a: string, b: string, partStart: number, partEnd: number, ranges: readonly ByteRange[], blockSize: number, max: number): Promise<number[]> {
  const fa = await open(a, "r");
  const fb = await open(b, "r");
  const out: number[] = [];
  try {
    const ba = Buffer.alloc(blockSize);
    const bb = Buffer.alloc(blockSize);
    for (const r of ranges) {
      const from = Math.max(r.start, partStart);
      const to = Math.min(r.end, partEnd);
      for (let pos = from - ((from - partStart) % blockSize); pos < to && out.length < max; pos += blockSize) {
        await fa.read(ba, 0, blockSize, pos);
        await fb.read(bb, 0, blockSize, pos);
        if (!ba.equals(bb)) out.push((pos - partStart) / blockSize);
      }
      if (out.length >= max) break;
    }
  } finally {
    await fa.close();
    await fb.close();
  }
  return out;
}

// Count and name the differing blocks of the ext file system at [partStart, partEnd) of A and B (looking at the first MAX blocks).
export async function explainExtBlocks(a: string, b: string, partStart: number, partEnd: number, ranges: readonly ByteRange[], layout: ExtLayout, max: number, detailLimit: number): Promise<ExtBlockReport> {
  const blocks = await differingFsBlocks(a, b, partStart, partEnd, ranges, layout.blockSize, max);
  const roles = blocks.map((blk) => ({ blk, role: classifyBlock(layout, blk) }));
  const dataBlocks = roles.filter((r) => r.role.kind === "data").map((r) => r.blk);
  const [ownersA, ownersB] = await Promise.all([blockOwners(a, partStart, dataBlocks), blockOwners(b, partStart, dataBlocks)]);
  const tableInodes = roles.flatMap((r) => (r.role.kind === "inode table" ? range(r.role.inodes) : []));
  const [statsA, statsB] = await Promise.all([statInodes(a, partStart, tableInodes), statInodes(b, partStart, tableInodes)]);
  const changed = tableInodes.filter((i) => statsA.get(i) !== statsB.get(i));
  const owners = [...new Set([...ownersA.values(), ...ownersB.values()].filter((i) => i !== JOURNAL_INODE))];
  const wanted = [...new Set([...changed, ...owners])];
  const [pathsA, pathsB] = await Promise.all([inodePaths(a, partStart, wanted), inodePaths(b, partStart, wanted)]);
  const name = (ino: number): string => (ino === 2 ? "/" : (pathsA.get(ino) ?? pathsB.get(ino) ?? `(inode ${ino})`));
  const counts: Record<string, number> = {};
  const details: string[] = [];
  const count = (kind: string, detail: string): void => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (details.length < detailLimit) details.push(detail);
  };
  for (const { blk, role } of roles) {
    if (role.kind === "inode table") {
      const inodes = range(role.inodes).filter((i) => changed.includes(i));
      const fields = inodes.map((i) => `inode ${i} ${name(i)}: ${fieldDifferences(parseFields(statsA.get(i) ?? ""), parseFields(statsB.get(i) ?? "")).map((f) => f.split(":")[0]).join(", ")}`);
      count("inode table", `block ${blk} (inode table, group ${role.group}): ${fields.slice(0, 3).join("; ") || "unused inode slots"}${fields.length > 3 ? `; and ${fields.length - 3} more inodes` : ""}`);
    } else if (role.kind === "data") {
      const x = ownersA.get(blk);
      const y = ownersB.get(blk);
      if (x === JOURNAL_INODE || y === JOURNAL_INODE) count("journal", `block ${blk}: the journal`);
      else if (x === undefined && y === undefined) count("unused block", `block ${blk}: owned by no file in either image (free space, directory index or extent tree)`);
      else count("file data", `block ${blk}: data of ${x === undefined ? "nothing" : name(x)} in A, of ${y === undefined ? "nothing" : name(y)} in B`);
    } else {
      count(role.kind, `block ${blk} (${role.kind}, group ${role.group})`);
    }
  }
  return { counts, details };
}

function range([first, last]: [number, number]): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
