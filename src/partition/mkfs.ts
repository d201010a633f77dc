// Make each planned filesystem with its planned UUID, label and options, and create btrfs subvolumes.
import { rmdir } from "node:fs/promises";
import path from "node:path";
import { InternalError, KsimageError } from "../errors.js";
import { isDryRun, run, type Teardown } from "../run/index.js";
import type { MappedDisk } from "./map.js";
import { mountAt, unmount } from "./mount.js";
import type { FilesystemPlan, LayoutPlan } from "./types.js";

const label = (flag: string, value: string | null): string[] => (value === null || value === "" ? [] : [flag, value]);

// --mkfsoptions with the planned directory hash seed added to its -E list (mke2fs keeps only the last -E).
export function withHashSeed(options: readonly string[], hashSeed: string): string[] {
  const i = options.lastIndexOf("-E");
  if (i < 0 || i + 1 >= options.length) return [...options, "-E", `hash_seed=${hashSeed}`];
  return [...options.slice(0, i + 1), `${options[i + 1]},hash_seed=${hashSeed}`, ...options.slice(i + 2)];
}

// The environment mkfs runs with: e2fsprogs takes its clock from E2FSPROGS_FAKE_TIME (reproducible builds).
export function mkfsEnv(fs: FilesystemPlan): Record<string, string> | undefined {
  return fs.reproducible && fs.fstype.startsWith("ext") ? { E2FSPROGS_FAKE_TIME: String(fs.reproducible.time) } : undefined;
}

// The mkfs argv for one filesystem on DEVICE: forced (the device is ours and new), quiet, planned UUID and label.
export function mkfsArgs(fs: FilesystemPlan, device: string): string[] {
  switch (fs.fstype) {
    case "ext2":
    case "ext3":
    case "ext4": {
      const options = fs.reproducible ? withHashSeed(fs.mkfsOptions, fs.reproducible.hashSeed) : fs.mkfsOptions;
      return [`mkfs.${fs.fstype}`, "-F", "-q", "-U", fs.uuid, ...label("-L", fs.label), ...options, device];
    }
    case "xfs":
      return ["mkfs.xfs", "-f", "-q", "-m", `uuid=${fs.uuid}`, ...label("-L", fs.label), ...fs.mkfsOptions, device];
    case "btrfs":
      return ["mkfs.btrfs", "-f", "-q", "-U", fs.uuid, ...label("-L", fs.label), ...fs.mkfsOptions, device];
    case "vfat":
      // --invariant: fixed creation times (dosfstools 4.2 has no SOURCE_DATE_EPOCH); -i after it still sets the volume ID.
      return ["mkfs.vfat", "-F", "32", ...(fs.reproducible ? ["--invariant"] : []), "-i", vfatVolumeId(fs.uuid), ...label("-n", fs.label), ...fs.mkfsOptions, device];
    case "swap":
      return ["mkswap", "-U", fs.uuid, ...label("-L", fs.label), ...fs.mkfsOptions, device];
    default:
      throw new InternalError(`no mkfs for filesystem type ${String((fs as { fstype: unknown }).fstype)}`);
  }
}

// The plan writes FAT volume IDs as XXXX-XXXX (how blkid shows them); mkfs.vfat -i wants 8 hex digits.
export function vfatVolumeId(uuid: string): string {
  const id = uuid.replace("-", "");
  if (!/^[0-9A-Fa-f]{8}$/.test(id)) throw new InternalError(`"${uuid}" is not a FAT volume ID (XXXX-XXXX)`);
  return id.toUpperCase();
}

// The argv that creates one btrfs subvolume below the mounted top level.
export function btrfsSubvolumeArgs(topLevel: string, name: string): string[] {
  return ["btrfs", "subvolume", "create", path.join(topLevel, name)];
}

// Mount the btrfs top level on a scratch directory, create each planned subvolume, unmount.
export async function createSubvolumes(fs: FilesystemPlan, device: string, scratch: string, teardown: Teardown): Promise<void> {
  if (fs.subvolumes.length === 0) return;
  await mountAt(device, scratch, "btrfs", ["subvolid=5"], teardown);
  try {
    for (const sv of fs.subvolumes) await run(btrfsSubvolumeArgs(scratch, sv.name), { reason: `create btrfs subvolume ${sv.name}` });
  } finally {
    // The undo stays registered too; unmount() does nothing once the scratch mount is gone.
    await unmount(scratch);
    if (!isDryRun()) await rmdir(scratch).catch(() => undefined);
  }
}

// Make every planned filesystem on its mapped partition; btrfs subvolumes use scratch mounts under WORKDIR.
export async function makeFilesystems(layout: LayoutPlan, mapped: Record<string, MappedDisk>, workdir: string, teardown: Teardown, volumes: Record<string, string> = {}): Promise<void> {
  for (const disk of layout.disks) {
    for (const p of disk.partitions) {
      if (p.filesystem === null) continue;
      const device = mapped[disk.name]?.partitions[p.number];
      if (device === undefined) throw new KsimageError(`partition ${p.number} of disk ${disk.name} is not mapped to a block device`);
      await run(mkfsArgs(p.filesystem, device), { env: mkfsEnv(p.filesystem), reason: `make the ${p.filesystem.fstype} filesystem of ${p.ksName} on disk ${disk.name}` });
      await createSubvolumes(p.filesystem, device, path.join(workdir, `btrfs-${disk.name}-${p.number}`), teardown);
    }
  }
  for (const vg of layout.volumeGroups) {
    for (const lv of vg.lvs) {
      if (lv.filesystem === null) continue;
      const device = volumes[`${vg.name}/${lv.name}`];
      if (device === undefined) throw new KsimageError(`logical volume ${vg.name}/${lv.name} has no block device`);
      await run(mkfsArgs(lv.filesystem, device), { reason: `make the ${lv.filesystem.fstype} filesystem of logical volume ${vg.name}/${lv.name}` });
    }
  }
}

// The host tools makeFilesystems runs for LAYOUT, and why.
export function mkfsTools(layout: LayoutPlan): { tool: string; reason: string }[] {
  const needs: { tool: string; reason: string }[] = [];
  for (const disk of layout.disks) {
    for (const p of disk.partitions) {
      if (p.filesystem === null) continue;
      needs.push({ tool: mkfsArgs(p.filesystem, "DEVICE")[0]!, reason: `make the ${p.filesystem.fstype} filesystem of ${p.ksName} on disk ${disk.name}` });
      if (p.filesystem.subvolumes.length > 0) needs.push({ tool: "btrfs", reason: `create the btrfs subvolumes of ${p.ksName}` });
    }
  }
  for (const vg of layout.volumeGroups) {
    for (const lv of vg.lvs) if (lv.filesystem) needs.push({ tool: mkfsArgs(lv.filesystem, "DEVICE")[0]!, reason: `make the ${lv.filesystem.fstype} filesystem of ${vg.name}/${lv.name}` });
  }
  return needs;
}
