// The image cache on disk: one directory per key (a raw file per disk + meta.json) that appears by one rename, or not at all.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { getLogger, isDryRun, run, type Teardown } from "../run/index.js";

export const IMAGE_META = "meta.json";
/** Entries being written: never read, removed by the writer on failure and by `ksimage cache prune`. */
export const IMAGE_PARTIAL_PREFIX = ".new-";

const MetaSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  treeKey: z.string().regex(/^[0-9a-f]{64}$/),
  created: z.string(),
  /** The UUIDs of the snapshot's plan, in placeholder order: a build from the entry takes them for its own. */
  uuids: z.array(z.string()),
  /**
   * Each disk's raw file: its size, and its ctime when stored. It is not hashed (a sparse disk of GiBs would cost more
   * to hash than to rebuild); any write or chmod since changes the ctime, and the entry is then not used.
   */
  disks: z.array(z.object({ name: z.string(), file: z.string(), bytes: z.number().int().nonnegative(), ctimeMs: z.number() })),
  /** What the skipped steps warned about: a build from the entry says it again. */
  warnings: z.array(z.string()),
});

export type ImageMeta = z.infer<typeof MetaSchema>;

/** One entry as found on disk. */
export interface ImageEntry {
  key: string;
  dir: string;
  meta: ImageMeta;
  /** Blocks the raw files take on disk (they are sparse). */
  allocatedBytes: number;
  /** When a build last used it (meta.json's mtime). */
  lastUsed: Date;
}

/** The directory of the image cache inside --cache DIR. */
export function imagesDir(cacheDir: string): string {
  return path.join(cacheDir, "images");
}

// Read the entry of KEY: null when there is none, a problem when it is incomplete or was changed after it was stored.
export async function readImageEntry(cacheDir: string, key: string): Promise<{ entry: ImageEntry | null; problem: string | null }> {
  const dir = path.join(imagesDir(cacheDir), key);
  if (!existsSync(dir)) return { entry: null, problem: null };
  const metaFile = path.join(dir, IMAGE_META);
  try {
    const meta = MetaSchema.parse(JSON.parse(await readFile(metaFile, "utf8")));
    if (meta.key !== key) return { entry: null, problem: `its meta.json names another key (${meta.key})` };
    let allocatedBytes = 0;
    for (const d of meta.disks) {
      const s = await stat(path.join(dir, d.file));
      if (s.size !== d.bytes) return { entry: null, problem: `${d.file} has ${s.size} bytes, meta.json says ${d.bytes}` };
      if (s.ctimeMs !== d.ctimeMs) return { entry: null, problem: `${d.file} was changed after it was stored` };
      allocatedBytes += s.blocks * 512;
      // The disk's qcow2, kept by the output stage (src/image-cache/qcow2-base.ts), counts in the entry's size too.
      allocatedBytes += ((await stat(path.join(dir, `${d.name}.qcow2`)).catch(() => null))?.blocks ?? 0) * 512;
    }
    return { entry: { key, dir, meta, allocatedBytes, lastUsed: (await stat(metaFile)).mtime }, problem: null };
  } catch (error) {
    return { entry: null, problem: error instanceof z.ZodError ? "its meta.json is not what ksimage writes" : (error as Error).message };
  }
}

// Remove an entry (renamed aside first, so no build ever sees half of it).
export async function removeImageEntry(dir: string): Promise<void> {
  const aside = path.join(path.dirname(dir), `${IMAGE_PARTIAL_PREFIX}removed-${path.basename(dir)}-${randomBytes(4).toString("hex")}`);
  await rename(dir, aside).catch(() => undefined);
  await rm(aside, { recursive: true, force: true });
}

/** The argv that copies a disk file (raw, or a kept qcow2), sparse, sharing blocks where the file system can (reflinks). */
export function sparseCopyArgs(from: string, to: string): string[] {
  return ["cp", "--sparse=always", "--reflink=auto", "--", from, to];
}

// Copy ENTRY's raw file of DISK to FILE (a new file) and mark the entry used.
export async function restoreImageDisk(entry: ImageEntry, disk: string, file: string): Promise<void> {
  const d = entry.meta.disks.find((x) => x.name === disk);
  if (d === undefined) throw new Error(`the image cache entry ${entry.key.slice(0, 12)} has no disk ${disk}`);
  await run(sparseCopyArgs(path.join(entry.dir, d.file), file), { reason: `copy disk ${disk} from the image cache`, phase: "image cache: restore" });
  const now = new Date();
  if (!isDryRun()) await utimes(path.join(entry.dir, IMAGE_META), now, now).catch(() => undefined);
}

