// Keep the image cache within what a size leaves it: damaged entries and stale partial writes go first, then the least
// recently used images.
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { entriesOverBudget, PARTIAL_GRACE_MS } from "../installer/tree-cache/prune.js";
import { imagesDir, listImageEntries, removeImageEntry, type ImageEntry } from "./store.js";

/** What pruning the images removed and kept. */
export interface ImagePruneReport {
  removed: { name: string; bytes: number; why: string }[];
  kept: ImageEntry[];
  keptBytes: number;
}

// Which images to drop so the rest fit in MAXBYTES: the least recently used first (the tree cache's rule, by blocks on disk).
export function imagesOverBudget(entries: readonly ImageEntry[], maxBytes: number): ImageEntry[] {
  return entriesOverBudget(entries, maxBytes, (e) => e.allocatedBytes);
}

// Prune the images of CACHEDIR to MAXBYTES (null: only damaged entries and stale partial writes go).
export async function pruneImages(cacheDir: string, maxBytes: number | null, now: number = Date.now()): Promise<ImagePruneReport> {
  const { entries, other } = await listImageEntries(cacheDir);
  const removed: ImagePruneReport["removed"] = [];
  for (const o of other) {
    const dir = path.join(imagesDir(cacheDir), o.name);
    const info = await stat(dir).catch(() => null);
    if (info === null || (o.problem.startsWith("unfinished") && now - info.mtimeMs < PARTIAL_GRACE_MS)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push({ name: o.name, bytes: 0, why: o.problem });
  }
  const drop = maxBytes === null ? [] : imagesOverBudget(entries, maxBytes);
  for (const e of drop) {
    await removeImageEntry(e.dir);
    removed.push({ name: e.key, bytes: e.allocatedBytes, why: `least recently used (${e.lastUsed.toISOString()})` });
  }
  const kept = entries.filter((e) => !drop.includes(e));
  return { removed, kept, keptBytes: kept.reduce((n, e) => n + e.allocatedBytes, 0) };
}
