// Plan LVM byte-exactly: each PV's extents, the VG's extent size and reserved space, each LV's size and extents (pure).
import { PlanError } from "../errors.js";
import { logicalVolumes, type LogVolData } from "../kickstart/commands/logvol.js";
import { volumeGroups, type VolGroupData } from "../kickstart/commands/volgroup.js";
import { MiB, type Kickstart } from "../kickstart/model.js";
import { growSizes } from "./grow.js";
import { DEFAULT_FSTYPE } from "./part-types.js";
import { suggestSwapMiB } from "./swap-size.js";
import { SECTOR, type DiskPlan, type FsType, type LogicalVolumePlan, type LvSegment, type PhysicalVolumePlan, type VolumeGroupPlan } from "./types.js";

/** Anaconda's (and vgcreate's) default extent size. */
export const DEFAULT_EXTENT_BYTES = 4 * MiB;
/** Where lvm2 puts the first extent of a PV by default (1 MiB data alignment); the build checks it with pvs. */
export const PE_START_BYTES = MiB;

const LV_FSTYPES: Record<string, FsType> = { ext2: "ext2", ext3: "ext3", ext4: "ext4", xfs: "xfs", btrfs: "btrfs", swap: "swap" };
const LVM_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;

type Pos = { file: string; lineno: number };

function fail(ks: Kickstart, at: Pos | undefined, message: string, hint?: string): never {
  throw new PlanError(message, { file: at?.file ?? ks.file, line: at?.lineno ?? 0, includeStack: [ks.file] }, hint);
}

/** The kickstart's volume groups and logical volumes, checked for what ksimage can make; refusals carry file:line. */
export function lvmRequests(ks: Kickstart): { vgs: VolGroupData[]; lvs: LogVolData[] } {
  const vgs = volumeGroups(ks);
  const lvs = logicalVolumes(ks);
  for (const vg of vgs) {
    if (vg.preexist || !vg.format) fail(ks, vg, `volgroup ${vg.vgname} --useexisting/--noformat: ksimage makes a new image, there is no existing volume group to use`, "drop --useexisting/--noformat and list the pv.* members");
    if (!LVM_NAME.test(vg.vgname) || vg.vgname === "." || vg.vgname === "..") fail(ks, vg, `volgroup ${vg.vgname}: not a valid LVM name (letters, digits, + _ . -, not starting with -)`);
    if (vg.pesize !== null) {
      const kib = vg.pesize / 1024;
      if (vg.pesize < 1024 || (kib & (kib - 1)) !== 0) fail(ks, vg, `volgroup ${vg.vgname} --pesize=${kib}: the extent size must be a power of two KiB`);
    }
    for (const pv of vg.physvols) {
      if (!ks.partitions.some((p) => p.mountpoint === pv)) fail(ks, vg, `volgroup ${vg.vgname}: no part line makes ${pv}`, `add e.g. part ${pv} --size=4096 --grow`);
      const other = vgs.find((o) => o !== vg && o.physvols.includes(pv));
      if (other) fail(ks, vg, `${pv} is a member of two volume groups (${other.vgname} and ${vg.vgname})`);
    }
  }
  const seen = new Set<string>();
  for (const lv of lvs) {
    const at = `logvol ${lv.mountpoint} --name=${lv.name}`;
    if (lv.preexist || !lv.format) fail(ks, lv, `${at} --useexisting/--noformat: ksimage makes a new image, there is no existing logical volume to use`, "give --size (or --percent) instead");
    if (lv.thinPool || lv.thinVolume) fail(ks, lv, `${at}: thin pools and thin volumes need device-mapper to initialise the pool's metadata, and ksimage does not make them`, "use ordinary (linear) logical volumes with --size/--grow");
    if (cacheAsked(ks, lv)) fail(ks, lv, `${at}: cache volumes (--cachesize/--cachemode/--cachepvs) need device-mapper's dm-cache, and ksimage does not make them`);
    if (lv.encrypted) fail(ks, lv, `${at} --encrypted: encryption needs dm-crypt (cryptsetup), which ksimage does not use; it never writes plaintext where encryption was asked`, "remove --encrypted to build an unencrypted volume");
    if (!vgs.some((v) => v.vgname === lv.vgname)) fail(ks, lv, `${at}: no volgroup ${lv.vgname} is defined`, `add e.g. volgroup ${lv.vgname} pv.01`);
    if (!LVM_NAME.test(lv.name) || /^(snapshot|pvmove)$/.test(lv.name)) fail(ks, lv, `${at}: "${lv.name}" is not a valid LV name`);
    const key = `${lv.vgname}/${lv.name}`;
    if (seen.has(key)) fail(ks, lv, `logical volume ${key} is defined twice`);
    seen.add(key);
    lvFstype(ks, lv);
  }
  return { vgs, lvs };
}

