// Plan every disk byte-exactly from the kickstart: disks, labels, sizes, --grow, sectors, numbers, types.
import { PlanError } from "../errors.js";
import { MiB, type Kickstart, type Partition } from "../kickstart/model.js";
import { planFilesystems } from "./filesystems.js";
import { expandAutomaticPartitioning, type Platform } from "./autopart.js";
import { growSizes } from "./grow.js";
import { assignDiskIdentifiers, unreproducibleFilesystems } from "./identifiers.js";
import { planVolumeGroups, pvMinimumMiB } from "./lvm-plan.js";
import { DEFAULT_RAM_MIB } from "./swap-size.js";
import { classifyPartition, defaultSizeMiB, partitionFlags, partitionType, type PartitionKind } from "./part-types.js";
import { ALIGN_SECTORS, GPT_BACKUP_SECTORS, SECTOR, type DiskPlan, type LabelType, type LayoutPlan, type PartitionPlan } from "./types.js";

export interface LayoutOptions {
  /** Explicit disk sizes in bytes (`--disk-size sda=4G`); otherwise the sum of the partitions. */
  diskSizes?: Record<string, number>;
  /** Disk label overrides (`--disklabel sdb=gpt`). */
  diskLabels?: Record<string, LabelType>;
  /** Seed for reproducible filesystem UUIDs (SOURCE_DATE_EPOCH); random when absent. */
  seed?: string;
  /** The appliance's RAM in MiB (swap --recommended and autopart size swap for it); default 512. */
  memoryMiB?: number;
  /** What the image must boot with: autopart and reqpart make its partitions (default hybrid). */
  firmware?: Platform;
  /** Names autopart's volume group or btrfs volume; with the seed, it decides the disk identifiers. */
  applianceName?: string;
}

export { growSizes };

