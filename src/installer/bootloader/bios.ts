// GRUB for BIOS: grub-install --target=i386-pc onto the whole-disk loop device (MBR gap or biosboot partition).
import path from "node:path";
import { run } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";
import { GRUB_FS_MODULE } from "./grub-cfg.js";
import { GRUB_MODULE_DIRS, type GuestGrub } from "./guest-grub.js";
import type { BiosTarget, BootFilesystem } from "./types.js";

/** Whose grub-install runs: the guest's in the guest session, or the host's writing into ROOT/boot. */
export type GrubInstaller = { kind: "guest"; command: string } | { kind: "host"; modules: "guest" | "host" };

/** The guest's grub-install when it has both the tool and the BIOS modules; else the host's (with the guest's modules if any). */
export function chooseBiosInstaller(guest: GuestGrub): GrubInstaller {
  if (guest.install !== null && guest.biosModules) return { kind: "guest", command: guest.install };
  return { kind: "host", modules: guest.biosModules ? "guest" : "host" };
}

/**
 * Modules grub-install must put into the core image because it cannot find them itself: none for a partition; for /boot
 * in a logical volume, lvm and the partition maps that lead to its PV, and the filesystem. grub-install probes only the
 * loop device at the LV's extents, which has no partition table, so without part_gpt/part_msdos GRUB saw just (hd0),
 * its lvm module found no PV and the core image stopped at "grub rescue>" (no such device: the /boot UUID).
 */
export function biosCoreModules(boot: BootFilesystem | null): string[] {
  if (!boot?.volume) return [];
  return ["lvm", "part_gpt", "part_msdos", GRUB_FS_MODULE[boot.fstype]];
}

/** The grub-install argv for DEVICE (the whole disk): as the guest runs it, or the host's with --boot-directory. */
export function grubInstallArgs(installer: GrubInstaller, root: string, device: string, extraModules: readonly string[] = []): string[] {
  // /boot inside LVM: the core image needs the modules of biosCoreModules (grub-probe sees only a loop device here).
  const modules = extraModules.length > 0 ? [`--modules=${extraModules.join(" ")}`] : [];
  if (installer.kind === "guest") return [installer.command, "--target=i386-pc", ...modules, device];
  return [
    "grub-install",
    "--target=i386-pc",
    ...modules,
    `--boot-directory=${path.join(root, "boot")}`,
    ...(installer.modules === "guest" ? [`--directory=${path.join(root, GRUB_MODULE_DIRS.bios)}`] : []),
    device,
  ];
}

/** The directory below /boot that the installer's core image reads its config from. */
export function biosGrubDir(installer: GrubInstaller, guest: GuestGrub): "grub" | "grub2" {
  return installer.kind === "guest" ? guest.flavour : "grub";
}

// Write GRUB's boot code for TARGET onto DEVICE (the loop device of the whole disk).
export async function installGrubBios(installer: GrubInstaller, guest: GuestSession, device: string, target: BiosTarget, extraModules: readonly string[] = []): Promise<void> {
  const where = target.target === "mbr-gap" ? "the MBR gap" : `biosboot partition ${target.partition}`;
  const whose = installer.kind === "guest" ? "the image's own grub-install" : `the host's grub-install with the ${installer.modules}'s modules`;
  const argv = grubInstallArgs(installer, guest.root, device, extraModules);
  const reason = `install GRUB for BIOS into ${where} of disk ${target.disk} (${whose})`;
  await (installer.kind === "guest" ? guest.run(argv, { reason }) : run(argv, { reason }));
}
