// Render grub.cfg from templates/grub.cfg.hbs when the guest has no grub-mkconfig: root=UUID=, /boot placement from the plan.
import { readFileSync } from "node:fs";
import { rootSpec } from "./grub-cfg-fix.js";
import Handlebars from "handlebars";
import { InternalError } from "../../errors.js";
import { packageFile } from "../../package-root.js";
import type { FsType } from "../../partition/types.js";
import { grubSerialCommand } from "./kernel-args.js";
import type { KernelImage } from "./kernels.js";
import type { BootloaderPlan } from "./types.js";


/** The GRUB module that reads each filesystem type. */
export const GRUB_FS_MODULE: Record<FsType, string> = { ext2: "ext2", ext3: "ext2", ext4: "ext2", xfs: "xfs", btrfs: "btrfs", vfat: "fat", swap: "ext2" };

/** What the template needs besides the plan. */
export interface GrubCfgInput {
  plan: BootloaderPlan;
  kernels: readonly KernelImage[];
  /** Menu title prefix, e.g. the guest's PRETTY_NAME. */
  osName: string;
  /** grub.pbkdf2.sha512... hash of the superuser's password, or null. */
  passwordHash: string | null;
}

interface TemplateData {
  default: string;
  timeout: number;
  serialCommand: string | null;
  passwordHash: string | null;
  fsModule: string;
  /** /boot is in a logical volume: GRUB reads it through its lvm module. */
  lvm: boolean;
  bootUuid: string;
  entries: { title: string; kernel: string; initrd: string | null; args: string }[];
}

let compiled: Handlebars.TemplateDelegate<TemplateData> | undefined;

function booting(plan: BootloaderPlan): asserts plan is BootloaderPlan & { boot: NonNullable<BootloaderPlan["boot"]>; root: NonNullable<BootloaderPlan["root"]> } {
  if (plan.boot === null || plan.root === null) throw new InternalError("a grub.cfg was asked for a plan without a boot loader");
}

/** A path below /boot as GRUB sees it on the boot filesystem: "/grub" on a separate /boot, "/boot/grub" otherwise. */
export function bootPath(plan: BootloaderPlan, relative: string): string {
  booting(plan);
  const subvol = plan.boot.subvol ? `/${plan.boot.subvol}` : "";
  return `${subvol}${plan.separateBoot ? "" : "/boot"}/${relative.replace(/^\/+/, "")}`;
}

/** The kernel command line: root by UUID (never a loop or mapper path), read-only, then --append. */
export function kernelCommandLine(plan: BootloaderPlan): string {
  booting(plan);
  const subvol = plan.root.subvol ? [`rootflags=subvol=${plan.root.subvol}`] : [];
  return [`root=${rootSpec(plan.root)}`, "ro", ...subvol, ...plan.kernelArgs].join(" ");
}

/** The data the template is rendered with (exported for tests). */
export function grubCfgData(input: GrubCfgInput): TemplateData {
  const { plan } = input;
  booting(plan);
  const name = input.osName.replace(/'/g, "");
  return {
    default: plan.defaultEntry ?? "0",
    timeout: plan.timeout ?? 5,
    serialCommand: plan.serial ? grubSerialCommand(plan.serial) : null,
    passwordHash: input.passwordHash,
    fsModule: GRUB_FS_MODULE[plan.boot.fstype],
    lvm: plan.boot.volume !== null,
    bootUuid: plan.boot.uuid,
    entries: input.kernels.map((k) => ({
      title: `${name}, with Linux ${k.version}`.replace(/'/g, ""),
      kernel: bootPath(plan, k.kernel),
      initrd: k.initrd === null ? null : bootPath(plan, k.initrd),
      args: kernelCommandLine(plan),
    })),
  };
}

/** grub.cfg text for the plan and the kernels found in /boot. */
export function renderGrubCfg(input: GrubCfgInput): string {
  compiled ??= Handlebars.compile<TemplateData>(readFileSync(packageFile("templates", "grub.cfg.hbs"), "utf8"), { noEscape: true, strict: false });
  return compiled(grubCfgData(input));
}
