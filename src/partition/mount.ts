// Mount the planned filesystems under the install root in order, each with an idempotent, never-lazy undo.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { getLogger, isDryRun, journal, retryUntil, run, type Teardown } from "../run/index.js";
import type { MappedDisk } from "./map.js";
import type { FsType, LayoutPlan } from "./types.js";

/** How long a busy filesystem may take to let go before the unmount gives up. */
export const UMOUNT_DEADLINE_MS = 15_000;
const UMOUNT_INTERVAL_MS = 250;

// The mount argv: explicit type, the planned options, device, target.
export function mountArgs(device: string, target: string, fstype: FsType | string, options: readonly string[] = []): string[] {
  return ["mount", "-t", fstype, ...(options.length > 0 ? ["-o", options.join(",")] : []), device, target];
}

// The umount argv; never --lazy, which would hide a busy mount and keep its loop device attached.
export function umountArgs(target: string): string[] {
  return ["umount", target];
}

// findmnt -r escapes blanks and backslashes as \xNN.
function unescapeFindmnt(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// Every mount point at or below DIR, deepest first (what must be unmounted before DIR can be removed).
export async function mountsUnder(dir: string): Promise<string[]> {
  if (isDryRun()) return [];
  const { stdout } = await run(["findmnt", "-r", "-n", "-o", "TARGET"], { reason: `list mounts under ${dir}`, dryRun: false });
  const base = path.resolve(dir);
  return stdout
    .split("\n")
    .map((line) => unescapeFindmnt(line.trim()))
    .filter((t) => t === base || t.startsWith(`${base}/`))
    .sort((a, b) => b.length - a.length);
}

// Whether something is mounted exactly at TARGET.
export async function isMounted(target: string): Promise<boolean> {
  if (isDryRun()) return false;
  const r = await run(["findmnt", "-r", "-n", "--mountpoint", target], { reason: `check whether ${target} is mounted`, allowExitCodes: [1], dryRun: false });
  // Exit 1 means "no such mount" only when findmnt says nothing; with a message it failed, and we do not know.
  if (r.exitCode === 1 && r.stderr.trim() !== "") throw new KsimageError(`findmnt could not tell whether ${target} is mounted: ${r.stderr.trim()}`);
  return r.exitCode === 0;
}

// Flush and unmount TARGET, retrying while it is busy; does nothing if it is not mounted (safe to call twice).
export async function unmount(target: string): Promise<void> {
  await retryUntil(
    async () => {
      if (!(await isMounted(target))) return;
      await run(["sync", "-f", target], { reason: `flush ${target} before unmounting it` });
      await run(umountArgs(target), { reason: `unmount ${target}` });
      if (await isMounted(target)) throw new KsimageError(`${target} is still mounted`);
    },
    { deadlineMs: UMOUNT_DEADLINE_MS, intervalMs: UMOUNT_INTERVAL_MS, label: `unmount ${target}` },
  );
}

// Mount DEVICE at TARGET (created if missing); the unmount is registered before mounting.
export async function mountAt(device: string, target: string, fstype: FsType, options: readonly string[], teardown: Teardown): Promise<void> {
  teardown.defer(`unmount ${target}`, () => unmount(target));
  if (!isDryRun()) await mkdir(target, { recursive: true });
  journal()?.mount(target);
  await run(mountArgs(device, target, fstype, options), { reason: `mount ${device} at ${target}` });
}

/**
 * The options a filesystem is mounted with while ksimage writes it: the planned ones, plus barrier=0 on ext3/ext4.
 * Without barriers an fsync in the guest (grub-install makes hundreds) no longer flushes the loop device, which
 * means an fsync of the whole disk file on the host. Everything is synced before unmounting, and an interrupted
 * build is thrown away, so nothing depends on those flushes. The image's fstab keeps the planned options.
 */
export function buildMountOptions(fstype: string, options: readonly string[]): string[] {
  const journaled = fstype === "ext3" || fstype === "ext4";
  return journaled && !options.some((o) => /^(no)?barrier/.test(o)) ? [...options, "barrier=0"] : [...options];
}

// Mount every planned filesystem under ROOT in the plan's order. vfat is skipped: the ESP is filled with mtools.
export async function mountTargets(layout: LayoutPlan, mapped: Record<string, MappedDisk>, root: string, teardown: Teardown, volumes: Record<string, string> = {}): Promise<void> {
  for (const m of layout.mounts) {
    const target = path.join(root, path.relative("/", m.mountpoint));
    if (m.fstype === "vfat") {
      // Many build hosts have no vfat driver; only create the mount point so the installed system can mount it.
      getLogger().debug({ mountpoint: m.mountpoint }, `not mounting the vfat filesystem for ${m.mountpoint}: it is filled with mtools`);
      if (!isDryRun()) await mkdir(target, { recursive: true });
      continue;
    }
    const device = m.volume !== undefined ? volumes[m.volume] : mapped[m.disk]?.partitions[m.partition];
    if (device === undefined) throw new KsimageError(`no block device for partition ${m.partition} of disk ${m.disk} (mount point ${m.mountpoint})`);
    await mountAt(device, target, m.fstype, buildMountOptions(m.fstype, m.options), teardown);
  }
}

// The host tools mounting and unmounting run, and why.
export function mountTools(): { tool: string; reason: string }[] {
  return [
    { tool: "mount", reason: "mount the filesystems of the image" },
    { tool: "umount", reason: "unmount the filesystems of the image" },
    { tool: "findmnt", reason: "check what is mounted before unmounting or removing the work directory" },
    { tool: "sync", reason: "flush filesystems before unmounting them" },
  ];
}
