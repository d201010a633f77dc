// bootloader: how and where the boot loader is installed (pykickstart F39_Bootloader), into ks.bootloader.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { Bootloader } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--append"], dest: "appendLine", description: "kernel command line arguments to add" },
  { names: ["--location"], dest: "location", default: "mbr", choices: ["mbr", "partition", "none", "boot"], description: "where the boot record goes: mbr (default), partition, none or boot" },
  { names: ["--password"], dest: "password", default: "", description: "boot loader password (secret)" },
  { names: ["--md5pass"], dest: "md5pass", description: "boot loader password, already hashed (secret)" },
  { names: ["--driveorder"], dest: "driveorder", type: commaList, description: "BIOS drive order (comma-separated)" },
  { names: ["--timeout"], dest: "timeout", type: "int", description: "seconds before the default entry boots" },
  { names: ["--default"], dest: "default", description: "default boot entry" },
  { names: ["--iscrypted"], dest: "isCrypted", action: "store_true", description: "--password is already hashed" },
  { names: ["--boot-drive"], dest: "bootDrive", default: "", description: "the drive to install the boot loader on" },
  { names: ["--leavebootorder"], dest: "leavebootorder", action: "store_true", description: "keep the firmware boot order (EFI, Power)" },
  { names: ["--extlinux"], dest: "extlinux", action: "store_true", description: "use extlinux instead of GRUB 2" },
  { names: ["--disabled"], dest: "disabled", action: "store_true", description: "install no boot loader at all" },
  { names: ["--nombr"], dest: "nombr", action: "store_true", description: "configure the boot loader but do not write the MBR" },
  { names: ["--sdboot"], dest: "sdboot", action: "store_true", description: "use systemd-boot instead of GRUB 2" },
];

/** ks.bootloader field for each option dest whose name differs. */
const FIELD: Record<string, keyof Bootloader> = { appendLine: "append" };

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  if (ns.md5pass) {
    ns.password = ns.md5pass;
    ns.isCrypted = true;
  }
  delete ns.md5pass;
  const b = ctx.ks.bootloader as Record<string, unknown>;
  // Like pykickstart's set_to_self, a later line changes only what it sets (or what has a default).
  for (const [dest, value] of Object.entries(ns)) if (value !== null) b[FIELD[dest] ?? dest] = value;
  b.seen = true;
  if ((b.bootDrive as string).includes(",")) ctx.error("--boot-drive accepts only one argument");
  if (b.sdboot && b.extlinux) ctx.error("--sdboot and --extlinux cannot be used together");
}

function bootloaderLine(b: Bootloader): string {
  const out = ["bootloader", `--location=${b.location}`];
  if (b.append !== null) out.push(`--append=${ksQuote(b.append)}`);
  if (b.timeout !== null) out.push(`--timeout=${b.timeout}`);
  if (b.bootDrive) out.push(`--boot-drive=${ksQuote(b.bootDrive)}`);
  if (b.driveorder.length) out.push(`--driveorder=${ksQuote(b.driveorder.join(","))}`);
  if (b.default !== null) out.push(`--default=${ksQuote(b.default)}`);
  if (b.password) out.push(`--password=${ksQuote(b.password)}`);
  for (const flag of ["isCrypted", "leavebootorder", "extlinux", "disabled", "nombr", "sdboot"] as const) {
    if (b[flag]) out.push(flag === "isCrypted" ? "--iscrypted" : `--${flag}`);
  }
  return out.join(" ");
}

/** The `bootloader` command: fills ks.bootloader; location is "mbr" once the command is seen. */
export const bootloaderCommand: CommandDef = {
  name: "bootloader",
  summary: "configure the boot loader (location, kernel arguments, timeout, password)",
  options,
  handle,
  toKickstart: (ks) => (ks.bootloader.seen ? [bootloaderLine(ks.bootloader)] : []),
};
