// `ksimage boot IMAGE`: boot an image in QEMU (BIOS or --uefi) and exit 0 once its serial console shows a text.
import path from "node:path";
import type { Command } from "commander";
import { bootImage, DEFAULT_EXPECT, DEFAULT_TIMEOUT_SECONDS, TAIL_LINES, type BootResult } from "../boot/boot-image.js";
import { KsimageError, UsageError } from "../errors.js";
import { createLogger, installSignalHandlers, setLogger, Teardown } from "../run/index.js";
import { parseSize } from "./options.js";

export interface BootCliOptions {
  uefi?: boolean;
  timeout?: string;
  expect?: string;
  memory?: string;
  net?: boolean;
  consoleLog?: string;
  logfile?: string;
  asDisk?: boolean;
  ssh?: boolean;
  attempts?: string;
}

/** --timeout as whole seconds > 0. */
export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS;
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0) throw new UsageError(`--timeout expects a whole number of seconds, got "${text}"`);
  return Number(text);
}

/** --attempts (or OPTION) as a whole number from 1 to 5. */
export function parseAttempts(text: string | undefined, option = "--attempts"): number {
  if (text === undefined) return 1;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 5) throw new UsageError(`${option} expects a whole number from 1 to 5, got "${text}"`);
  return Number(text);
}

/** --memory like 1024, 1G or 512M, in MiB (at least 128). */
export function parseMemory(text: string | undefined): number {
  if (text === undefined) return 1024;
  const mib = parseSize(text) / 2 ** 20;
  if (mib < 128) throw new UsageError(`--memory ${text} is too small to boot Linux (at least 128M)`);
  return mib;
}

/** The failure report: the last console lines, then (thrown) one sentence with a hint. */
export function bootFailure(image: string, result: BootResult): KsimageError {
  const handover = result.handover;
  let empty = "";
  if (result.tail.length === 0) {
    empty = handover ? `; the firmware handed over to the disk ("${handover}") and nothing ever reached the serial console` : "; the serial console stayed empty";
  }
  let hint = "check the boot loader (ksimage plan shows what is installed and why) and the console above";
  if (result.tail.length === 0 && result.failure?.includes("did not appear")) {
    hint = "no boot loader or kernel wrote to ttyS0: is a boot loader installed (ksimage plan shows what is installed and why), and does bootloader --append have console=ttyS0?";
  } else if (result.failure?.includes("did not appear") && result.accel.accel === "tcg") {
    hint = `TCG is slow on a busy host: a longer --timeout${result.attempts > 1 ? "" : " or --attempts 2"} may help; check that the kernel has console=ttyS0 and a getty runs there`;
  }
  const tries = result.attempts > 1 ? ` (${result.attempts} attempts)` : "";
  return new KsimageError(`${image} did not boot with ${result.firmware === "uefi" ? "UEFI" : "BIOS"} under ${result.accel.accel.toUpperCase()}${tries}: ${result.failure}${empty}`, hint);
}

// Tell the user how the boot went: the success line, or the console's last lines and (thrown) the failure with a hint.
export function reportBoot(image: string, result: BootResult, err: (s: string) => void): void {
  if (!result.ok) {
    if (result.tail.length > 0) err(`last ${TAIL_LINES} lines of the serial console:\n${result.tail.map((l) => `  | ${l}`).join("\n")}\n`);
    else if (result.firmwareTail.length > 0) err(`the serial console stayed empty; the firmware's debug console ended with:\n${result.firmwareTail.map((l) => `  | ${l}`).join("\n")}\n`);
    throw bootFailure(image, result);
  }
  for (const k of result.sshHostKeys ?? []) err(`SSH host key: ${k.type} ${k.key}\n`);
  err(`"${result.expect}" appeared after ${result.seconds.toFixed(1)} s (${result.firmware === "uefi" ? "UEFI" : "BIOS"}, ${result.accel.accel.toUpperCase()}${result.attempts > 1 ? `, attempt ${result.attempts}` : ""})\n`);
}

/** Boot and judge; returns the exit code (0: the text appeared). */
export async function bootFromCli(image: string, opts: BootCliOptions, err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const timeoutSeconds = parseTimeout(opts.timeout);
  const memoryMiB = parseMemory(opts.memory);
  const attempts = parseAttempts(opts.attempts);
  if (opts.expect !== undefined && opts.expect === "") throw new UsageError("--expect needs a non-empty text");
  if (opts.logfile) setLogger(createLogger({ file: path.resolve(opts.logfile) }));
  const teardown = new Teardown();
  // Ctrl-C: stop QEMU (run's child registry), unwind, exit 130.
  const removeHandlers = installSignalHandlers(teardown, { onSignal: (s) => err(`${s}: stopping QEMU\n`) });
  try {
    const result = await bootImage({
      image,
      uefi: opts.uefi === true,
      timeoutSeconds,
      expect: opts.expect ?? DEFAULT_EXPECT,
      memoryMiB,
      net: opts.net === true,
      asDisk: opts.asDisk === true,
      ssh: opts.ssh === true,
      consoleLog: opts.consoleLog,
      attempts,
      teardown,
      log: (line) => err(`${line}\n`),
    });
    reportBoot(image, result, err);
    return 0;
  } finally {
    await teardown.unwind();
    removeHandlers();
  }
}

/** Register the boot command. */
export function registerBoot(program: Command): void {
  program
    .command("boot")
    .description("boot an image (raw, qcow2, vmdk, ..., or an ISO as a CD-ROM) in QEMU and wait for its login prompt on the serial console")
    .argument("<image>", "disk image to boot; it is not modified (-snapshot)")
    .option("--uefi", "boot with UEFI firmware (OVMF) instead of BIOS")
    .option("--timeout <seconds>", `give up after this many seconds (default ${DEFAULT_TIMEOUT_SECONDS})`)
    .option("--expect <text>", `text on the serial console that means the image booted (default "${DEFAULT_EXPECT}")`)
    .option("--memory <size>", "guest memory, e.g. 1024, 1G or 512M (default 1024 MiB)")
    .option("--as-disk", "attach an ISO as a hard disk instead of a CD-ROM (how a hybrid ISO boots from a USB stick)")
    .option("--net", "give the guest a user-mode network (default: no network)")
    .option("--ssh", "after the text, wait (within --timeout) until the guest's SSH server answers on a forwarded port, and print its public host keys; implies --net")
    .option("--attempts <n>", "boot up to n times (1 to 5, default 1) while the text does not appear within --timeout: an emulated (TCG) guest on a busy host now and then stalls for good; a visible failure is never tried again")
    .option("--console-log <file>", "save the serial console to this file")
    .option("--logfile <file>", "structured log of every command")
    .addHelpText(
      "after",
      "\nKVM is used when kvm_intel or kvm_amd is loaded and /dev/kvm opens, TCG otherwise; the choice is printed.\n" +
        "Exit status: 0 when the text appeared, 1 when it did not (the last 40 console lines are shown).\n" +
        "\nExamples:\n  ksimage boot out/appliance/appliance-sda.raw\n  ksimage boot --uefi --timeout 300 appliance.qcow2\n  ksimage boot --expect 'Reached target' appliance.vmdk\n  ksimage boot --uefi out/live/live.iso\n  ksimage boot --as-disk out/live/live.iso\n  ksimage boot --ssh out/appliance/appliance-sda.raw",
    )
    .action(async (image: string, opts: BootCliOptions) => {
      process.exitCode = await bootFromCli(image, opts);
    });
}
