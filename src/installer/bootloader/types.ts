// The boot loader half of the build plan: which loader, for which firmware, where each piece goes, and why.
import type { FsType } from "../../partition/types.js";

/** The firmware an image is made bootable for; hybrid means both BIOS and UEFI. */
export type Firmware = "bios" | "uefi" | "hybrid";

/** The UEFI removable-media path: firmware boots it without an NVRAM entry. */
export const EFI_REMOVABLE_PATH = "EFI/BOOT/BOOTX64.EFI";

/** A filesystem the boot loader reads, named by UUID (never by a loop or mapper path). */
export interface BootFilesystem {
  disk: string;
  partition: number;
  uuid: string;
  fstype: FsType;
  /** btrfs subvolume the mount point lives in, or null. */
  subvol: string | null;
  /** The LVM logical volume holding it (the initramfs activates it; GRUB reads it with its lvm module), or null. */
  volume: { vg: string; lv: string } | null;
}

/** The serial console named by `console=ttyS<unit>,<speed><parity><bits>` in --append. */
export interface SerialConsole {
  unit: number;
  speed: number;
  parity: "no" | "odd" | "even";
  word: number;
}

/** GRUB's boot code for BIOS: in the gap after the MBR (msdos) or in the biosboot partition (gpt). */
export interface BiosTarget {
  disk: string;
  target: "mbr-gap" | "biosboot";
  /** The biosboot partition number on gpt; null for the msdos gap. */
  partition: number | null;
}

/** The EFI system partition that gets EFI/BOOT/BOOTX64.EFI. */
export interface UefiTarget {
  disk: string;
  partition: number;
  /** Where the ESP starts in the raw disk file (mtools addresses it as FILE@@OFFSET). */
  offsetBytes: number;
  path: typeof EFI_REMOVABLE_PATH;
}

/** Everything about the boot loader, decided before a disk is touched. Holds no secret. */
export interface BootloaderPlan {
  loader: "grub2" | "extlinux" | "none";
  /** null when no loader is installed. */
  firmware: Firmware | null;
  /** The disk the firmware boots from. */
  disk: string | null;
  bios: BiosTarget | null;
  uefi: UefiTarget | null;
  /** The filesystem holding /boot (the root filesystem when /boot is not separate). */
  boot: BootFilesystem | null;
  /** The root filesystem, for root=UUID=. */
  root: BootFilesystem | null;
  /** /boot is its own filesystem: kernel paths are relative to it ("/vmlinuz-..." instead of "/boot/vmlinuz-..."). */
  separateBoot: boolean;
  /** Kernel arguments from --append, in order. */
  kernelArgs: string[];
  timeout: number | null;
  defaultEntry: string | null;
  serial: SerialConsole | null;
  /** A boot loader password is set (--password); whether it is already a hash (--iscrypted). */
  password: { hashed: boolean } | null;
  /** What will be installed and why, one sentence each, most important first. */
  why: string[];
  warnings: string[];
}
