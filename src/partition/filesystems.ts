// Plan filesystems (UUIDs, labels, options, btrfs subvolumes), the mount order and /etc/fstab.
import { createHash, randomUUID } from "node:crypto";
import { PlanError } from "../errors.js";
import { shlexSplit } from "../kickstart/lexer.js";
import { logicalVolumes } from "../kickstart/commands/logvol.js";
import type { Kickstart } from "../kickstart/model.js";
import { lvFstype } from "./lvm-plan.js";
import type { DiskPlan, FilesystemPlan, FsType, MountPlan, PartitionPlan, VolumeGroupPlan } from "./types.js";

interface BtrfsEntry {
  lineno: number;
  mountpoint: string;
  name: string | null;
  label: string | null;
  subvol: boolean;
  devices: string[];
  mkfsopts?: string | null;
  dataLevel?: string | null;
  metaDataLevel?: string | null;
  parent?: string | null;
}

/** The btrfs profiles mkfs.btrfs can make on the one device a ksimage btrfs volume has (raid1 and raid10 need two or more). */
const ONE_DEVICE_PROFILES = new Set(["single", "raid0"]);

// mkfs.btrfs --data/--metadata words for a volume's --data and --metadata levels; a PlanError for a level one device cannot hold.
export function btrfsProfileArgs(vol: Pick<BtrfsEntry, "dataLevel" | "metaDataLevel">, refuse: (message: string) => never): string[] {
  const out: string[] = [];
  for (const [option, level] of [["--data", vol.dataLevel], ["--metadata", vol.metaDataLevel]] as const) {
    if (!level) continue;
    if (!ONE_DEVICE_PROFILES.has(level)) refuse(`btrfs ${option}=${level} needs at least two devices, and ksimage makes btrfs volumes on one device (use single or raid0)`);
    out.push(option, level);
  }
  return out;
}

