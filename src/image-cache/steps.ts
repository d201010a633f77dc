// The image cache's two build steps: copy a hit's disks into place, and store a miss's disks just before %post.
import { rm } from "node:fs/promises";
import path from "node:path";
import type { BuildPlan } from "../plan.js";
import { copyDiskFile, partialPath, type DiskFile } from "../partition/disk-files.js";
import { getLogger, isDryRun, type Teardown } from "../run/index.js";
import { describeImage } from "./index.js";
import { planUuids } from "./key.js";
import { readImageEntry, restoreImageDisk, storeImageEntry } from "./store.js";

/** The disks a hit copied, and what the steps it replaces warned about when the entry was stored. */
export interface CopiedDisks {
  disks: Record<string, DiskFile>;
  warnings: string[];
}

// On a planned hit, copy the entry's disk files to the outputs' .partial paths (outputs of an earlier build go first);
// null when there is no hit, or the entry is not usable now (the build then makes the disks itself).
export async function copyCachedDisks(plan: BuildPlan, files: Teardown, log: (line: string) => void): Promise<CopiedDisks | null> {
  if (plan.imageCache.status !== "hit") return null;
  const { entry, problem } = await readImageEntry(plan.imageCache.dir, plan.imageCache.key);
  if (entry === null) {
    log(`image cache: the entry is not usable (${problem ?? "it is gone"}): the disks are made instead`);
    return null;
  }
  const disks: Record<string, DiskFile> = {};
  for (const out of plan.outputs) {
    const disk = plan.layout.disks.find((d) => d.name === out.disk);
    if (disk === undefined) continue;
    if (!isDryRun()) await rm(out.path, { force: true });
    disks[disk.name] = await copyDiskFile(disk, partialPath(out.path), files, (to) => restoreImageDisk(entry, disk.name, to));
  }
  log(`image cache: copied ${describeImage(entry)}: partitions, file systems, tree, configuration and boot loader come from it`);
  return { disks, warnings: entry.meta.warnings };
}

/** Where the snapshot's disks and mounts are. */
export interface SnapshotSource {
  disks: Record<string, DiskFile>;
  root: string;
  /** What the steps before the snapshot warned about (a hit says it again). */
  warnings: string[];
  teardown: Teardown;
}

// On a planned miss, store the disks as they are now (configured, boot loader in, before %post); a failure is a warning.
export async function storeCachedDisks(plan: BuildPlan, src: SnapshotSource): Promise<{ line: string; warning: boolean } | null> {
  if (plan.imageCache.status !== "miss" || plan.treeCache.status === "off") return null;
  const { dir, key } = plan.imageCache;
  const mountpoints = plan.layout.mounts.filter((m) => m.fstype !== "vfat" && m.fstype !== "swap").map((m) => path.join(src.root, m.mountpoint));
  const disks = Object.values(src.disks).map((d) => ({ name: d.disk, path: d.path }));
  try {
    const entry = await storeImageEntry(dir, { key, treeKey: plan.treeCache.key, uuids: planUuids(plan), warnings: src.warnings, disks, mountpoints }, src.teardown);
    return entry ? { line: `image cache: stored ${describeImage(entry)}`, warning: false } : null;
  } catch (error) {
    if (isDryRun()) throw error;
    getLogger().warn({ err: error, key }, "could not store the disks in the image cache");
    return { line: `the disks could not be stored in the image cache ${dir}: ${error instanceof Error ? error.message : String(error)}`, warning: true };
  }
}

