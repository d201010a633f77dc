// The partition table of an image file, as `sfdisk --json` reads it (no root, no loop device), and what differs between two.
import { run } from "../run/index.js";

/** One partition as sfdisk reports it. */
export interface TablePartition {
  number: number;
  start: number;
  size: number;
  type: string;
  uuid: string | null;
  name: string | null;
  bootable: boolean;
}

/** A disk's table: label, disk identifier (msdos signature or GPT disk GUID), sector size and partitions. */
export interface PartitionTable {
  label: string;
  id: string | null;
  sectorSize: number;
  partitions: TablePartition[];
}

interface SfdiskJson {
  partitiontable: {
    label: string;
    id?: string;
    sectorsize?: number;
    partitions?: { node: string; start: number; size: number; type: string; uuid?: string; name?: string; bootable?: boolean }[];
  };
}

// Parse `sfdisk --json` output.
export function parseSfdiskJson(json: string): PartitionTable {
  const t = (JSON.parse(json) as SfdiskJson).partitiontable;
  return {
    label: t.label,
    id: t.id ?? null,
    sectorSize: t.sectorsize ?? 512,
    partitions: (t.partitions ?? []).map((p) => ({
      number: Number(/(\d+)$/.exec(p.node)?.[1] ?? 0),
      start: p.start,
      size: p.size,
      type: p.type,
      uuid: p.uuid ?? null,
      name: p.name ?? null,
      bootable: p.bootable === true,
    })),
  };
}

// The partition table of IMAGE, or null when it has none.
export async function readPartitionTable(image: string): Promise<PartitionTable | null> {
  const { stdout, exitCode } = await run(["sfdisk", "--json", image], { reason: "read the partition table of an image", allowExitCodes: [1] });
  if (exitCode !== 0 || stdout.trim() === "") return null;
  return parseSfdiskJson(stdout);
}

// Each difference between two tables, in words: label, disk identifier, then per partition start, size, type, GUID, name, boot flag.
export function compareTables(a: PartitionTable | null, b: PartitionTable | null): string[] {
  if (a === null || b === null) return a === b ? [] : [`partition table: ${a === null ? "none" : a.label} -> ${b === null ? "none" : b.label}`];
  const out: string[] = [];
  if (a.label !== b.label) out.push(`label ${a.label} -> ${b.label}`);
  if (a.id !== b.id) out.push(`disk identifier ${a.id} -> ${b.id}`);
  const numbers = [...new Set([...a.partitions, ...b.partitions].map((p) => p.number))].sort((x, y) => x - y);
  for (const n of numbers) {
    const x = a.partitions.find((p) => p.number === n);
    const y = b.partitions.find((p) => p.number === n);
    if (x === undefined || y === undefined) {
      out.push(`partition ${n}: only in ${x === undefined ? "B" : "A"}`);
      continue;
    }
    for (const k of ["start", "size", "type", "uuid", "name", "bootable"] as const) {
      if (x[k] !== y[k]) out.push(`partition ${n}: ${k === "uuid" ? "partition GUID" : k} ${String(x[k])} -> ${String(y[k])}`);
    }
  }
  return out;
}
