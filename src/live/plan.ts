// Plan the live ISO from the kickstart and the command line: label, codec, paths in the ISO, kernel arguments. Pure.
import path from "node:path";
import { PlanError } from "../errors.js";
import { serialConsole, splitKernelArgs } from "../installer/bootloader/kernel-args.js";
import type { Backend } from "../installer/types.js";
import type { Kickstart } from "../kickstart/model.js";
import { defaultIsoLabel, isoLabelProblem } from "./label.js";
import type { SquashfsCodec } from "./squashfs.js";
import type { LiveBoot, LivePlan } from "./types.js";

/** What the command line says about the ISO. */
export interface LiveOptions {
  /** -n/--fslabel; default: from the appliance name. */
  label?: string;
  /** livecd-creator's --title; default: the label. */
  title?: string;
  codec?: SquashfsCodec;
  /** livecd-creator's --product: the entries read "TITLE - Start PRODUCT". */
  product?: string;
  /** Write the ISO and its files straight into the output directory, as livecd-creator does (not into <outdir>/<name>/). */
  flat?: boolean;
  /** SOURCE_DATE_EPOCH, as text from the environment. */
  sourceDateEpoch?: string;
}

/** Where each live boot method expects kernel, initrd and squashfs, and the arguments that make it find them. */
const LAYOUTS: Record<LiveBoot, { kernel: string; initrd: string; squashfs: string; args: (label: string) => string[] }> = {
  // live-boot searches every CD and disk for /live/filesystem.squashfs.
  "live-boot": { kernel: "live/vmlinuz", initrd: "live/initrd.img", squashfs: "live/filesystem.squashfs", args: () => ["boot=live"] },
  // dmsquash-live mounts the ISO by label and takes LiveOS/squashfs.img as the root (Fedora's live layout).
  "dmsquash-live": { kernel: "images/pxeboot/vmlinuz", initrd: "images/pxeboot/initrd.img", squashfs: "LiveOS/squashfs.img", args: (l) => [`root=live:CDLABEL=${l}`, "rd.live.image"] },
};

// The live boot method of a package backend: Debian's live-boot, dracut's dmsquash-live for RPM guests.
export function liveBootFor(backend: Backend | null): LiveBoot {
  return backend === "dnf" ? "dmsquash-live" : "live-boot";
}

// What of the kickstart an ISO does not use, one sentence each (the plan prints them).
function ignoredNotes(ks: Kickstart): string[] {
  const notes: string[] = [];
  const parts = ks.partitions.length;
  const layoutCommands = ["autopart", "reqpart", "volgroup", "logvol", "raid", "btrfs", "clearpart", "zerombr"].filter((c) => ks.commandsSeen.includes(c));
  if (parts > 0 || layoutCommands.length > 0) {
    const what = [...(parts > 0 ? [`${parts} part line${parts === 1 ? "" : "s"}`] : []), ...layoutCommands].join(", ");
    notes.push(`the disk layout (${what}) is ignored for an ISO: / is the squashfs, with a writable overlay in memory`);
  }
  if (ks.bootloader.seen && ks.bootloader.location !== "none") notes.push("bootloader: only --append and --timeout apply; GRUB on the ISO is the boot loader");
  return notes;
}

// Plan the ISO of appliance NAME whose outputs go to APPLIANCEDIR; the boot method follows the backend.
export function planLive(ks: Kickstart, name: string, applianceDir: string, backend: Backend | null, opts: LiveOptions = {}): LivePlan {
  const label = opts.label ?? defaultIsoLabel(name);
  const problem = isoLabelProblem(label);
  if (problem !== null) throw new PlanError(problem, undefined, "choose another label with -n/--fslabel (at most 32 of A-Z a-z 0-9 _ - .)");
  const epochText = opts.sourceDateEpoch;
  if (epochText !== undefined && epochText !== "" && !/^\d+$/.test(epochText)) throw new PlanError(`SOURCE_DATE_EPOCH must be a whole number of seconds, got "${epochText}"`);
  const boot = liveBootFor(backend);
  const layout = LAYOUTS[boot];
  const append = splitKernelArgs(ks.bootloader.append);
  const codec = opts.codec ?? "zstd";
  const notes = [
    `live boot: ${boot === "live-boot" ? "Debian's live-boot in the initramfs (boot=live)" : `dracut's dmsquash-live in the initramfs (root=live:CDLABEL=${label} rd.live.image)`}`,
    `root file system: /${layout.squashfs}, squashfs compressed with ${codec}`,
    ...ignoredNotes(ks),
  ];
  return {
    iso: path.join(applianceDir, `${name}.iso`),
    label,
    title: opts.product !== undefined ? `${opts.title ?? label} - Start ${opts.product}` : (opts.title ?? label),
    codec,
    boot,
    kernel: layout.kernel,
    initrd: layout.initrd,
    squashfs: layout.squashfs,
    grubCfg: "boot/grub/grub.cfg",
    eltorito: "boot/grub/i386-pc/eltorito.img",
    catalog: "boot/grub/boot.cat",
    efiImage: "efiboot.img (GPT partition 2, El Torito UEFI entry)",
    kernelArgs: [...layout.args(label), ...append],
    serial: serialConsole(append),
    timeout: ks.bootloader.timeout ?? 5,
    epoch: epochText !== undefined && epochText !== "" ? Number(epochText) : null,
    notes,
    warnings: [],
  };
}

// The lines `ksimage plan` prints for the ISO.
export function describeLive(plan: LivePlan): string[] {
  return [
    `ISO ${plan.iso}, volume label ${plan.label}`,
    `  kernel     /${plan.kernel}`,
    `  initramfs  /${plan.initrd}`,
    `  squashfs   /${plan.squashfs} (${plan.codec})`,
    `  menu       /${plan.grubCfg} (BIOS and UEFI, timeout ${plan.timeout} s, a serial console entry)`,
    `  BIOS boot  /${plan.eltorito} (El Torito, GRUB i386-pc; hybrid MBR for USB sticks)`,
    `  catalogue  /${plan.catalog}`,
    `  UEFI boot  ${plan.efiImage}`,
    `  kernel command line: ${plan.kernelArgs.join(" ")}`,
    ...plan.notes.map((n) => `  - ${n}`),
    ...plan.warnings.map((w) => `  warning: ${w}`),
  ];
}
