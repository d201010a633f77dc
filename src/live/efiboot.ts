// The FAT image UEFI boots from (El Torito and GPT partition 2): made with mkfs.vfat and filled with mtools, never mounted.

/** Size of the FAT image: BOOTX64.EFI is under 2 MiB; FAT12 needs no more than this. */
export const EFIBOOT_KIB = 4096;

// mkfs.vfat creating the image file itself (-C), with a fixed volume id so the same inputs give the same bytes.
export function mkfsEfibootArgs(img: string, volumeId: string): string[] {
  return ["mkfs.vfat", "-C", "-n", "EFIBOOT", "-i", volumeId, img, String(EFIBOOT_KIB)];
}

// mmd: the removable-media directory.
export function mmdEfiArgs(img: string): string[] {
  return ["mmd", "-i", img, "::/EFI", "::/EFI/BOOT"];
}

// mcopy: the loader to EFI/BOOT/BOOTX64.EFI.
export function mcopyEfiArgs(img: string, loader: string): string[] {
  return ["mcopy", "-i", img, loader, "::/EFI/BOOT/BOOTX64.EFI"];
}

// An 8-hex-digit FAT volume id derived from the label (stable across builds of the same ISO).
export function fatVolumeId(label: string): string {
  let h = 0x811c9dc5;
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}
