// Find the GRUB tools and modules the installed tree brings (Debian's grub-* or the Fedora family's grub2-*).
import { existsSync } from "node:fs";
import path from "node:path";

/** The GRUB pieces inside the guest tree; paths are as seen from inside the guest (for chroot). */
export interface GuestGrub {
  /** "grub2" on the Fedora family (grub2-* tools, /boot/grub2), "grub" otherwise. */
  flavour: "grub" | "grub2";
  install: string | null;
  mkconfig: string | null;
  mkimage: string | null;
  /** The guest has GRUB's BIOS modules (grub-pc-bin / grub2-pc-modules). */
  biosModules: boolean;
  /** The guest has GRUB's x86_64 UEFI modules (grub-efi-amd64-bin / grub2-efi-x64-modules). */
  efiModules: boolean;
  /** The guest has syslinux's extlinux. */
  extlinux: string | null;
}

/** Where GRUB's platform modules live in a tree, below its root. */
export const GRUB_MODULE_DIRS = { bios: "usr/lib/grub/i386-pc", efi: "usr/lib/grub/x86_64-efi" } as const;

const BIN_DIRS = ["usr/sbin", "usr/bin", "sbin", "bin"];

// The first of NAMES found in the guest's binary directories, as an absolute path inside the guest.
function findTool(root: string, names: readonly string[]): string | null {
  for (const name of names) {
    for (const dir of BIN_DIRS) {
      if (existsSync(path.join(root, dir, name))) return `/${dir}/${name}`;
    }
  }
  return null;
}

/** Look at the installed tree under ROOT for its own GRUB. Reads files only. */
export function probeGuestGrub(root: string): GuestGrub {
  const grub2 = findTool(root, ["grub2-mkconfig", "grub2-install", "grub2-mkimage"]) !== null;
  const names = (tool: string) => (grub2 ? [`grub2-${tool}`, `grub-${tool}`] : [`grub-${tool}`]);
  return {
    flavour: grub2 ? "grub2" : "grub",
    install: findTool(root, names("install")),
    mkconfig: findTool(root, names("mkconfig")),
    mkimage: findTool(root, names("mkimage")),
    biosModules: existsSync(path.join(root, GRUB_MODULE_DIRS.bios, "kernel.img")),
    efiModules: existsSync(path.join(root, GRUB_MODULE_DIRS.efi, "kernel.img")),
    extlinux: findTool(root, ["extlinux"]),
  };
}
