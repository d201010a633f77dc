// Plan the boot loader from the kickstart's bootloader line and the disk layout: pure, never from package names.
import { PlanError } from "../../errors.js";
import { logicalVolumes } from "../../kickstart/commands/logvol.js";
import type { Bootloader, Kickstart } from "../../kickstart/model.js";
import type { DiskPlan, LayoutPlan } from "../../partition/types.js";
import { decideFirmware } from "./firmware.js";
import { GRUB_FS_MODULE } from "./grub-cfg.js";
import { rootSpec } from "./grub-cfg-fix.js";
import { serialConsole, splitKernelArgs } from "./kernel-args.js";
import type { BootFilesystem, BootloaderPlan, Firmware } from "./types.js";

/** Choices made outside the kickstart (the command line). */
export interface BootloaderPlanOptions {
  /** Boot with this firmware instead of what the layout suggests; checked against the layout. */
  firmware?: Firmware;
}

/** A GRUB 2 password hash as grub-mkpasswd-pbkdf2 prints it. */
export const GRUB_PBKDF2 = /^grub\.pbkdf2\.sha512\.\d+\.[0-9A-Fa-f]+\.[0-9A-Fa-f]+$/;

function filesystemAt(layout: LayoutPlan, mountpoint: string): BootFilesystem | null {
  const mount = layout.mounts.find((m) => m.mountpoint === mountpoint);
  if (!mount) return null;
  if (mount.volume !== undefined) {
    const [vg, name] = mount.volume.split("/") as [string, string];
    const lvFs = layout.volumeGroups.find((v) => v.name === vg)?.lvs.find((l) => l.name === name)?.filesystem;
    if (!lvFs) return null;
    return { disk: mount.disk, partition: mount.partition, uuid: lvFs.uuid, fstype: lvFs.fstype, subvol: null, volume: { vg, lv: name } };
  }
  const fs = layout.disks.find((d) => d.name === mount.disk)?.partitions.find((p) => p.number === mount.partition)?.filesystem;
  if (!fs) return null;
  const subvol = mount.options.find((o) => o.startsWith("subvol="))?.slice("subvol=".length) ?? null;
  return { disk: mount.disk, partition: mount.partition, uuid: fs.uuid, fstype: fs.fstype, subvol, volume: null };
}

// extlinux reads no LVM: /boot (or /, holding /boot) in a logical volume is refused at that logvol line.
function refuseExtlinuxInVolumeGroup(ks: Kickstart, volume: { vg: string; lv: string }, separate: boolean): never {
  const lv = logicalVolumes(ks).find((l) => l.vgname === volume.vg && l.name === volume.lv);
  const what = separate ? "/boot" : "/ (which holds /boot, as there is no /boot partition)";
  throw new PlanError(
    `bootloader --extlinux: ${what} is on logical volume ${volume.vg}/${volume.lv}, and extlinux cannot read a volume group`,
    lv ? { file: lv.file, line: lv.lineno, includeStack: [ks.file] } : undefined,
    "put /boot on a partition (part /boot --fstype=ext4 --size=512), or drop --extlinux for GRUB 2, whose lvm module reads it",
  );
}

// --boot-drive, then the first --driveorder disk the layout has, then the disk holding /boot.
function chooseDisk(b: Bootloader, layout: LayoutPlan, boot: BootFilesystem): DiskPlan {
  const byName = (name: string) => layout.disks.find((d) => d.name === name);
  if (b.bootDrive) {
    const disk = byName(b.bootDrive);
    if (!disk) throw new PlanError(`bootloader --boot-drive=${b.bootDrive}: no partition is on that disk (disks: ${layout.disks.map((d) => d.name).join(", ")})`);
    return disk;
  }
  const ordered = b.driveorder.map(byName).find((d) => d !== undefined);
  return ordered ?? byName(boot.disk)!;
}

/** A plan that installs no boot loader, saying why (the live ISO gives its own kernel arguments, timeout and serial). */
export function noBootloader(why: string, extra: Partial<Pick<BootloaderPlan, "kernelArgs" | "timeout" | "serial">> = {}): BootloaderPlan {
  return {
    loader: "none",
    firmware: null,
    disk: null,
    bios: null,
    uefi: null,
    boot: null,
    root: null,
    separateBoot: false,
    kernelArgs: [],
    timeout: null,
    defaultEntry: null,
    serial: null,
    password: null,
    why: [why],
    warnings: [],
    ...extra,
  };
}

function passwordOf(b: Bootloader, loader: BootloaderPlan["loader"], warnings: string[]): BootloaderPlan["password"] {
  if (!b.password) return null;
  if (loader === "extlinux") {
    warnings.push("bootloader --password is not applied to extlinux: its menu stays unprotected");
    return null;
  }
  if (b.isCrypted && !GRUB_PBKDF2.test(b.password)) {
    throw new PlanError(
      "bootloader --iscrypted/--md5pass: GRUB 2 accepts only a grub.pbkdf2.sha512... hash",
      undefined,
      "make one with grub-mkpasswd-pbkdf2, or give the plain password without --iscrypted",
    );
  }
  return { hashed: b.isCrypted };
}

