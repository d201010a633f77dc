// Decide the firmware an image boots with from its layout (ESP, biosboot, label) or an explicit target, and say why.
import { PlanError } from "../../errors.js";
import { SECTOR, type DiskPlan, type PartitionPlan } from "../../partition/types.js";
import { EFI_REMOVABLE_PATH, type BiosTarget, type Firmware, type UefiTarget } from "./types.js";

/** The firmware decision: what gets boot code, and one sentence per reason. */
export interface FirmwareDecision {
  firmware: Firmware;
  bios: BiosTarget | null;
  uefi: UefiTarget | null;
  why: string[];
}

const BIOSBOOT_HINT = "add: part biosboot --fstype=biosboot --size=1";
const ESP_HINT = "add: part /boot/efi --fstype=efi --size=100";

const find = (disk: DiskPlan, role: PartitionPlan["role"]): PartitionPlan | undefined => disk.partitions.find((p) => p.role === role);

// The ESP: on the boot disk if it has one, else the first disk that has one (firmware scans every disk).
function findEsp(bootDisk: DiskPlan, disks: readonly DiskPlan[]): { disk: DiskPlan; part: PartitionPlan } | null {
  for (const disk of [bootDisk, ...disks.filter((d) => d !== bootDisk)]) {
    const part = find(disk, "esp");
    if (part) return { disk, part };
  }
  return null;
}

function uefiTarget(esp: { disk: DiskPlan; part: PartitionPlan }): UefiTarget {
  if (esp.part.filesystem?.fstype !== "vfat") {
    throw new PlanError(`the EFI system partition ${esp.part.number} of disk ${esp.disk.name} has no FAT filesystem`, undefined, ESP_HINT);
  }
  return { disk: esp.disk.name, partition: esp.part.number, offsetBytes: esp.part.startSector * SECTOR, path: EFI_REMOVABLE_PATH };
}

function biosTarget(disk: DiskPlan): BiosTarget | null {
  if (disk.label === "msdos") return { disk: disk.name, target: "mbr-gap", partition: null };
  const biosboot = find(disk, "biosboot");
  return biosboot ? { disk: disk.name, target: "biosboot", partition: biosboot.number } : null;
}

function biosWhere(bios: BiosTarget): string {
  return bios.target === "mbr-gap" ? `the MBR and the gap before the first partition of disk ${bios.disk}` : `the biosboot partition ${bios.partition} of disk ${bios.disk}`;
}

function espWhere(uefi: UefiTarget): string {
  return `${uefi.path} on the EFI system partition ${uefi.partition} of disk ${uefi.disk}`;
}

// What the layout asks for when no firmware is named: both when it can, else the one its partitions allow.
function fromLayout(disk: DiskPlan, bios: BiosTarget | null, uefi: UefiTarget | null): { firmware: Firmware; why: string } {
  if (disk.label === "msdos") {
    return uefi
      ? { firmware: "hybrid", why: `disk ${disk.name} is msdos and has an EFI system partition: GRUB goes in for BIOS and for UEFI (hybrid)` }
      : { firmware: "bios", why: `disk ${disk.name} is msdos without an EFI system partition: GRUB is installed for BIOS` };
  }
  if (bios && uefi) return { firmware: "hybrid", why: `disk ${disk.name} is gpt with a biosboot partition and an EFI system partition: hybrid, it boots with BIOS and with UEFI (the default for gpt)` };
  if (uefi) return { firmware: "uefi", why: `disk ${disk.name} is gpt with an EFI system partition but no biosboot partition: UEFI only (${BIOSBOOT_HINT} to boot with BIOS too)` };
  if (bios) return { firmware: "bios", why: `disk ${disk.name} is gpt with a biosboot partition but no EFI system partition: BIOS only (${ESP_HINT} to boot with UEFI too)` };
  throw new PlanError(
    `disk ${disk.name} is gpt but has neither a biosboot partition (for BIOS) nor an EFI system partition (for UEFI): nothing could boot it`,
    undefined,
    `${BIOSBOOT_HINT} and part /boot/efi --fstype=efi --size=100 (both: the image boots with BIOS and UEFI)`,
  );
}

/** Decide the firmware for BOOTDISK: the explicit target if given (checked against the layout), else the layout's. */
export function decideFirmware(bootDisk: DiskPlan, disks: readonly DiskPlan[], explicit?: Firmware): FirmwareDecision {
  const esp = findEsp(bootDisk, disks);
  const uefi = esp ? uefiTarget(esp) : null;
  const bios = biosTarget(bootDisk);
  let firmware: Firmware;
  const why: string[] = [];
  if (explicit === undefined) {
    const d = fromLayout(bootDisk, bios, uefi);
    firmware = d.firmware;
    why.push(d.why);
  } else {
    firmware = explicit;
    why.push(`the firmware target ${explicit} was asked for`);
    if (explicit !== "uefi" && bios === null) {
      throw new PlanError(`firmware ${explicit}: gpt disk ${bootDisk.name} has no biosboot partition for GRUB's BIOS core image`, undefined, BIOSBOOT_HINT);
    }
    if (explicit !== "bios" && uefi === null) {
      throw new PlanError(`firmware ${explicit}: no disk has an EFI system partition for ${EFI_REMOVABLE_PATH}`, undefined, ESP_HINT);
    }
  }
  const useBios = firmware !== "uefi" ? bios : null;
  const useUefi = firmware !== "bios" ? uefi : null;
  if (useBios) why.push(`BIOS: GRUB's boot code (grub-install --target=i386-pc) goes into ${biosWhere(useBios)}`);
  if (useUefi) why.push(`UEFI: a GRUB image (grub-mkimage -O x86_64-efi) is written as ${espWhere(useUefi)} with mtools, the removable path, so no NVRAM entry is needed`);
  return { firmware, bios: useBios, uefi: useUefi, why };
}
