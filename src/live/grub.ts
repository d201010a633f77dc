// GRUB for the ISO: one menu for BIOS and UEFI, the embedded early configuration, and the grub-mkimage argv of both cores.
import { grubSerialCommand } from "../installer/bootloader/kernel-args.js";
import type { LivePlan } from "./types.js";

/** Host GRUB module directories (grub-pc-bin, grub-efi-amd64-bin): the guest needs no boot loader package. */
export const GRUB_BIOS_DIR = "/usr/lib/grub/i386-pc";
export const GRUB_EFI_DIR = "/usr/lib/grub/x86_64-efi";
/** The MBR boot code that loads the El Torito image when the ISO is a hard disk (xorriso --grub2-mbr). */
export const GRUB_HYBRID_MBR = `${GRUB_BIOS_DIR}/boot_hybrid.img`;

const COMMON_MODULES = ["iso9660", "part_gpt", "part_msdos", "normal", "configfile", "search", "search_label", "linux", "echo", "test", "serial", "terminal", "gzio", "ls", "sleep"];
export const BIOS_MODULES = ["biosdisk", ...COMMON_MODULES];
export const EFI_MODULES = ["fat", "all_video", "efi_gop", ...COMMON_MODULES];

// The configuration embedded in both cores: find the ISO by its label, then read the one menu.
export function earlyConfig(label: string): string {
  return [`search --no-floppy --set=root --label ${label}`, "set prefix=($root)/boot/grub", "configfile $prefix/grub.cfg", ""].join("\n");
}

// The menu: the live system with the kickstart's --append, and a serial console entry.
export function liveGrubCfg(plan: LivePlan): string {
  const serial = plan.serial ?? { unit: 0, speed: 115200, parity: "no" as const, word: 8 };
  const serialArgs = plan.kernelArgs.filter((a) => !a.startsWith("console="));
  serialArgs.push("console=tty0", `console=ttyS${serial.unit},${serial.speed}${serial.parity[0]}${serial.word}`);
  const entry = (title: string, args: string[]): string[] => [
    `menuentry '${title.replace(/'/g, "")}' {`,
    `  linux /${plan.kernel} ${args.join(" ")}`,
    `  initrd /${plan.initrd}`,
    "}",
  ];
  return [
    "# Written by ksimage: the live ISO's menu, the same under BIOS and UEFI.",
    grubSerialCommand(serial),
    plan.serial ? "terminal_input console serial" : "terminal_input console",
    plan.serial ? "terminal_output console serial" : "terminal_output console",
    `set timeout=${plan.timeout}`,
    "set default=0",
    "",
    ...entry(plan.title, plan.kernelArgs),
    "",
    ...entry(`${plan.title} (serial console ttyS${serial.unit})`, serialArgs),
    "",
  ].join("\n");
}

// grub-mkimage for the BIOS El Torito image (cdboot.img in front of the core: boots from CD and, through the hybrid MBR, from disk).
export function biosCoreArgs(out: string, earlyCfg: string): string[] {
  return ["grub-mkimage", "-d", GRUB_BIOS_DIR, "-O", "i386-pc-eltorito", "-o", out, "-p", "/boot/grub", "-c", earlyCfg, ...BIOS_MODULES];
}

// grub-mkimage for BOOTX64.EFI, the removable-media loader UEFI firmware starts from the FAT image.
export function efiCoreArgs(out: string, earlyCfg: string): string[] {
  return ["grub-mkimage", "-d", GRUB_EFI_DIR, "-O", "x86_64-efi", "-o", out, "-p", "/boot/grub", "-c", earlyCfg, ...EFI_MODULES];
}
