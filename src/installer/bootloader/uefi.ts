// GRUB for UEFI without mounting FAT: grub-mkimage -O x86_64-efi with an early config, mtools onto the ESP's removable path.
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { isDryRun, run } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";
import { GRUB_FS_MODULE } from "./grub-cfg.js";
import { GRUB_MODULE_DIRS, type GuestGrub } from "./guest-grub.js";
import type { BootFilesystem, UefiTarget } from "./types.js";

/** Modules built into BOOTX64.EFI: enough to find the /boot filesystem and run grub.cfg (HOST-NOTES step 9). */
export const EFI_IMAGE_MODULES = [
  "part_gpt", "part_msdos", "fat", "ext2", "normal", "configfile", "search", "search_fs_uuid", "search_label",
  "linux", "gzio", "echo", "test", "ls", "boot", "reboot", "halt", "serial", "terminal", "all_video", "efi_gop",
];

/** Whose grub-mkimage makes the EFI image: the guest's in the guest session, or the host's (with the guest's modules if any). */
export type EfiImageMaker = { kind: "guest"; command: string } | { kind: "host"; modules: "guest" | "host" };

/** The guest's grub-mkimage when it has it and the x86_64-efi modules; else the host's. */
export function chooseEfiImageMaker(guest: GuestGrub): EfiImageMaker {
  if (guest.mkimage !== null && guest.efiModules) return { kind: "guest", command: guest.mkimage };
  return { kind: "host", modules: guest.efiModules ? "guest" : "host" };
}

/** The config embedded in the image: find the /boot filesystem by UUID, then read its grub.cfg. */
export function earlyConfig(boot: BootFilesystem, grubDirPath: string): string {
  return [`search --no-floppy --fs-uuid --set=root ${boot.uuid}`, `set prefix=($root)${grubDirPath}`, "configfile $prefix/grub.cfg", ""].join("\n");
}

/** The grub-mkimage argv. Paths are as the tool sees them (inside the guest when it runs there). */
export function grubMkimageArgs(o: { command: string; moddir: string; output: string; prefix: string; config: string; modules: readonly string[] }): string[] {
  return [o.command, "-d", o.moddir, "-O", "x86_64-efi", "-o", o.output, "-p", o.prefix, "-c", o.config, ...o.modules];
}

/** How mtools addresses the ESP: the raw disk file at the ESP's byte offset, else the partition's block device. */
export function mtoolsImage(target: UefiTarget, rawFile: string | undefined, partitionDevice: string | undefined): string {
  if (rawFile !== undefined) return `${rawFile}@@${target.offsetBytes}`;
  if (partitionDevice !== undefined) return partitionDevice;
  throw new Error(`no raw file and no block device for the EFI system partition of disk ${target.disk}`);
}

/** mtools argv: list a directory (to see whether it exists), make one, copy a file in (overwriting). */
export const mdirArgs = (image: string, dir: string): string[] => ["mdir", "-b", "-i", image, `::/${dir}`];
export const mmdArgs = (image: string, dir: string): string[] => ["mmd", "-i", image, `::/${dir}`];
export const mcopyArgs = (image: string, from: string, to: string): string[] => ["mcopy", "-o", "-i", image, from, `::/${to}`];

/** mtools must not refuse a FAT whose geometry it dislikes (HOST-NOTES pitfall 10). */
export const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: "1" };

/** Where the image's pieces go inside the guest: ROOT/boot/<grubDir>/x86_64-efi (where grub-install would put them). */
export function efiDir(grubDir: "grub" | "grub2"): string {
  return `/boot/${grubDir}/x86_64-efi`;
}

// Build BOOTX64.EFI, copy the x86_64-efi modules next to grub.cfg, and put the image on the ESP with mtools.
export async function installGrubUefi(o: {
  maker: EfiImageMaker;
  root: string;
  guest: GuestSession;
  boot: BootFilesystem;
  grubDir: "grub" | "grub2";
  /** The grub directory as GRUB sees it on the boot filesystem, e.g. /boot/grub or /grub. */
  grubDirPath: string;
  target: UefiTarget;
  mtoolsImage: string;
}): Promise<void> {
  const dir = efiDir(o.grubDir);
  const hostDir = path.join(o.root, dir);
  const moddir = o.maker.kind === "host" && o.maker.modules === "host" ? `/${GRUB_MODULE_DIRS.efi}` : path.join(o.root, GRUB_MODULE_DIRS.efi);
  const modules = [...new Set([...EFI_IMAGE_MODULES, GRUB_FS_MODULE[o.boot.fstype], ...(o.boot.volume ? ["lvm"] : [])])];
  if (!isDryRun()) {
    await mkdir(hostDir, { recursive: true, mode: 0o755 });
    // grub.cfg's insmod lines load modules from $prefix/x86_64-efi at boot.
    await cp(moddir, hostDir, { recursive: true, filter: (src) => src === moddir || /\.(mod|lst)$/.test(src) });
    await writeFile(path.join(hostDir, "load.cfg"), earlyConfig(o.boot, o.grubDirPath));
  }
  const guest = o.maker.kind === "guest";
  const inGuest = (p: string) => (guest ? p : path.join(o.root, p));
  const args = grubMkimageArgs({
    command: guest ? (o.maker as { command: string }).command : "grub-mkimage",
    moddir: guest ? `/${GRUB_MODULE_DIRS.efi}` : moddir,
    output: inGuest(`${dir}/core.efi`),
    prefix: o.grubDirPath,
    config: inGuest(`${dir}/load.cfg`),
    modules,
  });
  const mkimage = { reason: `make the UEFI GRUB image (${guest ? "the image's own grub-mkimage" : "the host's grub-mkimage"})` };
  await (guest ? o.guest.run(args, mkimage) : run(args, mkimage));
  const reason = `put ${o.target.path} on the EFI system partition of disk ${o.target.disk} (mtools; FAT is never mounted)`;
  for (const d of ["EFI", "EFI/BOOT"]) {
    const exists = await run(mdirArgs(o.mtoolsImage, d), { env: MTOOLS_ENV, allowExitCodes: [1], reason });
    if (exists.exitCode !== 0) await run(mmdArgs(o.mtoolsImage, d), { env: MTOOLS_ENV, reason });
  }
  await run(mcopyArgs(o.mtoolsImage, path.join(hostDir, "core.efi"), o.target.path), { env: MTOOLS_ENV, reason });
}