const MIB_SECTORS = MiB / SECTOR;
const DISK_NAME = /^(sd[a-z]+|vd[a-z]+|hd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/;

interface Request {
  p: Partition;
  kind: PartitionKind;
  baseMiB: number;
  maxMiB: number | null;
  sizeMiB: number;
}

function posOf(ks: Kickstart, p: { file: string; lineno: number }) {
  return { file: p.file, line: p.lineno, includeStack: [ks.file] };
}

function fail(ks: Kickstart, p: { file: string; lineno: number } | undefined, message: string, hint?: string): never {
  throw new PlanError(message, p ? posOf(ks, p) : { file: ks.file, line: 0, includeStack: [ks.file] }, hint);
}

/** Which label each disk gets: --disklabel option, then clearpart --disklabel (for its --drives), then what the partitions need. */
function labelFor(ks: Kickstart, disk: string, reqs: Request[], opts: LayoutOptions): LabelType {
  const override = opts.diskLabels?.[disk];
  if (override) return override;
  const clearpart = ks.other.clearpart as { disklabel?: string | null; drives?: string[] } | undefined;
  const drives = clearpart?.drives ?? [];
  if (clearpart?.disklabel && (drives.length === 0 || drives.includes(disk))) {
    if (clearpart.disklabel !== "gpt" && clearpart.disklabel !== "msdos") {
      fail(ks, undefined, `clearpart --disklabel=${clearpart.disklabel}: ksimage makes msdos or gpt labels`);
    }
    return clearpart.disklabel;
  }
  // A BIOS boot partition only exists on GPT: asking for one means GPT.
  if (reqs.some((r) => r.kind.role === "biosboot")) return "gpt";
  return "msdos";
}

function requests(ks: Kickstart, ramMiB: number): Map<string, Request[]> {
  const pvMinimum = pvMinimumMiB(ks, ramMiB);
  const byDisk = new Map<string, Request[]>();
  for (const p of ks.partitions) {
    if (p.onpart) fail(ks, p, `--onpart=${p.onpart} refers to an existing partition; ksimage creates its disks from scratch`, "use --ondisk and --size");
    const kind = classifyPartition(p);
    if ("error" in kind) fail(ks, p, kind.error);
    if (kind.role === "raid-member") fail(ks, p, `software RAID (${p.mountpoint}) is not supported by ksimage`);
    const disk = p.ondisk ?? "sda";
    if (!DISK_NAME.test(disk)) fail(ks, p, `unknown disk "${disk}" in --ondisk`, "disks are named like sda, sdb, vda or nvme0n1");
    let baseMiB = p.size === null ? null : p.size / MiB;
    if (baseMiB === null && p.recommended && kind.role === "swap") baseMiB = 1024;
    baseMiB ??= defaultSizeMiB(kind) ?? (p.grow ? 1 : null);
    if (baseMiB === null) fail(ks, p, `partition ${p.mountpoint} needs --size (in MiB)`, "or --grow to fill the disk");
    if (!Number.isInteger(baseMiB) || baseMiB <= 0) fail(ks, p, `partition ${p.mountpoint}: --size must be a positive whole number of MiB`);
    // A physical volume is at least as large as its volume group's logical volumes need.
    baseMiB = Math.max(baseMiB, pvMinimum.get(p.mountpoint) ?? 0);
    const maxMiB = p.maxsize === null || p.maxsize === 0 ? null : p.maxsize / MiB;
    if (maxMiB !== null && maxMiB < baseMiB) fail(ks, p, `partition ${p.mountpoint}: --maxsize (${maxMiB}) is smaller than --size (${baseMiB})`);
    const list = byDisk.get(disk) ?? [];
    list.push({ p, kind, baseMiB, maxMiB, sizeMiB: baseMiB });
    byDisk.set(disk, list);
  }
  return byDisk;
}

function checkAllowedDisks(ks: Kickstart, byDisk: Map<string, Request[]>): void {
  const allowed = (ks.other.ignoredisk as { onlyuse?: string[] } | undefined)?.onlyuse ?? [];
  if (allowed.length === 0) return;
  for (const [disk, reqs] of byDisk) {
    if (!allowed.includes(disk)) fail(ks, reqs[0]!.p, `--ondisk=${disk} names a disk that ignoredisk --only-use (${allowed.join(",")}) excludes`);
  }
}

/** Lay out one disk: primary/extended/logical numbering and exact sectors. */
function layoutDisk(ks: Kickstart, name: string, label: LabelType, reqs: Request[], sizeBytes: number | undefined): DiskPlan {
  const logicalNeeded = label === "msdos" && reqs.length > 4;
  const primaryIdx = new Set<number>();
  if (logicalNeeded) {
    reqs.forEach((r, i) => r.p.asprimary && primaryIdx.add(i));
    if (primaryIdx.size > 3) fail(ks, reqs[0]!.p, `disk ${name}: an msdos disk with more than 4 partitions can have at most 3 --asprimary partitions`);
    for (let i = 0; i < reqs.length && primaryIdx.size < 3; i++) primaryIdx.add(i);
  } else reqs.forEach((_, i) => primaryIdx.add(i));
  const primaries = reqs.filter((_, i) => primaryIdx.has(i));
  const logicals = reqs.filter((_, i) => !primaryIdx.has(i));

  // Sectors needed besides the partitions: the 1 MiB lead, one MiB per logical (EBR gap), the GPT backup.
  const overheadMiB = 1 + logicals.length + (label === "gpt" ? GPT_BACKUP_SECTORS / MIB_SECTORS : 0);
  const minMiB = overheadMiB + reqs.reduce((s, r) => s + r.baseMiB, 0);
  let diskMiB = minMiB;
  if (sizeBytes !== undefined) {
    if (sizeBytes % MiB !== 0) fail(ks, undefined, `disk ${name}: size must be a whole number of MiB`);
    diskMiB = sizeBytes / MiB;
    if (diskMiB < minMiB) {
      let used = overheadMiB;
      const culprit = reqs.find((r) => (used += r.baseMiB) > diskMiB) ?? reqs[reqs.length - 1]!;
      fail(ks, culprit.p, `partition ${culprit.p.mountpoint} does not fit on disk ${name}: the partitions need ${minMiB} MiB, the disk has ${diskMiB} MiB`);
    }
  }
  // An msdos label addresses sectors with 32 bits: nothing may end beyond 2 TiB.
  const MSDOS_LIMIT_MIB = (2 ** 32 * SECTOR) / MiB;
  if (label === "msdos" && minMiB > MSDOS_LIMIT_MIB) {
    fail(ks, reqs[0]!.p, `disk ${name}: its partitions need ${minMiB} MiB, but an msdos label can address only ${MSDOS_LIMIT_MIB} MiB (2 TiB)`, "use clearpart --disklabel=gpt (or --disklabel " + name + "=gpt)");
  }
  if (label === "msdos" && diskMiB > MSDOS_LIMIT_MIB) {
    fail(ks, undefined, `disk ${name}: ${diskMiB} MiB is more than an msdos label can address (${MSDOS_LIMIT_MIB} MiB, 2 TiB)`, "use clearpart --disklabel=gpt, or a smaller --disk-size");
  }
  const ordered = [...primaries, ...logicals];
  const sizes = growSizes(ordered.map((r) => ({ baseMiB: r.baseMiB, maxMiB: r.maxMiB, grow: r.p.grow })), diskMiB - minMiB);
  ordered.forEach((r, i) => (r.sizeMiB = sizes[i]!));

  const parts: PartitionPlan[] = [];
  let next = ALIGN_SECTORS;
  const make = (r: Request, number: number, kind: PartitionPlan["kind"], start: number): PartitionPlan => {
    const sizeSectors = r.sizeMiB * MIB_SECTORS;
    const t = partitionType(label, r.kind);
    return {
      number,
      kind,
      startSector: start,
      endSector: start + sizeSectors - 1,
      sizeSectors,
      sizeBytes: sizeSectors * SECTOR,
      role: r.kind.role,
      mountpoint: r.kind.mountpoint,
      ksName: r.p.mountpoint,
      ...t,
      flags: partitionFlags(label, r.kind),
      gptName: label === "gpt" ? gptName(r) : null,
      filesystem: null,
      source: { file: r.p.file, lineno: r.p.lineno },
    };
  };
  primaries.forEach((r, i) => {
    const part = make(r, i + 1, "primary", next);
    parts.push(part);
    next = part.endSector + 1;
  });
  if (logicals.length) {
    const extStart = next;
    const extNumber = primaries.length + 1;
    const logicalParts: PartitionPlan[] = [];
    logicals.forEach((r, i) => {
      const part = make(r, 5 + i, "logical", next + ALIGN_SECTORS);
      logicalParts.push(part);
      next = part.endSector + 1;
    });
    const sizeSectors = next - extStart;
    parts.push({
      number: extNumber,
      kind: "extended",
      startSector: extStart,
      endSector: next - 1,
      sizeSectors,
      sizeBytes: sizeSectors * SECTOR,
      role: "extended",
      mountpoint: null,
      ksName: "extended",
      typeGuid: null,
      msdosType: "0f",
      flags: [],
      gptName: null,
      filesystem: null,
      source: null,
    });
    parts.push(...logicalParts);
  }
  if (label === "msdos") {
    const boot = parts.find((p) => p.mountpoint === "/boot") ?? parts.find((p) => p.mountpoint === "/");
    if (boot) boot.flags = [...boot.flags, "boot"];
  }
  return { name, label, sizeBytes: diskMiB * MiB, sizeSectors: diskMiB * MIB_SECTORS, partitions: parts };
}

function gptName(r: Request): string {
  switch (r.kind.role) {
    case "esp":
      return "EFI System Partition";
    case "biosboot":
      return "BIOS boot";
    case "swap":
      return "swap";
    default:
      return r.kind.mountpoint === "/" ? "root" : (r.kind.mountpoint ?? r.p.mountpoint).replace(/^\//, "").replace(/\//g, "-");
  }
}

function checkRoot(ks: Kickstart): void {
  const lvRoot = ((ks.other.logvol as { lvList?: { mountpoint?: string }[] } | undefined)?.lvList ?? []).some((l) => l.mountpoint === "/");
  const btrfsRoot = ((ks.other.btrfs as { btrfsList?: { mountpoint?: string }[] } | undefined)?.btrfsList ?? []).some((b) => b.mountpoint === "/");
  const roots = ks.partitions.filter((p) => p.mountpoint === "/");
  if (roots.length > 1) fail(ks, roots[1], `two partitions for / (lines ${roots.map((r) => r.lineno).join(" and ")})`);
  const seen = new Map<string, { lineno: number }>();
  const lvs = ((ks.other.logvol as { lvList?: { mountpoint: string; file: string; lineno: number }[] } | undefined)?.lvList ?? []);
  for (const p of [...ks.partitions, ...lvs]) {
    if (!p.mountpoint.startsWith("/")) continue;
    const prev = seen.get(p.mountpoint);
    if (prev) fail(ks, p, `mount point ${p.mountpoint} is used twice (also on line ${prev.lineno})`);
    seen.set(p.mountpoint, p);
  }
  // btrfs volumes and subvolumes claim mount points too: `part /` and `btrfs / --subvol` would be two lines for / in fstab.
  const btrfsList = (ks.other.btrfs as { btrfsList?: { mountpoint?: string; lineno: number; file?: string }[] } | undefined)?.btrfsList ?? [];
  const btrfsAt = new Map<string, number>();
  for (const b of btrfsList) {
    if (!b.mountpoint?.startsWith("/")) continue;
    const twin = btrfsAt.get(b.mountpoint);
    if (twin !== undefined) fail(ks, { file: b.file ?? ks.file, lineno: b.lineno }, `two filesystems at ${b.mountpoint}: btrfs lines ${twin} and ${b.lineno} both mount there`);
    btrfsAt.set(b.mountpoint, b.lineno);
    const prev = seen.get(b.mountpoint);
    if (prev) fail(ks, { file: b.file ?? ks.file, lineno: b.lineno }, `two filesystems at ${b.mountpoint}: this btrfs line and the part line ${prev.lineno} both mount there`);
  }
  if (ks.partitions.length === 0) fail(ks, undefined, "the kickstart has no part lines: ksimage needs at least a / partition", "add e.g. part / --fstype=ext4 --size=2048");
  if (roots.length === 0 && !lvRoot && !btrfsRoot) fail(ks, ks.partitions[0], "no partition is mounted at /", "add e.g. part / --fstype=ext4 --size=2048");
}

/** Plan all disks, filesystems, mounts and fstab. Pure: decides everything, touches nothing. */
export function planLayout(given: Kickstart, opts: LayoutOptions = {}): LayoutPlan {
  const ramMiB = opts.memoryMiB ?? DEFAULT_RAM_MIB;
  const ks = expandAutomaticPartitioning(given, {
    memoryMiB: ramMiB,
    ...(opts.firmware ? { firmware: opts.firmware } : {}),
    ...(opts.diskSizes ? { diskSizes: opts.diskSizes } : {}),
    ...(opts.diskLabels ? { diskLabels: opts.diskLabels } : {}),
    ...(opts.applianceName ? { applianceName: opts.applianceName } : {}),
  });
  checkRoot(ks);
  const byDisk = requests(ks, ramMiB);
  checkAllowedDisks(ks, byDisk);
  for (const d of Object.keys(opts.diskSizes ?? {})) {
    if (!byDisk.has(d)) throw new PlanError(`--disk-size names disk ${d}, but no partition is on it (disks: ${[...byDisk.keys()].join(", ")})`);
  }
  const warnings: string[] = [];
  const disks: DiskPlan[] = [];
  for (const [name, reqs] of byDisk) {
    const label = labelFor(ks, name, reqs, opts);
    const kept = reqs.filter((r) => {
      if (r.kind.role === "biosboot" && label === "msdos") {
        warnings.push(`line ${r.p.lineno}: biosboot is only needed on GPT disks; disk ${name} is msdos, so it is left out`);
        return false;
      }
      return true;
    });
    disks.push(layoutDisk(ks, name, label, kept, opts.diskSizes?.[name]));
  }
  const lvm = planVolumeGroups(ks, disks, ramMiB);
  for (const d of disks) {
    for (const p of d.partitions) {
      if (p.role === "lvm-pv" && !lvm.volumeGroups.some((vg) => vg.pvs.some((pv) => pv.ksName === p.ksName))) {
        warnings.push(`line ${p.source?.lineno ?? 0}: ${p.ksName} is in no volgroup: it stays an empty LVM partition`);
      }
    }
  }
  const fs = planFilesystems(ks, disks, opts.seed, lvm.volumeGroups);
  if (opts.seed !== undefined) assignDiskIdentifiers(disks, opts.seed, opts.applianceName ?? "");
  if (opts.seed !== undefined) warnings.push(...unreproducibleFilesystems(disks));
  return {
    disks,
    mounts: fs.mounts,
    fstab: fs.fstab,
    volumeGroups: lvm.volumeGroups,
    needsDeviceMapper: lvm.deviceMapperReasons.length > 0,
    deviceMapperReasons: lvm.deviceMapperReasons,
    warnings: [...warnings, ...fs.warnings],
  };
}
