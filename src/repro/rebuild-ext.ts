// Reproducible ext file systems: a mounted, written-to ext4 is never the same twice (inode times, block placement, journal,
// last-mounted path), so each one is made again from its finished tree with `mkfs.ext4 -d`, on the e2fsprogs clock.
import { lstat, lutimes, mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { mkfsArgs, mkfsEnv } from "../partition/mkfs.js";
import { unmount } from "../partition/mount.js";
import type { FilesystemPlan, LayoutPlan } from "../partition/types.js";
import { isDryRun, run, type Teardown } from "../run/index.js";
import { clampTimesArgs } from "./tree.js";

/** One file system made again from its tree, waiting to be written into its disk file. */
export interface RebuiltFs {
  disk: string;
  partition: number;
  /** The new file system, a sparse file of the partition's size. */
  image: string;
  startByte: number;
  sizeBytes: number;
}

// The mkfs argv that makes FS in IMAGE with the contents of TREE (-d goes before the device).
export function mkfsFromTreeArgs(fs: FilesystemPlan, image: string, tree: string): string[] {
  const argv = mkfsArgs(fs, image);
  return [...argv.slice(0, -1), "-d", tree, image];
}

// Inode numbers in use, from dumpe2fs's "Free inodes:" ranges per group: root (2) and every used one from 11 (the first
// non-reserved inode) up.
export function usedInodes(dumpe2fs: string, inodesCount: number): number[] {
  const free = new Set<number>();
  for (const m of dumpe2fs.matchAll(/^\s+Free inodes: (.*)$/gm)) {
    for (const part of m[1]!.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [a, b] = part.split("-").map(Number);
      for (let i = a!; i <= (b ?? a!); i += 1) free.add(i);
    }
  }
  const used = [2];
  for (let i = 11; i <= inodesCount; i += 1) if (!free.has(i)) used.push(i);
  return used;
}

// debugfs requests that set the change and access times of INODES to EPOCH (mke2fs -d copies the tree's ctime, the real clock).
export function inodeTimeRequests(inodes: readonly number[], epoch: number): string {
  return inodes.map((i) => `sif <${i}> ctime @${epoch}\nsif <${i}> atime @${epoch}\n`).join("");
}

// Bind-mount (only) the file system at MOUNTPOINT of ROOT on SRC, make it again into IMAGE, unmount SRC, fix the inode times.
async function rebuildOne(fs: FilesystemPlan, root: string, mountpoint: string, nested: readonly string[], src: string, image: string, sizeBytes: number, teardown: Teardown): Promise<void> {
  const epoch = fs.reproducible!.time;
  const env = mkfsEnv(fs);
  if (!isDryRun()) {
    await mkdir(src, { recursive: true });
    const file = await open(image, "w");
    await file.truncate(sizeBytes);
    await file.close();
  }
  const handle = teardown.defer(`unmount ${src}`, () => unmount(src));
  // A plain bind mount carries no submounts: the tree of this one file system.
  await run(["mount", "--bind", path.join(root, mountpoint), src], { reason: `read the tree of ${mountpoint} on its own` });
  try {
    // The directories other file systems (and the guest session's /proc, /sys, /dev, /run) were mounted on were hidden
    // while the tree's times were clamped: clamp this file system's own tree once more, as the bind mount shows it.
    if (!isDryRun()) for (const dir of nested) await clampOne(path.join(src, dir), epoch);
    await run(clampTimesArgs(src, [], epoch, [fs.fstype]), { reason: `clamp the times of ${mountpoint}'s own tree` });
    await run(mkfsFromTreeArgs(fs, image, src), { env, reason: `make the ${fs.fstype} file system of ${mountpoint} again from its tree (reproducible)` });
  } finally {
    await unmount(src);
    handle.release();
  }
  if (isDryRun()) return;
  const { stdout } = await run(["dumpe2fs", image], { reason: "find the inodes in use" });
  const count = Number(/^Inode count:\s+(\d+)/m.exec(stdout)?.[1] ?? NaN);
  if (!Number.isSafeInteger(count)) throw new KsimageError(`dumpe2fs of ${image} shows no inode count`);
  await run(["debugfs", "-w", "-f", "-", image], { input: inodeTimeRequests(usedInodes(stdout, count), epoch), env, reason: `set the inode times of ${mountpoint} to SOURCE_DATE_EPOCH` });
}

async function clampOne(file: string, epoch: number): Promise<void> {
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined) return;
  const t = Math.min(Math.floor(info.mtimeMs / 1000), epoch);
  await lutimes(file, t, t);
}

// Mount points of LAYOUT below MOUNTPOINT, relative to it ("boot" below "/").
export function nestedMountpoints(layout: LayoutPlan, mountpoint: string): string[] {
  const base = mountpoint === "/" ? "/" : `${mountpoint}/`;
  return layout.mounts.map((m) => m.mountpoint).filter((m) => m !== mountpoint && m.startsWith(base)).map((m) => m.slice(base.length));
}

// For a reproducible build: make every ext file system of LAYOUT again from its mounted tree, into files under WORKDIR.
export async function rebuildExtFilesystems(layout: LayoutPlan, root: string, workdir: string, teardown: Teardown): Promise<RebuiltFs[]> {
  const out: RebuiltFs[] = [];
  for (const m of layout.mounts) {
    if (!m.fstype.startsWith("ext") || m.options.length > 0) continue;
    const part = layout.disks.find((d) => d.name === m.disk)?.partitions.find((p) => p.number === m.partition);
    if (part?.filesystem?.reproducible === undefined) continue;
    const dir = path.join(workdir, "reproducible");
    const image = path.join(dir, `${m.disk}-${m.partition}.${m.fstype}`);
    teardown.defer(`remove ${image}`, () => rm(image, { force: true }));
    await rebuildOne(part.filesystem, root, m.mountpoint, nestedMountpoints(layout, m.mountpoint), path.join(dir, `tree-${m.disk}-${m.partition}`), image, part.sizeBytes, teardown);
    out.push({ disk: m.disk, partition: m.partition, image, startByte: part.startSector * 512, sizeBytes: part.sizeBytes });
  }
  return out;
}

// Replace the partition's bytes in the disk file RAW by the rebuilt file system: punch the old bytes out, copy the new ones sparsely.
export function writeRebuiltArgs(fs: RebuiltFs, raw: string): string[][] {
  return [
    ["fallocate", "--punch-hole", "--offset", String(fs.startByte), "--length", String(fs.sizeBytes), raw],
    ["dd", `if=${fs.image}`, `of=${raw}`, "bs=1M", `seek=${fs.startByte}`, "oflag=seek_bytes", "conv=notrunc,sparse", "status=none"],
  ];
}

// Write each rebuilt file system into its (unmapped) disk file.
export async function writeRebuiltFilesystems(rebuilt: readonly RebuiltFs[], rawFiles: Record<string, string>): Promise<void> {
  for (const fs of rebuilt) {
    const raw = rawFiles[fs.disk];
    if (raw === undefined) throw new KsimageError(`disk ${fs.disk} has no disk file`);
    for (const argv of writeRebuiltArgs(fs, raw)) await run(argv, { reason: `write the rebuilt file system of partition ${fs.partition} into disk ${fs.disk}` });
    if (!isDryRun()) await rm(fs.image, { force: true });
  }
}
