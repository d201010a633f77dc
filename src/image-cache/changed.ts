// Which clusters of two raw disks of one size differ: read only where either file has data (qemu-img map finds it with
// SEEK_DATA), compare cluster by cluster. How a build from the image cache knows what its %post changed.
import { open } from "node:fs/promises";
import { z } from "zod";
import { run } from "../run/index.js";

/** A byte range [start, start + length). */
export interface Extent {
  start: number;
  length: number;
}

const MapSchema = z.array(z.object({ start: z.number(), length: z.number(), data: z.boolean() }));

/** The argv that lists a raw file's allocated ranges as JSON. */
export function mapArgs(file: string): string[] {
  return ["qemu-img", "map", "--output=json", "-f", "raw", file];
}

// The ranges of FILE that hold data (the rest are holes, which read as zeros).
export async function dataExtents(file: string): Promise<Extent[]> {
  const r = await run(mapArgs(file), { reason: "find where the disk holds data", phase: "image cache: compare" });
  return MapSchema.parse(JSON.parse(r.stdout))
    .filter((e) => e.data)
    .map((e) => ({ start: e.start, length: e.length }));
}

// EXTENTS widened to whole clusters of CLUSTER bytes, sorted and merged where they touch or overlap.
export function clusterRuns(extents: readonly Extent[], cluster: number): Extent[] {
  const widened = extents
    .filter((e) => e.length > 0)
    .map((e) => ({ start: Math.floor(e.start / cluster) * cluster, end: Math.ceil((e.start + e.length) / cluster) * cluster }))
    .sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const e of widened) {
    const last = out.at(-1);
    if (last !== undefined && e.start <= last.end) last.end = Math.max(last.end, e.end);
    else out.push({ ...e });
  }
  return out.map((e) => ({ start: e.start, length: e.end - e.start }));
}

/** Total bytes of EXTENTS. */
export const extentBytes = (extents: readonly Extent[]): number => extents.reduce((n, e) => n + e.length, 0);

const BLOCK = 4 * 2 ** 20;

// The clusters (CLUSTER bytes each, as merged runs) where files A and B differ, looking only inside RUNS (cluster-aligned).
export async function differingClusters(a: string, b: string, runs: readonly Extent[], cluster: number): Promise<Extent[]> {
  const [fa, fb] = [await open(a, "r"), await open(b, "r")];
  try {
    const [ba, bb] = [Buffer.allocUnsafe(BLOCK), Buffer.allocUnsafe(BLOCK)];
    const out: Extent[] = [];
    for (const r of runs) {
      for (let off = r.start; off < r.start + r.length; off += BLOCK) {
        const want = Math.min(BLOCK, r.start + r.length - off);
        const [ra, rb] = await Promise.all([fa.read(ba, 0, want, off), fb.read(bb, 0, want, off)]);
        // Past either file's end reads as zeros, as a disk of that size would.
        ba.fill(0, ra.bytesRead, want);
        bb.fill(0, rb.bytesRead, want);
        for (let i = 0; i < want; i += cluster) {
          const end = Math.min(i + cluster, want);
          if (ba.compare(bb, i, end, i, end) === 0) continue;
          const last = out.at(-1);
          if (last !== undefined && last.start + last.length === off + i) last.length += cluster;
          else out.push({ start: off + i, length: cluster });
        }
      }
    }
    return out;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

// The clusters where raw disks A and B differ: compared wherever either of them holds data.
export async function changedClusters(a: string, b: string, cluster: number): Promise<Extent[]> {
  const runs = clusterRuns([...(await dataExtents(a)), ...(await dataExtents(b))], cluster);
  return differingClusters(a, b, runs, cluster);
}
