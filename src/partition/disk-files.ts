// Create the sparse raw file of each planned disk, and remove it again if the build does not finish.
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { getLogger, isDryRun, journal, type DeferHandle, type Teardown } from "../run/index.js";
import type { DiskPlan } from "./types.js";

/** A disk file being written: where it is, and the undo that deletes it until the build publishes it. */
export interface DiskFile {
  disk: string;
  path: string;
  sizeBytes: number;
  removal: DeferHandle;
}

// Where a disk is written while the build runs: next to its final name, so publishing it is one rename.
export function partialPath(outputPath: string): string {
  return `${outputPath}.partial`;
}

// Create FILE as a sparse file of exactly the disk's size; registers its removal before creating it.
export async function createDiskFile(disk: DiskPlan, file: string, teardown: Teardown): Promise<DiskFile> {
  const removal = teardown.defer(`remove the unfinished disk file ${file}`, () => rm(file, { force: true }));
  if (isDryRun()) {
    getLogger().info({ file, sizeBytes: disk.sizeBytes }, `(dry run) would create ${file}`);
    return { disk: disk.name, path: file, sizeBytes: disk.sizeBytes, removal };
  }
  // A leftover of an earlier crashed build goes first, and a new inode is made: a loop device the dead build left
  // attached keeps the old one, so it is never written through, and `losetup -j` never takes it for ours.
  await rm(file, { force: true });
  const handle = await open(file, "wx", 0o600);
  journal()?.partial(file);
  try {
    await handle.truncate(disk.sizeBytes);
  } finally {
    await handle.close();
  }
  getLogger().info({ file, sizeBytes: disk.sizeBytes }, `created sparse disk file ${path.basename(file)}`);
  return { disk: disk.name, path: file, sizeBytes: disk.sizeBytes, removal };
}

// Make FILE a copy of the disk file FROM (the image cache's); registers its removal before the copy starts.
export async function copyDiskFile(disk: DiskPlan, file: string, teardown: Teardown, copy: (to: string) => Promise<void>): Promise<DiskFile> {
  const removal = teardown.defer(`remove the unfinished disk file ${file}`, () => rm(file, { force: true }));
  if (!isDryRun()) {
    // As above: a leftover goes first, and a new inode is made (the journal records it, and the copy goes into it).
    await rm(file, { force: true });
    await (await open(file, "wx", 0o600)).close();
    journal()?.partial(file);
  }
  await copy(file);
  getLogger().info({ file, sizeBytes: disk.sizeBytes }, `copied disk file ${path.basename(file)} from the image cache`);
  return { disk: disk.name, path: file, sizeBytes: disk.sizeBytes, removal };
}