function cacheAsked(ks: Kickstart, lv: LogVolData): boolean {
  const raw = ((ks.other.logvol as { lvList?: Record<string, unknown>[] } | undefined)?.lvList ?? []).find((d) => d.lineno === lv.lineno && d.file === lv.file);
  return Boolean(raw && (raw.cache_size || raw.cache_mode || (raw.cache_pvs as string[] | undefined)?.length));
}

/** The filesystem type of an LV (swap for `logvol swap`); refuses what cannot live on an LV. */
export function lvFstype(ks: Kickstart, lv: LogVolData): FsType {
  if (lv.mountpoint === "swap" || lv.fstype === "swap") return "swap";
  if (lv.mountpoint !== "none" && !lv.mountpoint.startsWith("/")) fail(ks, lv, `logvol ${lv.mountpoint}: not a mount point (expected /path, swap or none)`);
  const fst = lv.fstype?.toLowerCase() ?? DEFAULT_FSTYPE;
  const t = LV_FSTYPES[fst];
  if (!t) fail(ks, lv, `logvol ${lv.mountpoint} --fstype=${fst}: ksimage makes ext2, ext3, ext4, xfs, btrfs or swap on logical volumes`);
  return t;
}

const extentBytesOf = (vg: VolGroupData): number => vg.pesize ?? DEFAULT_EXTENT_BYTES;
const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Extents kept free in a VG of TOTAL extents. */
function reservedExtents(vg: VolGroupData, total: number, extent: number): number {
  if (vg.reservedSpace !== null && vg.reservedSpace > 0) return ceilDiv(vg.reservedSpace, extent);
  if (vg.reservedPercent !== null) return ceilDiv(total * vg.reservedPercent, 100);
  return 0;
}

/** Base extents of one LV in a VG with USABLE extents; null for a --percent LV when USABLE is unknown. */
function baseExtents(lv: LogVolData, extent: number, usable: number, ramMiB: number): number {
  if (lv.size !== null) return ceilDiv(lv.size, extent);
  if (lv.percent !== null) return Math.floor((usable * lv.percent) / 100);
  if (lv.recommended || lv.hibernation) return ceilDiv(suggestSwapMiB(ramMiB, { hibernation: lv.hibernation }) * MiB, extent);
  return 1;
}

/** Extents the VG's LVs need at least, reserved space included (the PV partitions are sized to hold them). */
export function vgMinimumExtents(ks: Kickstart, vg: VolGroupData, lvs: LogVolData[], ramMiB: number): number {
  const extent = extentBytesOf(vg);
  const mine = lvs.filter((l) => l.vgname === vg.vgname);
  const percent = mine.reduce((s, l) => s + (l.percent ?? 0), 0) + (vg.reservedPercent ?? 0);
  if (percent > 100) fail(ks, mine.find((l) => l.percent !== null) ?? vg, `volume group ${vg.vgname}: --percent and --reserved-percent add up to ${percent}%, more than the whole group`);
  const fixed = mine.filter((l) => l.percent === null).reduce((s, l) => s + baseExtents(l, extent, 0, ramMiB), 0);
  let total = Math.max(1, fixed + mine.filter((l) => l.percent !== null).length);
  // Percent LVs and reserved percent grow with the total: step up until everything fits (a handful of steps).
  for (;;) {
    const usable = total - reservedExtents(vg, total, extent);
    const need = mine.reduce((s, l) => s + Math.max(baseExtents(l, extent, usable, ramMiB), 1), 0);
    if (need <= usable) return total;
    total += Math.max(1, Math.ceil((need - usable) / 2));
  }
}

