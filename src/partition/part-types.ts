// Decide what each kickstart partition is: its role, filesystem type, type GUID / msdos code and flags.
import type { Partition } from "../kickstart/model.js";
import type { FsType, LabelType, PartitionRole } from "./types.js";

/** GPT partition type GUIDs (UEFI spec and the Discoverable Partitions Specification for x86-64). */
export const GPT_TYPES = {
  linux: "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
  rootX86_64: "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
  home: "933AC7E1-2EB4-4F13-B844-0E14E2AEF915",
  srv: "3B8F8425-20E0-4F3B-907F-1A25A76F98E8",
  var: "4D21B016-B534-45C2-A9FB-5C16E091FD2D",
  varTmp: "7EC6F557-3BC5-4ACA-B293-16EF5DF639D1",
  swap: "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
  esp: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
  biosboot: "21686148-6449-6E6F-744E-656564454649",
  prep: "9E1A2D38-C612-4316-AA26-8B49521E5A8B",
  lvm: "E6D6D379-F507-44C2-A23C-238F2A3DF928",
  raid: "A19D880F-05FC-4D3B-A006-743F0F84911E",
  msBasicData: "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
} as const;

/** msdos partition type bytes. */
export const MSDOS_TYPES = {
  linux: "83",
  swap: "82",
  esp: "ef",
  prep: "41",
  lvm: "8e",
  raid: "fd",
  fat32: "0c",
  extended: "0f",
} as const;

/** Filesystem types ksimage can make, with the kickstart spellings that mean them. */
const FS_ALIASES: Record<string, FsType> = {
  ext2: "ext2",
  ext3: "ext3",
  ext4: "ext4",
  xfs: "xfs",
  btrfs: "btrfs",
  vfat: "vfat",
  efi: "vfat",
  swap: "swap",
};

/** The filesystem ksimage makes when a kickstart gives no --fstype. */
export const DEFAULT_FSTYPE: FsType = "ext4";

export interface PartitionKind {
  role: PartitionRole;
  fstype: FsType | null;
  mountpoint: string | null;
}

/** Classify one `part` line; returns an error message for what cannot be built. */
export function classifyPartition(p: Partition): PartitionKind | { error: string } {
  const mp = p.mountpoint;
  const fst = p.fstype?.toLowerCase() ?? null;
  if (mp === "swap" || fst === "swap") return { role: "swap", fstype: "swap", mountpoint: null };
  if (mp === "biosboot" || fst === "biosboot") return { role: "biosboot", fstype: null, mountpoint: null };
  if (mp === "prepboot" || fst === "prepboot") return { role: "prepboot", fstype: null, mountpoint: null };
  if (mp.startsWith("pv.")) return { role: "lvm-pv", fstype: null, mountpoint: null };
  if (mp.startsWith("raid.")) return { role: "raid-member", fstype: null, mountpoint: null };
  if (mp.startsWith("btrfs.")) return { role: "btrfs-member", fstype: "btrfs", mountpoint: null };
  if (mp === "/boot/efi" || fst === "efi") {
    if (fst && fst !== "efi" && fst !== "vfat") return { error: `an EFI system partition must be FAT (vfat), not ${fst}` };
    return { role: "esp", fstype: "vfat", mountpoint: mp === "none" ? null : mp };
  }
  if (mp !== "none" && !mp.startsWith("/")) return { error: `"${mp}" is not a mount point (expected /path, swap, biosboot, prepboot, pv.*, raid.* or btrfs.*)` };
  const fstype = fst === null ? DEFAULT_FSTYPE : FS_ALIASES[fst];
  if (!fstype) return { error: `filesystem type "${fst}" is not supported (use ext2, ext3, ext4, xfs, btrfs, vfat, efi or swap)` };
  return { role: "filesystem", fstype, mountpoint: mp === "none" ? null : mp };
}

/** The type GUID (gpt) or type byte (msdos) for a partition. */
export function partitionType(label: LabelType, kind: PartitionKind): { typeGuid: string | null; msdosType: string | null } {
  const gpt = (): string => {
    switch (kind.role) {
      case "swap":
        return GPT_TYPES.swap;
      case "esp":
        return GPT_TYPES.esp;
      case "biosboot":
        return GPT_TYPES.biosboot;
      case "prepboot":
        return GPT_TYPES.prep;
      case "lvm-pv":
        return GPT_TYPES.lvm;
      case "raid-member":
        return GPT_TYPES.raid;
      default:
        if (kind.fstype === "vfat") return GPT_TYPES.msBasicData;
        switch (kind.mountpoint) {
          case "/":
            return GPT_TYPES.rootX86_64;
          case "/home":
            return GPT_TYPES.home;
          case "/srv":
            return GPT_TYPES.srv;
          case "/var":
            return GPT_TYPES.var;
          case "/var/tmp":
            return GPT_TYPES.varTmp;
          default:
            return GPT_TYPES.linux;
        }
    }
  };
  const msdos = (): string => {
    switch (kind.role) {
      case "swap":
        return MSDOS_TYPES.swap;
      case "esp":
        return MSDOS_TYPES.esp;
      case "prepboot":
        return MSDOS_TYPES.prep;
      case "lvm-pv":
        return MSDOS_TYPES.lvm;
      case "raid-member":
        return MSDOS_TYPES.raid;
      default:
        return kind.fstype === "vfat" ? MSDOS_TYPES.fat32 : MSDOS_TYPES.linux;
    }
  };
  return label === "gpt" ? { typeGuid: gpt(), msdosType: null } : { typeGuid: null, msdosType: msdos() };
}

/** parted flags for a partition (the type itself is set with parted's `type` command). */
export function partitionFlags(label: LabelType, kind: PartitionKind): string[] {
  switch (kind.role) {
    case "esp":
      return ["esp"];
    case "biosboot":
      return label === "gpt" ? ["bios_grub"] : [];
    case "prepboot":
      return ["prep"];
    case "lvm-pv":
      return ["lvm"];
    case "raid-member":
      return ["raid"];
    default:
      return [];
  }
}

/** Default size in MiB for partitions that may omit --size (Anaconda's defaults). */
export function defaultSizeMiB(kind: PartitionKind): number | null {
  if (kind.role === "biosboot") return 1;
  if (kind.role === "prepboot") return 4;
  if (kind.role === "esp") return 500;
  return null;
}
