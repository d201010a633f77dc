// The host tools the boot loader step may run for a plan, and why (for the build's preflight check).
import type { BootloaderPlan } from "./types.js";

/** A host tool and the reason the boot loader step runs it. */
export interface BootloaderToolNeed {
  tool: string;
  reason: string;
}

/**
 * Host tools for PLAN. The guest's own GRUB is preferred at install time, but whether the image has one is only
 * known after the install, so the host's fallbacks are listed too.
 */
export function bootloaderTools(plan: BootloaderPlan, opts: { plainPassword?: boolean } = {}): BootloaderToolNeed[] {
  if (plan.loader === "none") return [];
  // The image's own boot loader tools run in the guest session, whose tools the build lists once.
  const needs: BootloaderToolNeed[] = [];
  if (plan.loader === "extlinux") {
    if (plan.bios) needs.push({ tool: "dd", reason: "write syslinux's MBR boot code" });
    return needs;
  }
  if (plan.bios) needs.push({ tool: "grub-install", reason: "install GRUB for BIOS when the image has no grub-install of its own" });
  if (plan.uefi) {
    needs.push({ tool: "grub-mkimage", reason: "make the UEFI GRUB image when the image has no grub-mkimage of its own" });
    needs.push({ tool: "mdir", reason: "look into the EFI system partition without mounting it" });
    needs.push({ tool: "mmd", reason: "make EFI/BOOT on the EFI system partition without mounting it" });
    needs.push({ tool: "mcopy", reason: `copy ${plan.uefi.path} onto the EFI system partition without mounting it` });
  }
  if (plan.password && !plan.password.hashed && opts.plainPassword !== false) {
    needs.push({ tool: "grub-mkpasswd-pbkdf2", reason: "hash the boot loader password" });
  }
  return needs;
}