/** MiB each pv.* partition needs so its VG holds its LVs (the lone PV, or the last growing one, takes the shortfall). */
export function pvMinimumMiB(ks: Kickstart, ramMiB: number): Map<string, number> {
  const { vgs, lvs } = lvmRequests(ks);
  const out = new Map<string, number>();
  for (const vg of vgs) {
    const extent = extentBytesOf(vg);
    const needExtents = vgMinimumExtents(ks, vg, lvs, ramMiB);
    const parts = vg.physvols.map((pv) => ks.partitions.find((p) => p.mountpoint === pv)!);
    const pvMiB = (extents: number) => ceilDiv(PE_START_BYTES + extents * extent, MiB);
    const have = parts.reduce((s, p) => s + (p.size === null ? 0 : Math.max(0, Math.floor((p.size - PE_START_BYTES) / extent))), 0);
    if (have >= needExtents) continue;
    const taker = [...parts].reverse().find((p) => p.grow) ?? parts[parts.length - 1]!;
    const takerHas = taker.size === null ? 0 : Math.max(0, Math.floor((taker.size - PE_START_BYTES) / extent));
    out.set(taker.mountpoint, pvMiB(takerHas + needExtents - have));
  }
  return out;
}

function physicalVolumes(ks: Kickstart, vg: VolGroupData, disks: DiskPlan[], extent: number): PhysicalVolumePlan[] {
  return vg.physvols.map((ksName) => {
    const disk = disks.find((d) => d.partitions.some((p) => p.ksName === ksName));
    const part = disk?.partitions.find((p) => p.ksName === ksName);
    if (!disk || !part) fail(ks, vg, `volgroup ${vg.vgname}: ${ksName} is not on any disk of the layout`);
    const extents = Math.floor((part.sizeBytes - PE_START_BYTES) / extent);
    if (extents < 1) fail(ks, vg, `volgroup ${vg.vgname}: ${ksName} (${part.sizeBytes / MiB} MiB) is too small for one ${extent / MiB} MiB extent`);
    return { ksName, disk: disk.name, partition: part.number, offsetBytes: part.startSector * SECTOR, sizeBytes: part.sizeBytes, peStartBytes: PE_START_BYTES, extents };
  });
}

/** Place LVs in order, each on the first PV with a contiguous run long enough; otherwise across PVs (needs device-mapper). */
function allocate(pvs: PhysicalVolumePlan[], sizes: number[]): { segments: LvSegment[][]; spanning: number[] } {
  const used = pvs.map(() => 0);
  const spanning: number[] = [];
  const segments = sizes.map((extents, i) => {
    const pv = pvs.findIndex((p, j) => p.extents - used[j]! >= extents);
    if (pv >= 0) {
      used[pv] = used[pv]! + extents;
      return [{ pv, firstExtent: used[pv]! - extents, extents }];
    }
    spanning.push(i);
    const segs: LvSegment[] = [];
    let left = extents;
    for (let j = 0; j < pvs.length && left > 0; j++) {
      const take = Math.min(left, pvs[j]!.extents - used[j]!);
      if (take <= 0) continue;
      segs.push({ pv: j, firstExtent: used[j]!, extents: take });
      used[j] = used[j]! + take;
      left -= take;
    }
    return segs;
  });
  return { segments, spanning };
}

