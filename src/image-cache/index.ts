// The image cache in a build: the disks as they are just before %post, kept beside the root-tree cache. A warm build
// copies them instead of partitioning, making file systems, restoring the tree, configuring and installing GRUB again.
import type { BuildPlan } from "../plan.js";
import { shortKey } from "../installer/tree-cache/index.js";
import { imageKey, imageKeyInputs, planUuids, replaceUuids } from "./key.js";
import { cacheSalt } from "./salt.js";
import { listImageEntries, readImageEntry, type ImageEntry } from "./store.js";

export { storeImageEntry, restoreImageDisk, readImageEntry, listImageEntries, removeImageEntry, imagesDir, type ImageEntry } from "./store.js";

/** The plan's word on the image cache: off (and why), or the key and whether the cache has the disks. */
export type ImageCachePlan = { status: "off"; reason: string } | { status: "hit" | "miss"; dir: string; key: string; reason: string };

/** File systems whose copies can be mounted beside each other: xfs refuses a second mount of one UUID, btrfs scans by it. */
const COPYABLE = new Set(["ext2", "ext3", "ext4", "vfat", "swap"]);

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// Why PLAN's disks are not cached, or null when they can be.
export function imageCacheOff(plan: BuildPlan): string | null {
  if (plan.treeCache.status === "off") return `the root-tree cache is off (${plan.treeCache.reason})`;
  if (plan.live !== null) return "a live ISO is made from the tree, not from a disk";
  if (plan.epoch !== null) return "a reproducible build (SOURCE_DATE_EPOCH) makes its file systems again from the tree";
  if (plan.ks.scripts.some((s) => s.type === "pre-install")) return "%pre-install scripts write into the file systems before the install";
  if (plan.layout.volumeGroups.length > 0) return "LVM volumes are not cached";
  const other = plan.layout.mounts.map((m) => m.fstype).filter((t) => !COPYABLE.has(t));
  if (other.length > 0) return `${[...new Set(other)].join(", ")} file systems are not cached (two copies of one UUID cannot be mounted at once)`;
  return null;
}

/** Describe ENTRY in a few words: "entry 3f2a9c1b7d0e (812 MiB, stored 2026-12-05T05:10:00Z)". */
export function describeImage(entry: ImageEntry): string {
  return `entry ${shortKey(entry.key)} (${mib(entry.allocatedBytes)}, stored ${entry.meta.created.replace(/\.\d+Z$/, "Z")})`;
}

// Decide hit or miss for PLAN; on a hit the plan takes the entry's UUIDs, which are the ones its disks have.
export async function planImageCache(plan: BuildPlan, enabled: boolean): Promise<BuildPlan> {
  const off = enabled ? imageCacheOff(plan) : "--no-image-cache";
  if (off !== null || plan.treeCache.status === "off") return { ...plan, imageCache: { status: "off", reason: off ?? "the root-tree cache is off" } };
  const dir = plan.treeCache.dir;
  const key = imageKey(imageKeyInputs(plan, plan.treeCache.key, await cacheSalt(dir)));
  const { entry, problem } = await readImageEntry(dir, key);
  const uuids = planUuids(plan);
  if (entry !== null && entry.meta.uuids.length === uuids.length) {
    const adopted = { layout: replaceUuids(plan.layout, uuids, entry.meta.uuids), bootloader: replaceUuids(plan.bootloader, uuids, entry.meta.uuids) };
    return { ...plan, ...adopted, imageCache: { status: "hit", dir, key, reason: `${describeImage(entry)} has these disks up to %post (its file system UUIDs are used)` } };
  }
  const why = problem !== null ? `the entry for this key is not usable (${problem}): the disks are made and stored again` : await missReason(dir);
  return { ...plan, imageCache: { status: "miss", dir, key, reason: why } };
}

async function missReason(dir: string): Promise<string> {
  const { entries } = await listImageEntries(dir);
  return entries.length === 0
    ? "no disks for this key yet: they are made and stored before %post"
    : "no disks for this key (the tree, layout, boot loader or a command other than %post changed): they are made and stored before %post";
}
