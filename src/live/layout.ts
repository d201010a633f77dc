// What a live ISO puts in place of the disk layout and the disk boot loader: nothing to partition, GRUB on the ISO instead.
import { noBootloader } from "../installer/bootloader/plan.js";
import type { BootloaderPlan } from "../installer/bootloader/types.js";
import type { LayoutPlan } from "../partition/types.js";
import type { LivePlan } from "./types.js";

// No disks, no mounts; /etc/fstab has no device lines (live-boot and dmsquash-live mount / themselves).
export function liveLayout(): LayoutPlan {
  return { disks: [], mounts: [], fstab: [], volumeGroups: [], needsDeviceMapper: false, deviceMapperReasons: [], warnings: [] };
}

// No boot loader goes into the tree: the ISO carries GRUB for BIOS and UEFI.
export function liveBootloader(live: LivePlan): BootloaderPlan {
  return noBootloader("live ISO: no boot loader in the tree; GRUB on the ISO boots it under BIOS and UEFI (see the ISO layout)", {
    kernelArgs: live.kernelArgs,
    timeout: live.timeout,
    serial: live.serial,
  });
}