/** Plan every volume group on the laid-out disks. Pure; FS is filled in by the filesystem planner. */
export function planVolumeGroups(ks: Kickstart, disks: DiskPlan[], ramMiB: number): { volumeGroups: VolumeGroupPlan[]; deviceMapperReasons: string[] } {
  const { vgs, lvs } = lvmRequests(ks);
  const reasons: string[] = [];
  const plans = vgs.map((vg): VolumeGroupPlan => {
    const extent = extentBytesOf(vg);
    const pvs = physicalVolumes(ks, vg, disks, extent);
    const total = pvs.reduce((s, p) => s + p.extents, 0);
    const reserved = reservedExtents(vg, total, extent);
    const usable = total - reserved;
    const mine = lvs.filter((l) => l.vgname === vg.vgname);
    const bases = mine.map((l) => baseExtents(l, extent, usable, ramMiB));
    mine.forEach((l, i) => {
      if (bases[i]! < 1) fail(ks, l, `logvol ${l.mountpoint} --name=${l.name}: ${l.percent}% of ${usable} extents is less than one extent`);
      if (l.maxsize !== null && l.maxsize < bases[i]! * extent) fail(ks, l, `logvol ${l.mountpoint} --name=${l.name}: --maxsize (${l.maxsize / MiB}) is smaller than its size (${(bases[i]! * extent) / MiB} MiB)`);
    });
    const need = bases.reduce((s, b) => s + b, 0);
    if (need > usable) {
      let sum = 0;
      const culprit = mine.find((_, i) => (sum += bases[i]!) > usable) ?? mine[mine.length - 1]!;
      fail(ks, culprit, `logical volumes of ${vg.vgname} do not fit: they need ${need} extents of ${extent / MiB} MiB, the group has ${usable}${reserved ? ` (${reserved} reserved)` : ""}`, "make the pv.* partitions larger (or the disk, with --disk-size), or the volumes smaller");
    }
    const sizes = growSizes(mine.map((l, i) => ({ baseMiB: bases[i]!, maxMiB: l.maxsize === null ? null : Math.floor(l.maxsize / extent), grow: l.grow })), usable - need);
    const { segments, spanning } = allocate(pvs, sizes);
    for (const i of spanning) reasons.push(`logical volume ${vg.vgname}/${mine[i]!.name} (${sizes[i]} extents) fits on no single PV of ${vg.vgname}, so its extents span PVs`);
    const planned = mine.map((l, i): LogicalVolumePlan => {
      const segs = segments[i]!;
      const first = segs[0]!;
      const pv = pvs[first.pv]!;
      const swap = lvFstype(ks, l) === "swap";
      return {
        name: l.name,
        vg: vg.vgname,
        ksName: l.mountpoint,
        mountpoint: swap || l.mountpoint === "none" ? null : l.mountpoint,
        role: swap ? "swap" : "filesystem",
        extents: sizes[i]!,
        sizeBytes: sizes[i]! * extent,
        segments: segs,
        offsetBytes: segs.length === 1 ? pv.offsetBytes + pv.peStartBytes + first.firstExtent * extent : null,
        disk: pv.disk,
        filesystem: null,
        source: { file: l.file, lineno: l.lineno },
      };
    });
    const usedExtents = sizes.reduce((s, n) => s + n, 0);
    return { name: vg.vgname, extentBytes: extent, pvs, extents: total, reservedExtents: reserved, freeExtents: total - usedExtents, lvs: planned, source: { file: vg.file, lineno: vg.lineno } };
  });
  return { volumeGroups: plans, deviceMapperReasons: reasons };
}

/** The LV holding MOUNTPOINT, if any. */
export function volumeAt(vgs: readonly VolumeGroupPlan[], mountpoint: string): LogicalVolumePlan | undefined {
  for (const vg of vgs) for (const lv of vg.lvs) if (lv.mountpoint === mountpoint) return lv;
  return undefined;
}

/** The device-mapper name of an LV, as /dev/mapper shows it (dashes in names doubled). */
export function mapperName(vg: string, lv: string): string {
  return `${vg.replace(/-/g, "--")}-${lv.replace(/-/g, "--")}`;
}
