// `ksimage diff A B`: compare two disk images without root: bytes, partition table, and each file system's tree.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { run } from "../run/index.js";
import { compareBytes, type ByteRange } from "./bytes.js";
import { readExtTree } from "./ext.js";
import { explainExtBlocks } from "./ext-blocks.js";
import { fieldDifferences, readExtLayout, readExtSuperblock } from "./ext-layout.js";
import { compareTables, readPartitionTable, type PartitionTable } from "./table.js";
import { compareTrees, type EntryDifference } from "./tree.js";
import { readVfatTree } from "./vfat.js";
import { readXfsTree } from "./xfs.js";

/** One region of the disk (a partition, or the sectors around them) and how it differs. */
export interface RegionReport {
  name: string;
  /** File system type blkid finds in A (null: none, or not a partition). */
  fstype: string | null;
  startByte: number;
  endByte: number;
  differingBlocks: number;
  /** Superblock fields that differ (ext: dumpe2fs -h). */
  superblock: string[];
  /** Differences of the file trees; null when the tree was not read. */
  tree: EntryDifference[] | null;
  /** Entries in A's tree (0 when not read). */
  entries: number;
  /** Differing file system blocks by kind, and the first of them named. */
  blocks: { counts: Record<string, number>; details: string[] } | null;
  note: string | null;
}

/** The whole comparison. */
export interface DiffReport {
  a: string;
  b: string;
  identical: boolean;
  sizeA: number;
  sizeB: number;
  differingBlocks: number;
  table: string[];
  regions: RegionReport[];
}

export interface DiffOptions {
  /** How many differing blocks of each file system are examined and named (default 200 examined, 10 named). */
  examine?: number;
  detail?: number;
}

// blkid's TYPE for the bytes [offset, offset+size) of IMAGE, or null.
async function probeType(image: string, offset: number, size: number): Promise<string | null> {
  const { stdout } = await run(["blkid", "-p", "-o", "value", "-s", "TYPE", "-O", String(offset), "-S", String(size), image], { reason: "probe a file system inside an image", allowExitCodes: [2] });
  return stdout.trim() || null;
}

// A qcow2/vmdk/... image as a temporary raw file (qemu-img); a raw image as it is.
async function asRaw(image: string, tmp: string, tag: string): Promise<string> {
  const { stdout } = await run(["qemu-img", "info", "--output=json", image], { reason: "find the format of an image" });
  const format = (JSON.parse(stdout) as { format: string }).format;
  if (format === "raw") return image;
  const raw = path.join(tmp, `${tag}.raw`);
  await run(["qemu-img", "convert", "-O", "raw", image, raw], { reason: `read the ${format} image ${image} as raw` });
  return raw;
}

const overlaps = (ranges: readonly ByteRange[], start: number, end: number): ByteRange[] => ranges.filter((r) => r.end > start && r.start < end);
const blocksIn = (ranges: readonly ByteRange[], start: number, end: number): number =>
  overlaps(ranges, start, end).reduce((n, r) => n + Math.ceil((Math.min(r.end, end) - Math.max(r.start, start)) / 4096), 0);

// Compare one partition's file systems: superblock, tree, and what the differing blocks hold.
async function comparePartition(a: string, b: string, name: string, start: number, end: number, ranges: ByteRange[], opts: Required<DiffOptions>, tmp: string): Promise<RegionReport> {
  const size = end - start;
  const [ta, tb] = await Promise.all([probeType(a, start, size), probeType(b, start, size)]);
  const base: RegionReport = { name, fstype: ta, startByte: start, endByte: end, differingBlocks: blocksIn(ranges, start, end), superblock: [], tree: null, entries: 0, blocks: null, note: null };
  if (ta !== tb) return { ...base, note: `file system ${ta ?? "none"} in A, ${tb ?? "none"} in B` };
  if (ta === "ext2" || ta === "ext3" || ta === "ext4") {
    const [sa, sb, treeA, treeB] = await Promise.all([readExtSuperblock(a, start), readExtSuperblock(b, start), readExtTree(a, start), readExtTree(b, start)]);
    const mine = overlaps(ranges, start, end);
    const blocks = mine.length === 0 ? null : await explainExtBlocks(a, b, start, end, mine, await readExtLayout(a, start), opts.examine, opts.detail);
    return { ...base, superblock: fieldDifferences(sa, sb), tree: compareTrees(treeA, treeB), entries: treeA.length, blocks };
  }
  if (ta === "vfat") {
    const [treeA, treeB] = await Promise.all([readVfatTree(a, start), readVfatTree(b, start)]);
    return { ...base, tree: compareTrees(treeA, treeB), entries: treeA.length };
  }
  if (ta === "xfs") {
    // One after the other: each reads a copy of the partition.
    const treeA = await readXfsTree(a, start, size, tmp, "a");
    const treeB = await readXfsTree(b, start, size, tmp, "b");
    return { ...base, tree: compareTrees(treeA, treeB), entries: treeA.length };
  }
  if (ta === null) return base;
  return { ...base, note: `${ta}: the file list is not read (ksimage reads ext2/3/4 with debugfs, xfs with xfs_db and FAT with mtools, without root); only bytes are compared` };
}

