// autopart and reqpart as Anaconda lays them out: the platform's partitions, /boot, /, /home and swap, as part/volgroup/logvol/btrfs lines.
import { PlanError } from "../errors.js";
import { autoPartitioning, type AutoPartData } from "../kickstart/commands/autopart.js";
import { requiredPartitions } from "../kickstart/commands/reqpart.js";
import { MiB, type Kickstart, type Partition } from "../kickstart/model.js";
import { suggestSwapMiB } from "./swap-size.js";
import type { LabelType } from "./types.js";

/** The firmware the image boots with (the boot loader plan's vocabulary). */
export type Platform = "bios" | "uefi" | "hybrid";

export interface AutoLayoutOptions {
  /** What the image must boot with; default hybrid (biosboot and an ESP on gpt). */
  firmware?: Platform;
  memoryMiB: number;
  diskSizes?: Record<string, number>;
  diskLabels?: Record<string, LabelType>;
  /** The appliance name: autopart's volume group and btrfs volume are named after it (Anaconda names them after the product). */
  applianceName?: string;
}

/** Anaconda's sizes (pyanaconda platform.py and the product's default_partitioning). */
export const AUTO = {
  biosbootMiB: 1,
  espMiB: 500,
  espMaxMiB: 600,
  bootMiB: 1024,
  rootMiB: 1024,
  rootMaxMiB: 70 * 1024,
  homeMiB: 500,
  /** /home is only made when the disks have this much space (its `free 50 GiB`). */
  homeNeedsMiB: 50 * 1024,
} as const;

type At = { file: string; lineno: number };

function fail(ks: Kickstart, at: At, message: string, hint?: string): never {
  throw new PlanError(message, { file: at.file, line: at.lineno, includeStack: [ks.file] }, hint);
}

function part(at: At, mountpoint: string, over: Partial<Partition>): Partition {
  return {
    file: at.file, lineno: at.lineno, mountpoint, fstype: null, size: null, grow: false, maxsize: null, recommended: false, ondisk: null,
    onpart: null, onbiosdisk: null, asprimary: false, label: null, fsoptions: null, mkfsoptions: null, fsprofile: null, format: true,
    resize: false, hibernation: false, encrypted: false, passphrase: null, luksVersion: null, cipher: null, ...over,
  };
}

/** The disk autopart and reqpart use: the first of ignoredisk --only-use or clearpart --drives, else sda. */
function targetDisk(ks: Kickstart): string {
  const only = (ks.other.ignoredisk as { onlyuse?: string[] } | undefined)?.onlyuse ?? [];
  const drives = (ks.other.clearpart as { drives?: string[] } | undefined)?.drives ?? [];
  return only[0] ?? drives[0] ?? "sda";
}

function labelOf(ks: Kickstart, disk: string, opts: AutoLayoutOptions): LabelType {
  const cp = (ks.other.clearpart as { disklabel?: string | null } | undefined)?.disklabel;
  return opts.diskLabels?.[disk] ?? (cp === "msdos" ? "msdos" : "gpt");
}

/** The platform's partitions from the firmware: biosboot on gpt for BIOS, an ESP for UEFI (both for hybrid). */
export function platformPartitions(at: At, disk: string, label: LabelType, firmware: Platform): Partition[] {
  const out: Partition[] = [];
  if (firmware !== "uefi" && label === "gpt") out.push(part(at, "biosboot", { fstype: "biosboot", size: AUTO.biosbootMiB * MiB, ondisk: disk }));
  if (firmware !== "bios") out.push(part(at, "/boot/efi", { fstype: "efi", size: AUTO.espMiB * MiB, maxsize: AUTO.espMaxMiB * MiB, grow: true, ondisk: disk }));
  return out;
}

function checkAutopart(ks: Kickstart, ap: AutoPartData): void {
  if (ks.partitions.length > 0) fail(ks, ks.partitions[0]!, "part lines and autopart cannot be used together", "remove autopart, or the part lines");
  if (ap.encrypted || ap.hwPassphrase) {
    fail(ks, ap, "autopart --encrypted: encryption needs dm-crypt (cryptsetup), which this build does not use; ksimage never writes plaintext where encryption was asked", "remove --encrypted (and its passphrase options)");
  }
  if (ap.type === "thinp") fail(ks, ap, "autopart --type=thinp: thin pools need device-mapper to initialise their metadata, and ksimage does not make them", "use --type=lvm (the default), plain or btrfs");
  if (ap.fstype && !["ext2", "ext3", "ext4", "xfs"].includes(ap.fstype)) fail(ks, ap, `autopart --fstype=${ap.fstype}: ksimage makes ext2, ext3, ext4 or xfs here`);
}

/** The kickstart with autopart or reqpart written out as the part/volgroup/logvol/btrfs lines Anaconda would make. */
export function expandAutomaticPartitioning(ks: Kickstart, opts: AutoLayoutOptions): Kickstart {
  const ap = autoPartitioning(ks);
  const rp = requiredPartitions(ks);
  if (!ap && !rp) return ks;
  const firmware = opts.firmware ?? "hybrid";
  const disk = targetDisk(ks);
  const label = labelOf(ks, disk, opts);
  if (rp) {
    // reqpart: only what the platform needs (and /boot with --add-boot), before the kickstart's own part lines.
    const extra = platformPartitions(rp, disk, label, firmware);
    if (rp.addBoot) extra.push(part(rp, "/boot", { size: AUTO.bootMiB * MiB, ondisk: disk }));
    const mine = extra.filter((p) => !ks.partitions.some((q) => q.mountpoint === p.mountpoint || (q.fstype && q.fstype === p.fstype)));
    return { ...ks, partitions: [...mine, ...ks.partitions] };
  }
  checkAutopart(ks, ap!);
  return autopartLayout(ks, ap!, { disk, label, firmware, opts });
}

