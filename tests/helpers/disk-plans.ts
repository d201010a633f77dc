// Hand-built disk plans for the argv tests of the execution steps: exact, and independent of the layout planner.
import type { DiskPlan, FilesystemPlan, PartitionPlan } from "../../src/partition/types.js";

const MiB_SECTORS = 2048;

/** A filesystem plan with fixed UUID and label unless overridden. */
export function fsPlan(over: Partial<FilesystemPlan> & Pick<FilesystemPlan, "fstype">): FilesystemPlan {
  return { uuid: "11111111-2222-4333-8444-555555555555", label: null, mkfsOptions: [], fsoptions: "defaults", subvolumes: [], ...over };
}

/** One partition of `mib` MiB starting at `start` sectors. */
export function part(number: number, start: number, mib: number, over: Partial<PartitionPlan> = {}): PartitionPlan {
  const sizeSectors = mib * MiB_SECTORS;
  return {
    number,
    kind: "primary",
    startSector: start,
    endSector: start + sizeSectors - 1,
    sizeSectors,
    sizeBytes: sizeSectors * 512,
    role: "filesystem",
    mountpoint: null,
    ksName: `p${number}`,
    typeGuid: null,
    msdosType: "83",
    flags: [],
    gptName: null,
    filesystem: null,
    source: null,
    ...over,
  };
}

/** msdos: /boot, /, swap, then an extended partition holding two logical ones (numbers 5 and 6). */
export function msdosDisk(): DiskPlan {
  return {
    name: "sda",
    label: "msdos",
    sizeBytes: 64 * 2 ** 20,
    sizeSectors: 64 * MiB_SECTORS,
    partitions: [
      part(1, 2048, 8, { mountpoint: "/boot", flags: ["boot"], filesystem: fsPlan({ fstype: "ext4", label: "boot" }) }),
      part(2, 18432, 16, { mountpoint: "/", filesystem: fsPlan({ fstype: "ext4", label: "root" }) }),
      part(3, 51200, 4, { role: "swap", msdosType: "82", filesystem: fsPlan({ fstype: "swap" }) }),
      part(4, 59392, 7, { kind: "extended", role: "extended", msdosType: "0f" }),
      part(5, 61440, 4, { kind: "logical", mountpoint: "/var", filesystem: fsPlan({ fstype: "ext4" }) }),
      part(6, 71680, 1, { kind: "logical", mountpoint: "/srv" }),
    ],
  };
}

/** gpt: BIOS boot, ESP, and / with the x86-64 root type. */
export function gptDisk(): DiskPlan {
  return {
    name: "sdb",
    label: "gpt",
    sizeBytes: 128 * 2 ** 20,
    sizeSectors: 128 * MiB_SECTORS,
    partitions: [
      part(1, 2048, 1, { role: "biosboot", typeGuid: "21686148-6449-6E6F-744E-656564454649", msdosType: null, flags: ["bios_grub"], gptName: "BIOS boot" }),
      part(2, 4096, 40, {
        role: "esp",
        mountpoint: "/boot/efi",
        typeGuid: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
        msdosType: null,
        flags: ["esp"],
        gptName: "EFI System Partition",
        filesystem: fsPlan({ fstype: "vfat", uuid: "ABCD-12EF", label: "ESP" }),
      }),
      part(3, 86016, 80, {
        mountpoint: "/",
        typeGuid: "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
        msdosType: null,
        gptName: "root",
        filesystem: fsPlan({ fstype: "xfs", label: "root" }),
      }),
    ],
  };
}
