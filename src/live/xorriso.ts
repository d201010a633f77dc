// The xorriso argv that writes the hybrid ISO: El Torito for BIOS (GRUB) and UEFI (the FAT image), an MBR and a GPT for USB sticks.
import { GRUB_HYBRID_MBR } from "./grub.js";
import type { LivePlan } from "./types.js";

/** GPT type of an EFI system partition (xorriso's byte order), and of the ISO's own partition (basic data). */
const ESP_GPT_TYPE = "28732ac11ff8d211ba4b00a0c93ec93b";
const ISO_GPT_TYPE = "a2a0d0ebe5b9334487c068b6b72699c7";

// ISO 9660 creation times from SOURCE_DATE_EPOCH: xorriso's --modification-date format YYYYMMDDhhmmsscc.
export function isoDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/[-:T]/g, "").slice(0, 14) + "00";
}

// Write STAGING (the ISO tree) and EFIIMG into OUT, the Ubuntu/Debian hybrid layout, as xorriso's mkisofs emulation takes it.
export function xorrisoArgs(plan: LivePlan, staging: string, efiImg: string, out: string): string[] {
  const dates = plan.epoch === null ? [] : [`--modification-date=${isoDate(plan.epoch)}`];
  return [
    "xorriso",
    "-as",
    "mkisofs",
    "-iso-level",
    "3",
    "-full-iso9660-filenames",
    "-rational-rock",
    "-volid",
    plan.label,
    ...dates,
    "--grub2-mbr",
    GRUB_HYBRID_MBR,
    "-partition_offset",
    "16",
    "--mbr-force-bootable",
    "-append_partition",
    "2",
    ESP_GPT_TYPE,
    efiImg,
    "-appended_part_as_gpt",
    "-iso_mbr_part_type",
    ISO_GPT_TYPE,
    "-c",
    `/${plan.catalog}`,
    "-b",
    `/${plan.eltorito}`,
    "-no-emul-boot",
    "-boot-load-size",
    "4",
    "-boot-info-table",
    "--grub2-boot-info",
    "-eltorito-alt-boot",
    "-e",
    "--interval:appended_partition_2:::",
    "-no-emul-boot",
    "-o",
    out,
    staging,
  ];
}