function autopartLayout(ks: Kickstart, ap: AutoPartData, c: { disk: string; label: LabelType; firmware: Platform; opts: AutoLayoutOptions }): Kickstart {
  const at = { file: ap.file, lineno: ap.lineno };
  const type = ap.type ?? "lvm";
  const fstype = ap.fstype ?? "ext4";
  const diskMiB = c.opts.diskSizes?.[c.disk] === undefined ? undefined : c.opts.diskSizes[c.disk]! / MiB;
  const home = !ap.nohome && diskMiB !== undefined && diskMiB >= AUTO.homeNeedsMiB;
  const swapMiB = ap.noswap && !ap.hibernation ? 0 : suggestSwapMiB(c.opts.memoryMiB, { hibernation: ap.hibernation, ...(diskMiB !== undefined ? { diskMiB } : {}) });
  const partitions = platformPartitions(at, c.disk, c.label, c.firmware);
  if (!ap.noboot) partitions.push(part(at, "/boot", { fstype: type === "btrfs" ? "ext4" : fstype, size: AUTO.bootMiB * MiB, ondisk: c.disk }));
  const name = containerName(ks, c.opts.applianceName);
  const other = { ...ks.other };
  if (type === "plain") {
    partitions.push(part(at, "/", { fstype, size: AUTO.rootMiB * MiB, maxsize: AUTO.rootMaxMiB * MiB, grow: true, ondisk: c.disk }));
    if (home) partitions.push(part(at, "/home", { fstype, size: AUTO.homeMiB * MiB, grow: true, ondisk: c.disk }));
    if (swapMiB) partitions.push(part(at, "swap", { fstype: "swap", size: swapMiB * MiB, ondisk: c.disk }));
  } else if (type === "lvm") {
    // The implicit PV grows over the rest of the disk; the planner sizes it to hold the LVs when the disk size is not given.
    partitions.push(part(at, "pv.autopart", { size: MiB, grow: true, ondisk: c.disk }));
    other.volgroup = { vgList: [{ file: at.file, lineno: at.lineno, vgname: name, physvols: ["pv.autopart"], format: true, preexist: false, pesize: 0, reserved_space: null, reserved_percent: null }] };
    const lv = (mountpoint: string, lvName: string, size: number, extra: Record<string, unknown> = {}) => ({
      file: at.file, lineno: at.lineno, mountpoint, name: lvName, vgname: name, fstype: mountpoint === "swap" ? "swap" : fstype, size, grow: false,
      maxSizeMB: 0, percent: 0, recommended: false, hibernation: false, format: true, preexist: false, label: "", fsopts: "", mkfsopts: "",
      encrypted: false, passphrase: "", thin_pool: false, thin_volume: false, pool_name: "", ...extra,
    });
    other.logvol = {
      lvList: [
        lv("/", "root", AUTO.rootMiB, { grow: true, maxSizeMB: AUTO.rootMaxMiB }),
        ...(home ? [lv("/home", "home", AUTO.homeMiB, { grow: true })] : []),
        ...(swapMiB ? [lv("swap", "swap", swapMiB)] : []),
      ],
    };
  } else {
    // btrfs: one volume over the implicit partition, / and /home as subvolumes; swap stays a partition.
    if (swapMiB) partitions.push(part(at, "swap", { fstype: "swap", size: swapMiB * MiB, ondisk: c.disk }));
    partitions.push(part(at, "btrfs.autopart", { fstype: "btrfs", size: (AUTO.rootMiB + (home ? AUTO.homeMiB : 0)) * MiB, grow: true, ondisk: c.disk }));
    const vol = { lineno: at.lineno, mountpoint: "none", name: null, label: name, subvol: false, devices: ["btrfs.autopart"], mkfsopts: null };
    const sub = (mountpoint: string, subName: string) => ({ lineno: at.lineno, mountpoint, name: subName, label: null, subvol: true, devices: [`LABEL=${name}`], mkfsopts: null });
    other.btrfs = { btrfsList: [vol, sub("/", "root"), ...(home ? [sub("/home", "home")] : [])] };
  }
  return { ...ks, partitions, other };
}

/** Anaconda's container name: the product (here the appliance) and the host name, in characters LVM and btrfs labels accept. */
export function containerName(ks: Kickstart, applianceName = "ksimage"): string {
  const host = ks.network.map((n) => n.hostname).find((h): h is string => typeof h === "string" && h.length > 0 && h !== "localhost.localdomain");
  const base = (host ? `${applianceName}_${host.split(".")[0]}` : applianceName).replace(/[^A-Za-z0-9+_.-]/g, "_").replace(/^-+/, "");
  return base.slice(0, 64) || "ksimage";
}
