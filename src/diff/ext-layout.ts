// Where an ext file system keeps what (superblocks, descriptors, bitmaps, inode tables), from dumpe2fs: to name a differing block.
import { run } from "../run/index.js";
import { debugfsTarget } from "./ext.js";

/** One block group's metadata blocks. */
export interface ExtGroup {
  group: number;
  first: number;
  last: number;
  superblock: number | null;
  descriptors: [number, number] | null;
  reservedGdt: [number, number] | null;
  blockBitmap: number | null;
  inodeBitmap: number | null;
  inodeTable: [number, number] | null;
}

/** The layout of one ext file system. */
export interface ExtLayout {
  blockSize: number;
  inodeSize: number;
  inodesPerGroup: number;
  groups: ExtGroup[];
}

/** What one block of an ext file system holds. */
export type ExtBlockRole =
  | { kind: "superblock" | "group descriptors" | "reserved GDT blocks" | "block bitmap" | "inode bitmap"; group: number }
  | { kind: "inode table"; group: number; inodes: [number, number] }
  | { kind: "data"; group: number | null };

const range = (text: string | undefined): [number, number] | null => {
  if (text === undefined) return null;
  const [a, b] = text.split("-").map(Number);
  return [a!, b ?? a!];
};

// Parse `dumpe2fs` (with the group list) into the layout.
export function parseDumpe2fs(text: string): ExtLayout {
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  const groups: ExtGroup[] = [];
  for (const chunk of text.split(/^(?=Group \d+:)/m).slice(1)) {
    const head = /^Group (\d+): \(Blocks (\d+)-(\d+)\)/.exec(chunk);
    if (!head) continue;
    groups.push({
      group: Number(head[1]),
      first: Number(head[2]),
      last: Number(head[3]),
      superblock: Number(/superblock at (\d+)/.exec(chunk)?.[1] ?? NaN) || null,
      descriptors: range(/Group descriptors at (\d+(?:-\d+)?)/.exec(chunk)?.[1]),
      reservedGdt: range(/Reserved GDT blocks at (\d+(?:-\d+)?)/.exec(chunk)?.[1]),
      blockBitmap: Number(/Block bitmap at (\d+)/.exec(chunk)?.[1] ?? NaN) || null,
      inodeBitmap: Number(/Inode bitmap at (\d+)/.exec(chunk)?.[1] ?? NaN) || null,
      inodeTable: range(/Inode table at (\d+(?:-\d+)?)/.exec(chunk)?.[1]),
    });
  }
  return { blockSize: field("Block size"), inodeSize: field("Inode size"), inodesPerGroup: field("Inodes per group"), groups };
}

const inside = (b: number, r: [number, number] | null): boolean => r !== null && b >= r[0] && b <= r[1];

// What BLOCK holds: metadata of a group (with the inodes of an inode-table block), or data (which inode owns it is asked
// separately). With flex_bg a group's bitmaps and inode table lie in another group's blocks, so every group is asked.
export function classifyBlock(layout: ExtLayout, block: number): ExtBlockRole {
  // Block 0 holds the boot sector and, with 4 KiB blocks, the primary superblock at byte 1024.
  if (block === 0) return { kind: "superblock", group: 0 };
  for (const g of layout.groups) {
    if (g.superblock === block) return { kind: "superblock", group: g.group };
    if (inside(block, g.descriptors)) return { kind: "group descriptors", group: g.group };
    if (inside(block, g.reservedGdt)) return { kind: "reserved GDT blocks", group: g.group };
    if (g.blockBitmap === block) return { kind: "block bitmap", group: g.group };
    if (g.inodeBitmap === block) return { kind: "inode bitmap", group: g.group };
    if (g.inodeTable !== null && inside(block, g.inodeTable)) {
      const perBlock = layout.blockSize / layout.inodeSize;
      const first = g.group * layout.inodesPerGroup + (block - g.inodeTable[0]) * perBlock + 1;
      return { kind: "inode table", group: g.group, inodes: [first, first + perBlock - 1] };
    }
  }
  const g = layout.groups.find((x) => block >= x.first && block <= x.last);
  return { kind: "data", group: g?.group ?? null };
}

// The layout of the ext file system at OFFSET of IMAGE.
export async function readExtLayout(image: string, offset: number): Promise<ExtLayout> {
  const { stdout } = await run(["dumpe2fs", debugfsTarget(image, offset)], { reason: "read the layout of an ext file system" });
  return parseDumpe2fs(stdout);
}

// `dumpe2fs -h` of the file system: the superblock fields, one "Name: value" per line.
export async function readExtSuperblock(image: string, offset: number): Promise<Map<string, string>> {
  const { stdout } = await run(["dumpe2fs", "-h", debugfsTarget(image, offset)], { reason: "read the superblock of an ext file system" });
  return parseFields(stdout);
}

// "Name:   value" lines into a map (later duplicates ignored).
export function parseFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Za-z][A-Za-z0-9 _#/()-]*?):\s*(.*)$/.exec(line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

// The fields whose values differ between two field maps, as "name: a -> b".
export function fieldDifferences(a: Map<string, string>, b: Map<string, string>): string[] {
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names.filter((n) => a.get(n) !== b.get(n)).map((n) => `${n}: ${a.get(n) ?? "(none)"} -> ${b.get(n) ?? "(none)"}`);
}
