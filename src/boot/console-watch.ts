// Read the boot console: the expected text, or an early sign that the image will not boot, and the last lines for humans.

/** Console output that means waiting longer is pointless, and what it means. */
export const FAILURE_SIGNS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /No bootable device/, why: "the BIOS found no boot loader on the disk (No bootable device)" },
  { pattern: /UEFI Interactive Shell/, why: "the UEFI firmware found nothing to boot and started its shell (no EFI/BOOT/BOOTX64.EFI?)" },
  { pattern: /grub rescue>/, why: "GRUB started but could not find its modules or grub.cfg (grub rescue>)" },
  { pattern: /Kernel panic - not syncing/, why: "the kernel panicked" },
  { pattern: /Gave up waiting for root file system device|ALERT! .* does not exist/, why: "the initramfs did not find the root filesystem" },
];

/** What the console says so far. */
export type ConsoleVerdict = { kind: "found" } | { kind: "failed"; why: string } | { kind: "waiting" };

/** Remove ANSI/VT100 escape sequences and carriage returns (OVMF and GRUB draw with them). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;=?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>c]/g, "").replace(/\r/g, "");
}

/** The last N non-empty lines of TEXT, escape sequences removed. */
export function lastLines(text: string, n: number): string[] {
  const lines = stripAnsi(text).split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
  return lines.slice(-n);
}

/**
 * SeaBIOS's last "Booting from ..." line in its whole debug console, or null. Not just the last lines: once the disk's
 * code runs, SeaBIOS can go on logging (int 13h calls, unhandled interrupts) after the hand-over.
 */
export function lastHandover(firmware: string): string | null {
  return stripAnsi(firmware).split("\n").map((l) => l.trim()).findLast((l) => l.startsWith("Booting from")) ?? null;
}

/** SeaBIOS handing over to the disk's MBR code. */
const MBR_HANDOVER = /Booting from Hard Disk/;

/**
 * The verdict on the serial console and the firmware's debug console: the expected text wins over failure signs.
 * EMPTYMBR (the image's MBR has no boot code) turns SeaBIOS's hand-over to the disk into a failure: a partition
 * table's 55AA signature makes SeaBIOS jump into the zeroed code, which prints nothing and never returns.
 */
export function judgeConsole(serial: string, firmware: string, expect: string, opts: { emptyMbr?: boolean } = {}): ConsoleVerdict {
  const clean = stripAnsi(serial);
  if (clean.includes(expect)) return { kind: "found" };
  const fw = stripAnsi(firmware);
  const sign = FAILURE_SIGNS.find((s) => s.pattern.test(`${clean}\n${fw}`));
  if (sign) return { kind: "failed", why: sign.why };
  if (opts.emptyMbr && MBR_HANDOVER.test(fw)) {
    return { kind: "failed", why: "the BIOS ran the disk's MBR, which holds no boot code (all zeros): no boot loader is installed for BIOS" };
  }
  return { kind: "waiting" };
}