/** Decide the boot loader of the image. Pure: reads no disk, runs no tool; the plan holds no secret. */
export function planBootloader(ks: Kickstart, layout: LayoutPlan, opts: BootloaderPlanOptions = {}): BootloaderPlan {
  const b = ks.bootloader;
  if (b.disabled) return noBootloader("bootloader --disabled: no boot loader is installed or configured, so the image cannot boot by itself");
  if (b.seen && b.location === "none") return noBootloader("bootloader --location=none: no boot loader is installed, so the image cannot boot by itself");
  if (b.sdboot) throw new PlanError("bootloader --sdboot: ksimage does not install systemd-boot", undefined, "remove --sdboot to get GRUB 2 for BIOS and UEFI");

  const root = filesystemAt(layout, "/");
  if (!root) throw new PlanError("the boot loader needs / on a partition of the layout, and there is none");
  const separate = filesystemAt(layout, "/boot");
  const boot = separate ?? root;
  const disk = chooseDisk(b, layout, boot);
  const loader = b.extlinux ? "extlinux" : "grub2";
  const why: string[] = [];
  const warnings: string[] = [];
  why.push(b.seen ? `the bootloader line asks for ${loader === "extlinux" ? "extlinux (--extlinux)" : "GRUB 2"}` : "the kickstart has no bootloader line: GRUB 2 is installed, as anaconda does by default");

  let decision = decideFirmware(disk, layout.disks, loader === "extlinux" ? "bios" : opts.firmware);
  if (loader === "extlinux") {
    if (opts.firmware === "uefi" || opts.firmware === "hybrid") throw new PlanError(`bootloader --extlinux boots only with BIOS, not ${opts.firmware}`);
    if (disk.label !== "msdos") {
      throw new PlanError(`bootloader --extlinux: disk ${disk.name} is gpt; ksimage installs extlinux only on msdos disks`, undefined, "use clearpart --disklabel=msdos, or drop --extlinux for GRUB 2");
    }
    if (boot.volume) refuseExtlinuxInVolumeGroup(ks, boot.volume, separate !== null);
    if (!["ext2", "ext3", "ext4", "btrfs", "xfs"].includes(boot.fstype)) throw new PlanError(`bootloader --extlinux cannot boot from ${boot.fstype} (/boot must be ext2/3/4, btrfs or xfs)`);
    decision = { ...decision, why: [`extlinux boots only with BIOS: its boot code goes into the MBR of disk ${disk.name}, extlinux itself into /boot/extlinux`] };
    if (layout.disks.some((d) => d.partitions.some((p) => p.role === "esp"))) warnings.push("bootloader --extlinux: the EFI system partition stays empty (extlinux has no UEFI loader)");
  }
  why.push(...decision.why);

  const uefi = decision.uefi;
  let bios: BootloaderPlan["bios"] = decision.bios;
  let firmware: Firmware | null = decision.firmware;
  if (b.location === "partition" || b.location === "boot") {
    const name = loader === "grub2" ? "GRUB 2" : "extlinux";
    warnings.push(`bootloader --location=${b.location}: ${name}'s boot code goes into the MBR instead (an appliance disk has no other boot loader to chain from)`);
  }
  if (b.nombr && bios) {
    why.push(`--nombr: no boot code is written for BIOS (${bios.target === "mbr-gap" ? "MBR" : "biosboot partition"} left empty); the configuration is still written`);
    bios = null;
    firmware = uefi ? "uefi" : null;
  }
  if (b.leavebootorder && uefi) why.push("--leavebootorder: nothing to leave, the removable path needs no NVRAM boot entry");
  if (boot.volume && loader === "grub2") {
    const where = separate ? "/boot" : "/boot (on the root filesystem)";
    why.push(`${where} is in logical volume ${boot.volume.vg}/${boot.volume.lv}: GRUB's core image gets lvm, part_gpt, part_msdos and ${GRUB_FS_MODULE[boot.fstype]} and finds it by its filesystem UUID`);
  }
  if (root.volume) why.push(`root=${rootSpec(root)}: the root is logical volume ${root.volume.vg}/${root.volume.lv}; the image's initramfs (lvm2) activates it`);
  why.push(`root=${rootSpec(root)}; kernel and initrd are read from ${separate ? `the /boot filesystem (UUID ${boot.uuid})` : `/boot on the root filesystem`}`);

  const kernelArgs = splitKernelArgs(b.append);
  // dracut activates only the LVs named by rd.lvm.lv (Anaconda writes the same); initramfs-tools activates root= itself.
  if (root.volume && !kernelArgs.includes(`rd.lvm.lv=${root.volume.vg}/${root.volume.lv}`)) kernelArgs.push(`rd.lvm.lv=${root.volume.vg}/${root.volume.lv}`);
  const serial = serialConsole(kernelArgs);
  if (serial) why.push(`--append names console=ttyS${serial.unit}: ${loader === "grub2" ? "GRUB" : "extlinux"}'s own menu goes to serial port ${serial.unit} at ${serial.speed} baud too`);
  const password = passwordOf(b, loader, warnings);
  if (password) why.push("--password: editing entries and the GRUB command line need the superuser root; the entries boot without it");
  return {
    loader,
    firmware,
    disk: disk.name,
    bios,
    uefi,
    boot,
    root,
    separateBoot: separate !== null,
    kernelArgs,
    timeout: b.timeout,
    defaultEntry: b.default,
    serial,
    password,
    why,
    warnings,
  };
}

/** The plan for people: one headline, then the reasons and warnings. */
export function describeBootloader(plan: BootloaderPlan): string[] {
  const fw = plan.firmware === "hybrid" ? "BIOS and UEFI (hybrid)" : plan.firmware === "uefi" ? "UEFI" : plan.firmware === "bios" ? "BIOS" : "no firmware";
  const head = plan.loader === "none" ? "boot loader: none" : `boot loader: ${plan.loader} for ${fw} on disk ${plan.disk}`;
  return [head, ...plan.why.map((w) => `  - ${w}`), ...plan.warnings.map((w) => `  warning: ${w}`)];
}