// The path of subvolume SV below the top level: its name, under the path of the subvolume --parent names (nesting).
// --parent may also name the volume itself (as the positional parent does); anything else is refused.
export function subvolumePath(sv: BtrfsEntry, subvols: readonly BtrfsEntry[], namesVolume: (spec: string) => boolean, refuse: (line: number, message: string) => never, seen: BtrfsEntry[] = []): string {
  const name = sv.name ?? sv.mountpoint.replace(/^\//, "");
  const parent = sv.parent ?? "";
  if (parent === "" || namesVolume(parent)) return name;
  const outer = subvols.find((o) => o !== sv && (o.name === parent || o.mountpoint === parent));
  if (outer === undefined) refuse(sv.lineno, `btrfs subvolume ${name}: --parent=${parent} names neither a btrfs volume nor a subvolume`);
  if (seen.includes(outer)) refuse(sv.lineno, `btrfs subvolume ${name}: --parent=${parent} makes a loop of parents`);
  return `${subvolumePath(outer, subvols, namesVolume, refuse, [...seen, sv])}/${name}`;
}

/** A UUID: random, or derived from the seed and a stable key so SOURCE_DATE_EPOCH builds repeat. */
export function planUuid(seed: string | undefined, key: string): string {
  const hex = seed === undefined ? randomUUID().replace(/-/g, "") : createHash("sha256").update(`ksimage:${seed}:${key}`).digest("hex").slice(0, 32);
  const b = hex.split("");
  b[12] = "4";
  b[16] = ((parseInt(b[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = b.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A FAT volume ID (XXXX-XXXX) in the same way. */
export function planVolumeId(seed: string | undefined, key: string): string {
  const h = planUuid(seed, key).replace(/-/g, "").slice(0, 8).toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4)}`;
}

const DEFAULT_OPTIONS: Record<FsType, string> = {
  ext2: "defaults",
  ext3: "defaults",
  ext4: "defaults",
  xfs: "defaults",
  btrfs: "defaults",
  vfat: "umask=0077,shortname=winnt",
  swap: "defaults",
};

function depth(mp: string): number {
  return mp === "/" ? 0 : mp.split("/").filter(Boolean).length;
}

function fail(ks: Kickstart, line: number, message: string): never {
  throw new PlanError(message, { file: ks.file, line, includeStack: [ks.file] });
}

/** Give every partition its filesystem and derive the mounts and fstab lines. */
export function planFilesystems(ks: Kickstart, disks: DiskPlan[], seed: string | undefined, volumeGroups: VolumeGroupPlan[] = []) {
  const warnings: string[] = [];
  const btrfs = ((ks.other.btrfs as { btrfsList?: BtrfsEntry[] } | undefined)?.btrfsList ?? []) as BtrfsEntry[];
  const volumes = btrfs.filter((b) => !b.subvol);
  const subvols = btrfs.filter((b) => b.subvol);
  const byKsName = new Map<string, { disk: DiskPlan; part: PartitionPlan }>();
  for (const disk of disks) for (const part of disk.partitions) byKsName.set(part.ksName, { disk, part });
  const partOf = (ksName: string) => ks.partitions.find((p) => p.mountpoint === ksName);

  for (const disk of disks) {
    for (const part of disk.partitions) {
      if (!["filesystem", "swap", "esp", "btrfs-member"].includes(part.role)) continue;
      const kp = partOf(part.ksName);
      const fstype: FsType = part.role === "swap" ? "swap" : part.role === "esp" ? "vfat" : part.role === "btrfs-member" ? "btrfs" : ((kp?.fstype === "efi" ? "vfat" : (kp?.fstype ?? "ext4")) as FsType);
      const key = `${disk.name}:${part.number}`;
      let label = kp?.label ?? null;
      let mkfs = kp?.mkfsoptions ?? null;
      let profiles: string[] = [];
      if (part.role === "btrfs-member") {
        const vol = volumes.find((v) => v.devices.includes(part.ksName));
        if (!vol) fail(ks, part.source?.lineno ?? 0, `${part.ksName} is not used by any btrfs volume (add: btrfs none --label=NAME ${part.ksName})`);
        if (vol.devices.length > 1) fail(ks, vol.lineno, "btrfs volumes on several devices are not supported by ksimage yet");
        label = vol.label ?? label;
        mkfs = vol.mkfsopts ?? mkfs;
        profiles = btrfsProfileArgs(vol, (message) => fail(ks, vol.lineno, message));
        if (vol.mountpoint && vol.mountpoint !== "none") part.mountpoint = vol.mountpoint;
      }
      const fs: FilesystemPlan = {
        fstype,
        uuid: fstype === "vfat" ? planVolumeId(seed, key) : planUuid(seed, key),
        label,
        mkfsOptions: [...profiles, ...(mkfs ? shlexSplit(mkfs) : [])],
        fsoptions: kp?.fsoptions ?? DEFAULT_OPTIONS[fstype],
        subvolumes: [],
      };
      if (fstype === "vfat" && label && label.length > 11) fail(ks, part.source?.lineno ?? 0, `FAT label "${label}" is longer than 11 characters`);
      part.filesystem = fs;
    }
  }

  const volumeOf = (spec: string) => volumes.find((v) => (spec.startsWith("LABEL=") ? v.label === spec.slice(6) : v.name === spec || v.mountpoint === spec || v.devices.includes(spec)));
  for (const sv of subvols) {
    const dev = sv.devices[0] ?? "";
    const vol = volumeOf(dev);
    const member = vol ? byKsName.get(vol.devices[0] ?? "") : undefined;
    if (!member?.part.filesystem) fail(ks, sv.lineno, `btrfs subvolume ${sv.name ?? sv.mountpoint}: no btrfs volume "${dev}" is defined`);
    const inVolume = subvols.filter((o) => volumeOf(o.devices[0] ?? "") === vol);
    const name = subvolumePath(sv, inVolume, (spec) => volumeOf(spec) === vol, (line, message) => fail(ks, line, message));
    member.part.filesystem.subvolumes.push({ name, mountpoint: sv.mountpoint });
  }
  // A nested subvolume is created inside its parent: parents first.
  for (const disk of disks) for (const part of disk.partitions) part.filesystem?.subvolumes.sort((a, b) => a.name.split("/").length - b.name.split("/").length);

  const mounts: (MountPlan & { order: number })[] = [];
  const fstab: string[] = [];
  let order = 0;
  for (const disk of disks) {
    for (const part of disk.partitions) {
      const fs = part.filesystem;
      if (!fs) continue;
      const uuid = `UUID=${fs.uuid}`;
      if (fs.fstype === "swap") {
        fstab.push(`${uuid} none swap ${fs.fsoptions} 0 0`);
        continue;
      }
      for (const sv of fs.subvolumes) {
        mounts.push({ mountpoint: sv.mountpoint, disk: disk.name, partition: part.number, fstype: "btrfs", options: [`subvol=${sv.name}`], order: order++ });
        fstab.push(`${uuid} ${sv.mountpoint} btrfs subvol=${sv.name}${fs.fsoptions === "defaults" ? "" : "," + fs.fsoptions} 0 0`);
      }
      if (!part.mountpoint) continue;
      mounts.push({ mountpoint: part.mountpoint, disk: disk.name, partition: part.number, fstype: fs.fstype, options: [], order: order++ });
      const pass = fs.fstype === "xfs" || fs.fstype === "btrfs" ? 0 : part.mountpoint === "/" ? 1 : 2;
      fstab.push(`${uuid} ${part.mountpoint} ${fs.fstype} ${fs.fsoptions} 0 ${pass}`);
    }
  }
  planVolumeFilesystems(ks, volumeGroups, seed);
  for (const vg of volumeGroups) {
    for (const lv of vg.lvs) {
      const fs = lv.filesystem!;
      const uuid = `UUID=${fs.uuid}`;
      const pv = vg.pvs[lv.segments[0]!.pv]!;
      if (fs.fstype === "swap") {
        fstab.push(`${uuid} none swap ${fs.fsoptions} 0 0`);
        continue;
      }
      if (!lv.mountpoint) continue;
      mounts.push({ mountpoint: lv.mountpoint, disk: pv.disk, partition: pv.partition, volume: `${vg.name}/${lv.name}`, fstype: fs.fstype, options: [], order: order++ });
      const pass = fs.fstype === "xfs" || fs.fstype === "btrfs" ? 0 : lv.mountpoint === "/" ? 1 : 2;
      fstab.push(`${uuid} ${lv.mountpoint} ${fs.fstype} ${fs.fsoptions} 0 ${pass}`);
    }
  }
  mounts.sort((a, b) => depth(a.mountpoint) - depth(b.mountpoint) || a.order - b.order);
  const fstabSorted = [...fstab].sort((a, b) => {
    const ma = a.split(" ")[1]!;
    const mb = b.split(" ")[1]!;
    return (ma === "none" ? 99 : depth(ma)) - (mb === "none" ? 99 : depth(mb));
  });
  if (!mounts.some((m) => m.mountpoint === "/") && !ks.other.logvol) warnings.push("nothing is mounted at /");
  return { mounts: mounts.map(({ order: _o, ...m }) => m), fstab: fstabSorted, warnings };
}

/** Give every logical volume its filesystem: UUID from the seed and VG/LV, --label, --fsoptions, --mkfsoptions. */
function planVolumeFilesystems(ks: Kickstart, volumeGroups: VolumeGroupPlan[], seed: string | undefined): void {
  const lvs = logicalVolumes(ks);
  for (const vg of volumeGroups) {
    for (const lv of vg.lvs) {
      const data = lvs.find((l) => l.vgname === vg.name && l.name === lv.name)!;
      const fstype = lvFstype(ks, data);
      lv.filesystem = {
        fstype,
        uuid: planUuid(seed, `lvm:${vg.name}/${lv.name}`),
        label: data.label,
        mkfsOptions: data.mkfsoptions ? shlexSplit(data.mkfsoptions) : [],
        fsoptions: data.fsoptions ?? DEFAULT_OPTIONS[fstype],
        subvolumes: [],
      };
    }
  }
}
