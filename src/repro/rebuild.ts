// Reproducible ext and xfs file systems: a mounted, written-to file system is never the same twice (inode times, block
// placement, journal, last-mounted path), so each one is made again from its finished tree: ext with `mkfs.ext4 -d` on the
// e2fsprogs clock, xfs with the tools tree's `mkfs.xfs -p` (rebuild-xfs.ts). The new
// file systems go straight to their offsets in a new sparse disk file; after unmapping, the rest of the old disk (partition
// table, boot loader gap, other file systems) is copied around them and the new file replaces the old one by a rename: the
// old file systems' bytes are never read, punched or flushed.
import { lstat, lutimes, mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { detachLoopsOf } from "../partition/loop.js";
import { mkfsArgs, mkfsEnv } from "../partition/mkfs.js";
import { unmount } from "../partition/mount.js";
import type { FilesystemPlan, LayoutPlan, MountPlan } from "../partition/types.js";
import { isDryRun, journal, run, settleAll, type Teardown } from "../run/index.js";
import { superblockOffsets, zeroLifetimeWrites } from "./ext-superblocks.js";
import { rebuildXfsAt } from "./rebuild-xfs.js";
import { clampTimesArgs } from "./tree.js";

/** A byte range of a disk file. */
export interface ByteRange {
  start: number;
  length: number;
}

/** A disk whose ext and xfs file systems were made again into a new disk file, which replaces it once the rest is copied over. */
export interface RebuiltDisk {
  disk: string;
  /** The disk file the build wrote (its loop device is detached before the copy). */
  raw: string;
  /** The new sparse disk file holding the rebuilt file systems at their offsets. */
  next: string;
  sizeBytes: number;
  /** The partitions the rebuilt file systems occupy. */
  rebuilt: ByteRange[];
}

/** A mounted ext or xfs file system of the layout that a reproducible build makes again from its tree. */
export interface RebuiltMount {
  mount: MountPlan;
  fs: FilesystemPlan;
  range: ByteRange;
}

// The mounts of LAYOUT made again from their trees: ext or xfs, on a partition, with no build mount options, in a
// reproducible plan.
export function rebuiltMounts(layout: LayoutPlan): RebuiltMount[] {
  const out: RebuiltMount[] = [];
  for (const m of layout.mounts) {
    if (!(m.fstype.startsWith("ext") || m.fstype === "xfs") || m.options.length > 0) continue;
    const part = layout.disks.find((d) => d.name === m.disk)?.partitions.find((p) => p.number === m.partition);
    if (part?.filesystem?.reproducible === undefined) continue;
    out.push({ mount: m, fs: part.filesystem, range: { start: part.startSector * 512, length: part.sizeBytes } });
  }
  return out;
}

// The mkfs argv that makes FS with the contents of TREE at byte OFFSET of FILE, SIZEBYTES long (-d before the device, the size
// after it; the offset joins the planned -E list, since mke2fs keeps only the last -E).
export function mkfsFromTreeArgs(fs: FilesystemPlan, file: string, tree: string, offset: number, sizeBytes: number): string[] {
  const argv = mkfsArgs(fs, file).slice(0, -1);
  const e = argv.lastIndexOf("-E");
  if (e >= 0 && e + 1 < argv.length) argv[e + 1] = `${argv[e + 1]},offset=${offset}`;
  else argv.push("-E", `offset=${offset}`);
  return [...argv, "-d", tree, file, `${Math.floor(sizeBytes / 1024)}k`];
}

// The mount argv that makes the bind mount SRC read-only and noatime (the file system itself stays as it is).
export function readOnlyTreeArgs(src: string): string[] {
  return ["mount", "-o", "remount,bind,ro,noatime", src];
}

// The name e2fsprogs' other tools open a file system at byte OFFSET of FILE by (unix_io's offset option).
export function atOffset(file: string, offset: number): string {
  return `${file}?offset=${offset}`;
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

/** Whether a reproducible build of LAYOUT makes an xfs file system again, which needs the xfs tools tree. */
export const needsXfsTools = (layout: LayoutPlan): boolean => rebuiltMounts(layout).some((r) => r.fs.fstype === "xfs");

// The find argv that prints the device nodes, FIFOs and sockets of the tree at SRC (relative paths).
export function specialFilesArgs(src: string): string[] {
  return ["find", src, "-xdev", "(", "-type", "c", "-o", "-type", "b", "-o", "-type", "p", "-o", "-type", "s", ")", "-printf", "%P\\n"];
}

// The warning for an xfs file system that keeps its first bytes because its tree holds SPECIAL files.
export function specialFilesWarning(mountpoint: string, special: readonly string[]): string {
  const shown = special.slice(0, 4).map((p) => `/${p}`).join(", ");
  return `SOURCE_DATE_EPOCH: the xfs file system of ${mountpoint} is not made again from its tree, so it is not byte-reproducible: it holds ${special.length} device nodes, FIFOs or sockets (${shown}${special.length > 4 ? ", ..." : ""}), and mkfs.xfs -p opens every file it copies, which such files do not allow (see README, Reproducible builds)`;
}

/** What became of one file system: made again, or kept as the build wrote it (with a warning saying why). */
export type RebuildOutcome = { rebuilt: true } | { rebuilt: false; warning: string };

// Bind-mount (only) the file system of R under ROOT on SRC, make it again at its offset in FILE, unmount SRC, fix the
// inode times (ext; the xfs tools set them from the epoch).
async function rebuildOne(r: RebuiltMount, root: string, nested: readonly string[], src: string, file: string, xfsTools: string, teardown: Teardown): Promise<RebuildOutcome> {
  const { fs, mount } = r;
  const epoch = fs.reproducible!.time;
  const env = mkfsEnv(fs);
  if (!isDryRun()) await mkdir(src, { recursive: true });
  const handle = teardown.defer(`unmount ${src}`, () => unmount(src));
  // A plain bind mount carries no submounts: the tree of this one file system.
  await run(["mount", "--bind", path.join(root, mount.mountpoint), src], { reason: `read the tree of ${mount.mountpoint} on its own` });
  try {
    // The directories other file systems (and the guest session's /proc, /sys, /dev, /run) were mounted on were hidden
    // while the tree's times were clamped: clamp this file system's own tree as the bind mount shows it.
    if (!isDryRun()) for (const dir of nested) await clampOne(path.join(src, dir), epoch);
    await run(clampTimesArgs(src, ["/"], epoch, [fs.fstype]), { reason: `clamp the times of ${mount.mountpoint}'s own tree` });
    // Read-only and noatime for mkfs (flags of this bind mount alone): the clamp left atime = mtime on every file it
    // touched, so each read would update an access time through the journal (relatime), 17,000 inode writes that made
    // mkfs.ext4 -d of the Debian example's / take 2.1 to 2.8 s instead of 1.5 s.
    await run(readOnlyTreeArgs(src), { reason: `read the tree of ${mount.mountpoint} without writing access times` });
    if (fs.fstype === "xfs") {
      const special = (await run(specialFilesArgs(src), { reason: `find files of ${mount.mountpoint} that mkfs.xfs cannot copy` })).stdout.split("\n").filter(Boolean);
      if (special.length > 0) return { rebuilt: false, warning: specialFilesWarning(mount.mountpoint, special) };
      await rebuildXfsAt(fs, xfsTools, src, file, r.range.start, r.range.length, mount.mountpoint);
    } else await run(mkfsFromTreeArgs(fs, file, src, r.range.start, r.range.length), { env, phase: "rebuild ext", reason: `make the ${fs.fstype} file system of ${mount.mountpoint} again from its tree (reproducible)` });
  } finally {
    await unmount(src);
    handle.release();
  }
  if (isDryRun() || fs.fstype === "xfs") return { rebuilt: true };
  const device = atOffset(file, r.range.start);
  const { stdout } = await run(["dumpe2fs", device], { reason: "find the inodes in use" });
  const count = Number(/^Inode count:\s+(\d+)/m.exec(stdout)?.[1] ?? NaN);
  if (!Number.isSafeInteger(count)) throw new KsimageError(`dumpe2fs of ${device} shows no inode count`);
  await run(["debugfs", "-w", "-f", "-", device], { input: inodeTimeRequests(usedInodes(stdout, count), epoch), env, reason: `set the inode times of ${mount.mountpoint} to SOURCE_DATE_EPOCH` });
  // Last: debugfs adds what it wrote to the primary superblock's counter when it closes.
  await zeroLifetimeWrites(file, r.range.start, superblockOffsets(stdout));
  return { rebuilt: true };
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

// The file a disk's rebuilt file systems are made in, beside it (the rename that replaces the disk stays on one file system).
export const nextDiskFile = (raw: string): string => `${raw}.rebuilt`;

// A new owner-only sparse file of SIZEBYTES; its removal (after its loop devices, for xfs) is registered before it exists.
async function createNext(file: string, sizeBytes: number, teardown: Teardown): Promise<void> {
  teardown.defer(`remove ${file}`, () => rm(file, { force: true }));
  teardown.defer(`detach the loop devices of ${file}`, () => detachLoopsOf(file));
  if (isDryRun()) return;
  await rm(file, { force: true });
  const handle = await open(file, "wx", 0o600);
  journal()?.partial(file);
  try {
    await handle.truncate(sizeBytes);
  } finally {
    await handle.close();
  }
}

// For a reproducible build: make every ext and xfs file system of LAYOUT again from its mounted tree, at its offset in a
// new file beside its disk file (DISKS: disk name to file and size; XFSTOOLS: the xfs tools tree). They are made at the
// same time (each writes only its own partition's bytes, so the result does not depend on the order): the small /boot
// costs no time beside the root file system.
// An xfs whose tree holds special files keeps the bytes the build wrote (the copy around the rebuilt ones takes it), with a
// warning added to WARNINGS.
export async function rebuildFilesystems(layout: LayoutPlan, root: string, disks: Record<string, { path: string; sizeBytes: number }>, workdir: string, xfsTools: string, teardown: Teardown, warnings: string[]): Promise<RebuiltDisk[]> {
  const out = new Map<string, RebuiltDisk>();
  const jobs: (() => Promise<void>)[] = [];
  for (const r of rebuiltMounts(layout)) {
    const disk = disks[r.mount.disk];
    if (disk === undefined) throw new KsimageError(`disk ${r.mount.disk} has no disk file`);
    let entry = out.get(r.mount.disk);
    if (entry === undefined) {
      entry = { disk: r.mount.disk, raw: disk.path, next: nextDiskFile(disk.path), sizeBytes: disk.sizeBytes, rebuilt: [] };
      await createNext(entry.next, entry.sizeBytes, teardown);
      out.set(r.mount.disk, entry);
    }
    const src = path.join(workdir, "reproducible", `tree-${r.mount.disk}-${r.mount.partition}`);
    const target = entry;
    jobs.push(async () => {
      const outcome = await rebuildOne(r, root, nestedMountpoints(layout, r.mount.mountpoint), src, target.next, xfsTools, teardown);
      if (outcome.rebuilt) target.rebuilt.push(r.range);
      else warnings.push(outcome.warning);
    });
  }
  // Every job ends (and unmounts its tree) before the first failure is reported.
  await settleAll(jobs.map((job) => job()));
  return [...out.values()];
}

// The ranges of a disk of SIZEBYTES outside the REBUILT ranges: what is copied from the old disk file into the new one.
export function keptRanges(sizeBytes: number, rebuilt: readonly ByteRange[]): ByteRange[] {
  const out: ByteRange[] = [];
  let at = 0;
  for (const r of [...rebuilt].sort((a, b) => a.start - b.start)) {
    if (r.start > at) out.push({ start: at, length: r.start - at });
    at = Math.max(at, r.start + r.length);
  }
  if (at < sizeBytes) out.push({ start: at, length: sizeBytes - at });
  return out;
}

// The dd argv that copies RANGE of FROM to the same offset of TO, leaving holes where FROM reads zeros.
export function copyRangeArgs(from: string, to: string, range: ByteRange): string[] {
  const n = String(range.start);
  return ["dd", `if=${from}`, `of=${to}`, "bs=1M", `skip=${n}`, `seek=${n}`, `count=${range.length}`, "iflag=skip_bytes,count_bytes", "oflag=seek_bytes", "conv=notrunc,sparse", "status=none"];
}

// Copy everything but the rebuilt file systems from each (unmapped) disk file into its new one, which then takes its name.
export async function writeRebuiltFilesystems(disks: readonly RebuiltDisk[]): Promise<void> {
  for (const d of disks) {
    for (const range of keptRanges(d.sizeBytes, d.rebuilt)) await run(copyRangeArgs(d.raw, d.next, range), { reason: `copy bytes ${range.start}+${range.length} of disk ${d.disk} around its rebuilt file systems` });
    if (isDryRun()) continue;
    journal()?.partial(d.raw, d.next);
    await rename(d.next, d.raw);
  }
}
