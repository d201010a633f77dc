// Keep the root-tree cache within a size: damaged entries and stale partial writes go first, then the least recently used.
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { listEntries, removeEntry, treesDir, type TreeEntry } from "./store.js";

/** A partial write younger than this may belong to a build that is running now: it is left alone. */
export const PARTIAL_GRACE_MS = 6 * 3600_000;

/** What prune removed and what it kept. */
export interface PruneReport {
  removed: { name: string; bytes: number; why: string }[];
  kept: TreeEntry[];
  keptBytes: number;
}

// Which entries to drop so the rest fit in MAXBYTES: the least recently used first (BYTES: an entry's size). Pure.
export function entriesOverBudget<T extends { lastUsed: Date }>(entries: readonly T[], maxBytes: number, bytes: (e: T) => number): T[] {
  const newestFirst = [...entries].sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  const drop: T[] = [];
  let total = 0;
  for (const e of newestFirst) {
    if (total + bytes(e) <= maxBytes) total += bytes(e);
    else drop.push(e);
  }
  return drop;
}

// Prune the cache in CACHEDIR; with maxBytes null only damaged entries and stale partial writes are removed.
export async function pruneCache(cacheDir: string, maxBytes: number | null, now: number = Date.now()): Promise<PruneReport> {
  const { entries, other } = await listEntries(cacheDir);
  const removed: PruneReport["removed"] = [];
  for (const o of other) {
    const dir = path.join(treesDir(cacheDir), o.name);
    const info = await stat(dir).catch(() => null);
    if (info === null) continue;
    const partial = o.problem.startsWith("unfinished");
    if (partial && now - info.mtimeMs < PARTIAL_GRACE_MS) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push({ name: o.name, bytes: 0, why: o.problem });
  }
  const drop = maxBytes === null ? [] : entriesOverBudget(entries, maxBytes, (e) => e.meta.bytes);
  for (const e of drop) {
    await removeEntry(e.dir);
    removed.push({ name: e.key, bytes: e.meta.bytes, why: `least recently used (${e.lastUsed.toISOString()})` });
  }
  const kept = entries.filter((e) => !drop.includes(e));
  return { removed, kept, keptBytes: kept.reduce((n, e) => n + e.meta.bytes, 0) };
}
