// Turn the installed tree into the live ISO: live initramfs, squashfs, GRUB for BIOS and UEFI, then xorriso (.partial, renamed).
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { findKernels, type KernelImage } from "../installer/bootloader/kernels.js";
import type { GuestSession } from "../installer/guest/session.js";
import { getLogger, isDryRun, run, type DeferHandle, type Teardown, publishFile } from "../run/index.js";
import { fatVolumeId, mcopyEfiArgs, mkfsEfibootArgs, mmdEfiArgs } from "./efiboot.js";
import { biosCoreArgs, earlyConfig, efiCoreArgs, liveGrubCfg } from "./grub.js";
import { prepareLiveInitramfs } from "./initramfs.js";
import { mksquashfsArgs } from "./squashfs.js";
import type { LivePlan } from "./types.js";
import { xorrisoArgs } from "./xorriso.js";

/** Where the ISO is put together: the install root, a work directory, the build's stacks. */
export interface IsoContext {
  root: string;
  workdir: string;
  /** Unfinished outputs: the .partial ISO's removal goes here. */
  files: Teardown;
  /** The open guest session: dracut runs in it, then it is released so that none of its mounts or lent files is packed. */
  guest: GuestSession;
  log?: (line: string) => void;
}

/** What later steps learn: the ISO's path and what each part took. */
export interface IsoResult {
  iso: string;
  kernel: string;
  /** The finished ISO's removal: released once every descriptor is written. */
  published: DeferHandle;
  seconds: { squashfs: number; iso: number };
}

const PLACEHOLDER: KernelImage = { version: "VERSION", kernel: "vmlinuz-VERSION", initrd: "initrd.img-VERSION" };

// The newest kernel of the tree, with its initrd (a live system cannot boot without one).
function liveKernel(root: string): KernelImage {
  if (isDryRun()) return PLACEHOLDER;
  const kernel = findKernels(root)[0]!;
  if (kernel.initrd === null) throw new Error(`kernel ${kernel.kernel} has no initramfs in /boot: a live system needs one`);
  return kernel;
}

async function inDir(file: string): Promise<string> {
  if (!isDryRun()) await mkdir(path.dirname(file), { recursive: true });
  return file;
}

// Build PLAN's ISO from ctx.root; on failure the .partial goes with the files stack.
export async function makeLiveIso(plan: LivePlan, ctx: IsoContext): Promise<IsoResult> {
  const kernel = liveKernel(ctx.root);
  await prepareLiveInitramfs(plan, ctx.guest, kernel);
  await ctx.guest.release();
  const tree = path.join(ctx.workdir, "iso-tree");
  const t0 = performance.now();
  ctx.log?.(`  squashfs of the installed tree (${plan.codec})`);
  const env = plan.epoch === null ? {} : { SOURCE_DATE_EPOCH: String(plan.epoch) };
  await run(mksquashfsArgs(ctx.root, await inDir(path.join(tree, plan.squashfs)), plan.codec, plan.epoch), { env, reason: "pack the installed tree as the live root file system" });
  const t1 = performance.now();
  if (!isDryRun()) {
    await copyFile(path.join(ctx.root, "boot", kernel.kernel), await inDir(path.join(tree, plan.kernel)));
    await copyFile(path.join(ctx.root, "boot", kernel.initrd!), await inDir(path.join(tree, plan.initrd)));
    await writeFile(await inDir(path.join(tree, plan.grubCfg)), liveGrubCfg(plan));
  }
  const early = path.join(ctx.workdir, "grub-early.cfg");
  const efiLoader = path.join(ctx.workdir, "BOOTX64.EFI");
  const efiImg = path.join(ctx.workdir, "efiboot.img");
  if (!isDryRun()) {
    await writeFile(early, earlyConfig(plan.label));
    await rm(efiImg, { force: true });
  }
  await run(biosCoreArgs(await inDir(path.join(tree, plan.eltorito)), early), { reason: "make GRUB's El Torito image for BIOS" });
  await run(efiCoreArgs(efiLoader, early), { reason: "make GRUB's BOOTX64.EFI for UEFI" });
  await run(mkfsEfibootArgs(efiImg, fatVolumeId(plan.label)), { reason: "make the FAT image UEFI boots from" });
  const mtoolsEnv = { MTOOLS_SKIP_CHECK: "1", ...env };
  await run(mmdEfiArgs(efiImg), { env: mtoolsEnv, reason: "make EFI/BOOT in the FAT image" });
  await run(mcopyEfiArgs(efiImg, efiLoader), { env: mtoolsEnv, reason: "copy BOOTX64.EFI into the FAT image" });
  const partial = `${plan.iso}.partial`;
  if (!isDryRun()) await mkdir(path.dirname(plan.iso), { recursive: true });
  const removal = ctx.files.defer(`remove ${path.basename(partial)}`, () => rm(partial, { force: true }));
  ctx.log?.(`  ISO 9660 image ${path.basename(plan.iso)} (label ${plan.label})`);
  await run(xorrisoArgs(plan, tree, efiImg, partial), { env, reason: "write the hybrid ISO (El Torito BIOS and UEFI, MBR and GPT)" });
  await publishFile(partial, plan.iso);
  removal.release();
  const published = ctx.files.defer(`remove ${path.basename(plan.iso)}`, () => rm(plan.iso, { force: true }));
  getLogger().info({ output: plan.iso }, `wrote ${plan.iso}`);
  return { iso: plan.iso, kernel: kernel.version, published, seconds: { squashfs: (t1 - t0) / 1000, iso: (performance.now() - t1) / 1000 } };
}

/** The host tools the ISO step runs, and why. */
export function liveTools(): { tool: string; reason: string }[] {
  return [
    { tool: "mksquashfs", reason: "pack the installed tree as the live root file system" },
    { tool: "grub-mkimage", reason: "make GRUB's BIOS and UEFI boot images for the ISO" },
    { tool: "mkfs.vfat", reason: "make the FAT image UEFI boots the ISO from" },
    { tool: "mcopy", reason: "fill the FAT image without mounting it" },
    { tool: "xorriso", reason: "write the hybrid ISO 9660 image" },
  ];
}
