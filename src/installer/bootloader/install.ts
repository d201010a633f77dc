// The boot loader step: carry out the BootloaderPlan on the mapped disks and the mounted install root.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../../errors.js";
import type { Kickstart } from "../../kickstart/model.js";
import type { LayoutPlan } from "../../partition/types.js";
import { getLogger, isDryRun, type Teardown } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";
import { biosCoreModules, biosGrubDir, chooseBiosInstaller, installGrubBios, type GrubInstaller } from "./bios.js";
import { writeDefaultGrub } from "./default-grub.js";
import { chooseExtlinux, installExtlinux } from "./extlinux.js";
import { bootPath } from "./grub-cfg.js";
import { forwardingConfig, writeGrubConfig, type GrubConfigSource } from "./grub-config.js";
import { probeGuestGrub, type GuestGrub } from "./guest-grub.js";
import { findKernels, guestOsName } from "./kernels.js";
import { grubPasswordHash, writeUsersScript } from "./password.js";
import { describeBootloader, planBootloader } from "./plan.js";
import type { BootloaderPlan } from "./types.js";
import { chooseEfiImageMaker, installGrubUefi, mtoolsImage, type EfiImageMaker } from "./uefi.js";

/** Block devices of one mapped disk: the whole-disk loop device and its partitions (src/partition/map.ts's MappedDisk fits). */
export interface DiskDevices {
  device: string;
  partitions: Record<number, string>;
}

/** What the boot loader step needs from the build. */
export interface BootloaderContext {
  ks: Kickstart;
  layout: LayoutPlan;
  /** The plan, if the build made it already; else planned here from ks and layout. */
  plan?: BootloaderPlan;
  /** The mounted install root. */
  root: string;
  /** The session open on root: the image's own boot loader tools run in it. */
  guest: GuestSession;
  /** Disk name -> its block devices. */
  devices: Record<string, DiskDevices>;
  /** Disk name -> its raw disk file (the ESP is written there at its byte offset). */
  rawFiles: Record<string, string>;
  teardown: Teardown;
  /** One human line per decision (the CLI writes them to stderr). */
  log?: (line: string) => void;
}

/** What was done, for the build's summary and for tests. */
export interface BootloaderResult {
  plan: BootloaderPlan;
  config: GrubConfigSource | "extlinux.conf" | null;
  bios: GrubInstaller | null;
  uefi: EfiImageMaker | null;
}

function deviceOf(ctx: BootloaderContext, disk: string): DiskDevices {
  const d = ctx.devices[disk];
  if (d === undefined) throw new KsimageError(`disk ${disk} has no block device: it must be mapped before the boot loader is installed`);
  return d;
}

// GRUB 2: /etc/default/grub, password, BIOS boot code, UEFI image, then grub.cfg.
async function installGrub(ctx: BootloaderContext, plan: BootloaderPlan, guest: GuestGrub): Promise<BootloaderResult> {
  const log = (line: string) => (ctx.log?.(line), getLogger().info(line));
  const configDir = guest.mkconfig !== null || guest.install !== null ? guest.flavour : "grub";
  await writeDefaultGrub(plan, ctx.root);
  const password = ctx.ks.bootloader.password;
  const hash = plan.password && password ? await grubPasswordHash(password, plan.password.hashed) : null;
  if (hash && guest.mkconfig !== null) await writeUsersScript(ctx.root, hash);

  let bios: GrubInstaller | null = null;
  if (plan.bios) {
    bios = chooseBiosInstaller(guest);
    log(`BIOS: ${bios.kind === "guest" ? "the image's own grub-install" : `the host's grub-install with the ${bios.modules}'s i386-pc modules`}`);
    await installGrubBios(bios, ctx.guest, deviceOf(ctx, plan.bios.disk).device, plan.bios, biosCoreModules(plan.boot));
  }
  let uefi: EfiImageMaker | null = null;
  if (plan.uefi) {
    uefi = chooseEfiImageMaker(guest);
    log(`UEFI: ${uefi.kind === "guest" ? "the image's own grub-mkimage" : `the host's grub-mkimage with the ${uefi.modules}'s x86_64-efi modules`}`);
    const raw = ctx.rawFiles[plan.uefi.disk];
    const partition = ctx.devices[plan.uefi.disk]?.partitions[plan.uefi.partition];
    await installGrubUefi({
      maker: uefi,
      root: ctx.root,
      guest: ctx.guest,
      boot: plan.boot!,
      grubDir: configDir,
      grubDirPath: bootPath(plan, configDir),
      target: plan.uefi,
      mtoolsImage: mtoolsImage(plan.uefi, raw, partition),
    });
  }
  const config = await writeGrubConfig({ plan, guest, root: ctx.root, guestSession: ctx.guest, grubDir: configDir, passwordHash: hash });
  log(`grub.cfg: ${config === "template" ? "from templates/grub.cfg.hbs (the image has no grub-mkconfig, or / or /boot is a logical volume)" : "the image's own grub-mkconfig, root=UUID="}`);
  // A host grub-install reads /boot/grub; a Fedora-family config lives in /boot/grub2.
  if (bios && biosGrubDir(bios, guest) !== configDir && !isDryRun()) {
    const dir = path.join(ctx.root, "boot", biosGrubDir(bios, guest));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "grub.cfg"), forwardingConfig(bootPath(plan, `${configDir}/grub.cfg`)));
  }
  return { plan, config, bios, uefi };
}

/** Install the boot loader the plan asks for into the mapped disks and the mounted root. Does nothing for "none". */
export async function installBootloader(ctx: BootloaderContext): Promise<BootloaderResult> {
  const plan = ctx.plan ?? planBootloader(ctx.ks, ctx.layout);
  for (const line of describeBootloader(plan)) ctx.log?.(line);
  getLogger().info({ bootloader: plan }, describeBootloader(plan)[0]);
  if (plan.loader === "none") return { plan, config: null, bios: null, uefi: null };
  const guest = probeGuestGrub(ctx.root);
  getLogger().debug({ guest }, "boot loader tools found in the image");
  if (plan.loader === "grub2") return installGrub(ctx, plan, guest);
  const tool = await chooseExtlinux(guest.extlinux);
  const device = plan.bios ? deviceOf(ctx, plan.bios.disk).device : "";
  await installExtlinux({ plan, tool, root: ctx.root, guest: ctx.guest, device, kernels: isDryRun() ? [] : findKernels(ctx.root), osName: guestOsName(ctx.root) });
  return { plan, config: "extlinux.conf", bios: null, uefi: null };
}