// The regions between partitions: boot code and GRUB's core.img before the first, the GPT backup after the last.
function gaps(table: PartitionTable | null, size: number): { name: string; start: number; end: number }[] {
  const sector = table?.sectorSize ?? 512;
  const parts = [...(table?.partitions ?? [])].sort((x, y) => x.start - y.start);
  const out: { name: string; start: number; end: number }[] = [];
  let pos = 0;
  for (const p of parts) {
    if (p.start * sector > pos) out.push({ name: pos === 0 ? "sectors before the first partition (partition table, boot code, GRUB core.img)" : `sectors before partition ${p.number}`, start: pos, end: p.start * sector });
    pos = Math.max(pos, (p.start + p.size) * sector);
  }
  if (pos < size) out.push({ name: parts.length === 0 ? "the whole image" : "sectors after the last partition (GPT backup)", start: pos, end: size });
  return out;
}

// Compare images A and B (raw, or anything qemu-img reads).
export async function diffImages(imageA: string, imageB: string, options: DiffOptions = {}): Promise<DiffReport> {
  const opts = { examine: options.examine ?? 200, detail: options.detail ?? 10 };
  const tmp = await mkdtemp(path.join(os.tmpdir(), "ksimage-diff-"));
  try {
    const [a, b] = [await asRaw(imageA, tmp, "a"), await asRaw(imageB, tmp, "b")];
    const bytes = await compareBytes(a, b);
    const report: DiffReport = { a: imageA, b: imageB, identical: false, sizeA: bytes.sizeA, sizeB: bytes.sizeB, differingBlocks: bytes.differingBlocks, table: [], regions: [] };
    if (bytes.sizeA === bytes.sizeB && bytes.differingBlocks === 0) return { ...report, identical: true };
    const [tableA, tableB] = await Promise.all([readPartitionTable(a), readPartitionTable(b)]);
    report.table = compareTables(tableA, tableB);
    const size = Math.min(bytes.sizeA, bytes.sizeB);
    // No partition table: the image is one file system.
    if (tableA === null && tableB === null) {
      report.regions.push(await comparePartition(a, b, "the file system", 0, size, bytes.ranges, opts, tmp));
      return report;
    }
    for (const g of gaps(tableA, size)) {
      const n = blocksIn(bytes.ranges, g.start, g.end);
      if (n > 0) report.regions.push({ name: g.name, fstype: null, startByte: g.start, endByte: g.end, differingBlocks: n, superblock: [], tree: null, entries: 0, blocks: null, note: null });
    }
    for (const p of tableA?.partitions ?? []) {
      const start = p.start * tableA!.sectorSize;
      const end = Math.min(start + p.size * tableA!.sectorSize, size);
      report.regions.push(await comparePartition(a, b, `partition ${p.number}`, start, end, bytes.ranges, opts, tmp));
    }
    report.regions.sort((x, y) => x.startByte - y.startByte);
    return report;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// The report in words: one block per region that differs, the first differences of each.
export function formatDiff(r: DiffReport, max = 20): string {
  if (r.identical) return `${r.a} and ${r.b} are identical (${r.sizeA} bytes)\n`;
  const out = [`${r.a} and ${r.b} differ: ${r.differingBlocks} blocks of 4 KiB${r.sizeA !== r.sizeB ? `; sizes ${r.sizeA} and ${r.sizeB}` : ""}`];
  out.push(r.table.length === 0 ? "partition table: identical" : "partition table:", ...r.table.map((t) => `  ${t}`));
  for (const g of r.regions) {
    const tree = g.tree === null ? "" : g.tree.length === 0 ? `; files identical (${g.entries} entries)` : `; ${g.tree.length} file differences`;
    out.push(`${g.name}${g.fstype ? ` (${g.fstype})` : ""}: ${g.differingBlocks === 0 ? "identical bytes" : `${g.differingBlocks} blocks differ`}${tree}`);
    if (g.note) out.push(`  ${g.note}`);
    if (g.superblock.length) out.push("  superblock:", ...g.superblock.slice(0, max).map((s) => `    ${s}`));
    if (g.tree?.length) out.push("  files:", ...g.tree.slice(0, max).map((d) => `    ${d.path}: ${d.what}`), ...(g.tree.length > max ? [`    ... and ${g.tree.length - max} more`] : []));
    if (g.blocks) {
      out.push(`  differing blocks by kind (of the first examined): ${Object.entries(g.blocks.counts).map(([k, n]) => `${k} ${n}`).join(", ")}`);
      out.push(...g.blocks.details.slice(0, max).map((d) => `    ${d}`));
    }
  }
  return out.join("\n") + "\n";
}
