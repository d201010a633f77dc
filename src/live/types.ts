// The live ISO half of the build plan: where every piece goes in the ISO, how the live system finds its root, the label.
import type { SerialConsole } from "../installer/bootloader/types.js";
import type { SquashfsCodec } from "./squashfs.js";

/** How the initramfs of the guest finds and mounts the squashfs. */
export type LiveBoot = "live-boot" | "dmsquash-live";

/** Everything about the ISO, decided before anything is installed. */
export interface LivePlan {
  /** The finished ISO: <outdir>/<name>/<name>.iso (written as .partial, then renamed). */
  iso: string;
  /** ISO 9660 volume label (-n/--fslabel), checked against the standard at plan time. */
  label: string;
  /** Title of the boot menu entries (livecd-creator's --title). */
  title: string;
  codec: SquashfsCodec;
  boot: LiveBoot;
  /** Paths inside the ISO, without a leading slash. */
  kernel: string;
  initrd: string;
  squashfs: string;
  grubCfg: string;
  /** BIOS El Torito boot image (GRUB's i386-pc-eltorito core image). */
  eltorito: string;
  /** El Torito boot catalogue. */
  catalog: string;
  /** The FAT image with EFI/BOOT/BOOTX64.EFI: appended to the ISO as GPT partition 2 and named by the UEFI El Torito entry. */
  efiImage: string;
  /** Kernel command line of the live entries: the live-boot arguments, then bootloader --append. */
  kernelArgs: string[];
  /** The serial console --append names (the menu goes there too), or null. */
  serial: SerialConsole | null;
  timeout: number;
  /** SOURCE_DATE_EPOCH when set: squashfs and ISO times. */
  epoch: number | null;
  /** Sentences for `ksimage plan`: what the ISO is made of and what of the kickstart it ignores. */
  notes: string[];
  warnings: string[];
}