/** What a snapshot is made of. */
export interface SnapshotInfo {
  key: string;
  treeKey: string;
  uuids: string[];
  warnings: string[];
  /** Each disk's raw file being written. */
  disks: { name: string; path: string }[];
  /** The mounted file systems, synced before their disks are copied. */
  mountpoints: string[];
}


// Copy the disks of a running build into the entry of info.key, each mounted file system synced first.
export async function storeImageEntry(cacheDir: string, info: SnapshotInfo, teardown: Teardown): Promise<ImageEntry | null> {
  const tmp = path.join(imagesDir(cacheDir), `${IMAGE_PARTIAL_PREFIX}${info.key}-${randomBytes(4).toString("hex")}`);
  const handle = teardown.defer(`remove the unfinished image cache entry ${tmp}`, () => rm(tmp, { recursive: true, force: true }));
  try {
    if (!isDryRun()) await mkdir(tmp, { recursive: true, mode: 0o700 });
    // What was deleted during the install is discarded first, so the copies hold only what the file systems use.
    for (const m of info.mountpoints) await run(["fstrim", m], { reason: "discard free blocks before the disks are copied into the image cache", allowExitCodes: [1, 32] });
    const disks = await copySynced(info, tmp);
    if (isDryRun()) return null;
    const meta: ImageMeta = { key: info.key, treeKey: info.treeKey, created: new Date().toISOString(), uuids: info.uuids, disks, warnings: info.warnings };
    await writeFile(path.join(tmp, IMAGE_META), JSON.stringify(meta, null, 2) + "\n", { mode: 0o600 });
    const dir = path.join(imagesDir(cacheDir), info.key);
    if ((await readImageEntry(cacheDir, info.key)).problem !== null) await removeImageEntry(dir);
    try {
      await rename(tmp, dir);
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      getLogger().info({ key: info.key }, "another build stored this image first; keeping its entry");
    }
    return (await readImageEntry(cacheDir, info.key)).entry;
  } finally {
    handle.release();
    if (!isDryRun() && existsSync(tmp)) await rm(tmp, { recursive: true, force: true });
  }
}

// Sync every mount point, then copy every disk into DIR; the disks' records for meta.json. Nothing writes to the file
// systems between the steps, so a copy is what a crash right after the sync would leave: its journal holds what the
// sync committed, and the next build's mount replays it. (fsfreeze would give a copy with nothing to replay, but a
// build killed while a file system is frozen leaves it frozen after the unmount, and its loop device busy for good.)
async function copySynced(info: SnapshotInfo, dir: string): Promise<ImageMeta["disks"]> {
  for (const m of info.mountpoints) await run(["sync", "--file-system", m], { reason: "write what the file system holds in memory to its disk before the copy", phase: "image cache: store" });
  const disks: ImageMeta["disks"] = [];
  for (const d of info.disks) {
    const file = `${d.name}.raw`;
    await run(sparseCopyArgs(d.path, path.join(dir, file)), { reason: `copy disk ${d.name} into the image cache`, phase: "image cache: store" });
    if (isDryRun()) continue;
    await chmod(path.join(dir, file), 0o600);
    const s = await stat(path.join(dir, file));
    disks.push({ name: d.name, file, bytes: s.size, ctimeMs: s.ctimeMs });
  }
  return disks;
}

/** Every entry of the image cache, and the names that are not usable entries (partial writes, damaged entries). */
export async function listImageEntries(cacheDir: string): Promise<{ entries: ImageEntry[]; other: { name: string; problem: string }[] }> {
  const dir = imagesDir(cacheDir);
  if (!existsSync(dir)) return { entries: [], other: [] };
  const entries: ImageEntry[] = [];
  const other: { name: string; problem: string }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith(IMAGE_PARTIAL_PREFIX)) {
      other.push({ name, problem: "unfinished (a build is writing it, or was interrupted)" });
      continue;
    }
    const { entry, problem } = await readImageEntry(cacheDir, name);
    if (entry) entries.push(entry);
    else other.push({ name, problem: problem ?? "not an entry" });
  }
  return { entries, other };
}
