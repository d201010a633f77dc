// Write the guest's /etc/default/grub from the plan: kernel arguments, timeout, default entry, serial terminal.
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { getLogger, isDryRun } from "../../run/index.js";
import { grubSerialCommand } from "./kernel-args.js";
import type { BootloaderPlan } from "./types.js";

/** One KEY=value line of /etc/default/grub (the value unquoted). */
export type GrubSetting = [key: string, value: string];

/** The settings the plan decides, in file order. */
export function defaultGrubSettings(plan: BootloaderPlan): GrubSetting[] {
  const out: GrubSetting[] = [];
  if (plan.defaultEntry !== null) out.push(["GRUB_DEFAULT", plan.defaultEntry]);
  if (plan.timeout !== null) out.push(["GRUB_TIMEOUT", String(plan.timeout)]);
  if (plan.kernelArgs.length > 0) out.push(["GRUB_CMDLINE_LINUX", plan.kernelArgs.join(" ")]);
  if (plan.serial) {
    out.push(["GRUB_TERMINAL", "console serial"]);
    out.push(["GRUB_SERIAL_COMMAND", grubSerialCommand(plan.serial)]);
  }
  // grub-mkconfig runs in the guest session, whose /dev holds the build's own disks: os-prober must not go looking at them.
  out.push(["GRUB_DISABLE_OS_PROBER", "true"]);
  return out;
}

/** A value as /etc/default/grub (a shell fragment) needs it: in double quotes, with " \ $ ` escaped. */
export function shellDoubleQuote(value: string): string {
  return `"${value.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * TEXT with each setting applied: an existing `KEY=` line is replaced in place (commented-out ones are left alone),
 * a missing key is appended after a comment naming ksimage. Everything else is kept byte for byte.
 */
export function editDefaultGrub(text: string, settings: readonly GrubSetting[]): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const added: string[] = [];
  for (const [key, value] of settings) {
    const line = `${key}=${shellDoubleQuote(value)}`;
    const at = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${key}=`).test(l));
    if (at >= 0) lines[at] = line;
    else added.push(line);
  }
  if (added.length > 0) lines.push("# Set by ksimage from the kickstart's bootloader line.", ...added);
  return lines.join("\n") + "\n";
}

// Apply the plan's settings to ROOT/etc/default/grub, creating it when the guest has none.
export async function writeDefaultGrub(plan: BootloaderPlan, root: string): Promise<void> {
  const file = path.join(root, "etc/default/grub");
  const settings = defaultGrubSettings(plan);
  getLogger().info({ file, settings }, "write /etc/default/grub");
  if (isDryRun()) return;
  const before = existsSync(file) ? await readFile(file, "utf8") : "";
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await writeFile(`${file}.ksimage-tmp`, editDefaultGrub(before, settings), { mode: 0o644 });
  await rename(`${file}.ksimage-tmp`, file);
}
