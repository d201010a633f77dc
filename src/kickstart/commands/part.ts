// part/partition: one partition request per line (pykickstart F41_Partition), plus helpers the storage commands share.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { MiB, type Kickstart, type Partition } from "../model.js";
import type { OptionSpec } from "../options.js";

/** pykickstart's commaSplit: comma-separated values, each trimmed, empty ones dropped. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** pykickstart's mountpoint(): a path starting with "/" is normalised like os.path.normpath. */
export function normMountpoint(value: string): string {
  if (!value.startsWith("/")) return value;
  const lead = value.startsWith("//") && !value.startsWith("///") ? "//" : "/";
  const out: string[] = [];
  for (const part of value.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length) out.pop();
      continue;
    }
    out.push(part);
  }
  return lead + out.join("/");
}

/** Whether any of these command words came before this line (pykickstart's `seen`, which the parser sets first). */
export function seenBefore(ctx: CommandContext, ...words: string[]): boolean {
  return words.some((w) => ctx.ks.commandsSeen.includes(w));
}

/** pykickstart's set_to_obj/set_to_self: the defaults, overlaid with every parsed value that is not null. */
export function overlay<T extends Record<string, unknown>>(base: T, ns: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(ns)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}

/** The data list a command keeps under `other` (`other.logvol.lvList`), created on first use. */
export function otherList(ks: Kickstart, name: string, key: string): Record<string, unknown>[] {
  const holder = (ks.other[name] ??= { [key]: [] }) as Record<string, unknown>;
  return (holder[key] ??= []) as Record<string, unknown>[];
}

/** The single object a command keeps under `other` (`other.clearpart`), or undefined when unused. */
export function otherObject(ks: Kickstart, name: string): Record<string, unknown> | undefined {
  return ks.other[name] as Record<string, unknown> | undefined;
}

/** How toKickstart writes one attribute back: a flag when true/false, or `--opt=value` when set. */
export type ArgSpec = [option: string, key: string, kind: "flag" | "noflag" | "value" | "list"];

/** Render attributes back to options, skipping defaults (false, "", null, 0, []). */
export function writeArgs(obj: Record<string, unknown>, specs: readonly ArgSpec[]): string {
  const out: string[] = [];
  for (const [opt, key, kind] of specs) {
    const v = obj[key];
    if (kind === "flag" && v === true) out.push(opt);
    else if (kind === "noflag" && v === false) out.push(opt);
    else if (kind === "list" && Array.isArray(v) && v.length) out.push(`${opt}=${ksQuote(v.join(","))}`);
    else if (kind === "value" && v !== null && v !== undefined && v !== "" && v !== 0 && v !== false) out.push(`${opt}=${ksQuote(String(v))}`);
  }
  return out.length ? " " + out.join(" ") : "";
}

/** LUKS options shared by part, logvol, raid and autopart (pykickstart F29). */
export const luksOptions: OptionSpec[] = [
  { names: ["--encrypted"], dest: "encrypted", action: "store_true", description: "encrypt the device with LUKS" },
  { names: ["--passphrase"], dest: "passphrase", description: "LUKS passphrase (secret)" },
  { names: ["--escrowcert"], dest: "escrowcert", description: "URL of an X.509 certificate to escrow the data key with" },
  { names: ["--backuppassphrase"], dest: "backuppassphrase", action: "store_true", description: "add a random backup passphrase, escrowed too" },
  { names: ["--cipher"], dest: "cipher", description: "LUKS cipher" },
  { names: ["--luks-version"], dest: "luks_version", default: "", description: "LUKS format version (luks1, luks2)" },
  { names: ["--pbkdf"], dest: "pbkdf", default: "", description: "PBKDF algorithm for the LUKS key slot" },
  { names: ["--pbkdf-memory"], dest: "pbkdf_memory", type: "int", default: 0, description: "PBKDF memory cost (KiB)" },
  { names: ["--pbkdf-time"], dest: "pbkdf_time", type: "int", default: 0, description: "milliseconds to spend on PBKDF" },
  { names: ["--pbkdf-iterations"], dest: "pbkdf_iterations", type: "int", default: 0, description: "PBKDF iterations (no benchmark)" },
];

/** toKickstart specs for luksOptions. */
export const luksArgs: ArgSpec[] = [
  ["--encrypted", "encrypted", "flag"],
  ["--passphrase", "passphrase", "value"],
  ["--escrowcert", "escrowcert", "value"],
  ["--backuppassphrase", "backuppassphrase", "flag"],
  ["--cipher", "cipher", "value"],
  ["--luks-version", "luks_version", "value"],
  ["--pbkdf", "pbkdf", "value"],
  ["--pbkdf-memory", "pbkdf_memory", "value"],
  ["--pbkdf-time", "pbkdf_time", "value"],
  ["--pbkdf-iterations", "pbkdf_iterations", "value"],
];

/** The checks part, logvol and raid share on mkfs and PBKDF options (pykickstart F23/F29). */
export function checkFormatOptions(ctx: CommandContext, d: Record<string, unknown>): void {
  if (!d.format && d.mkfsopts) ctx.error("--mkfsoptions with --noformat has no effect.");
  if (d.fsprofile && d.mkfsopts) ctx.error("--mkfsoptions and --fsprofile cannot be used together.");
  if (d.pbkdf_time && d.pbkdf_iterations) ctx.error("Only one of --pbkdf-time and --pbkdf-iterations can be specified.");
}

const stripDev = (v: string): string => (v.startsWith("/dev/") ? v.slice(5) : v);

const options: OptionSpec[] = [
  { names: [], dest: "mntpoint", nargs: 1, description: "mount point: /path, swap, biosboot, prepboot, raid.<id>, pv.<id>, btrfs.<id> or none" },
  { names: ["--asprimary"], dest: "primOnly", action: "store_true", description: "force a primary partition (MBR only)" },
  { names: ["--fstype", "--type"], dest: "fstype", description: "filesystem type (ext4, xfs, btrfs, swap, vfat, efi, biosboot, ...)" },
  { names: ["--grow"], dest: "grow", action: "store_true", description: "grow to fill free space, up to --maxsize" },
  { names: ["--maxsize"], dest: "maxSizeMB", type: "int", description: "largest size in MiB when growing" },
  { names: ["--noformat"], dest: "format", action: "store_false", description: "keep the existing filesystem (with --onpart)" },
  { names: ["--onbiosdisk"], dest: "onbiosdisk", description: "create on this BIOS disk number" },
  { names: ["--ondisk", "--ondrive"], dest: "disk", description: "create on this disk" },
  { names: ["--onpart", "--usepart"], dest: "onPart", type: stripDev, description: "use this existing partition (LABEL=, UUID= allowed)" },
  { names: ["--recommended"], dest: "recommended", action: "store_true", description: "let the installer choose the size" },
  { names: ["--size"], dest: "size", type: "int", description: "size in MiB (the minimum when growing)" },
  { names: ["--fsoptions"], dest: "fsopts", description: "mount options written to fstab" },
  { names: ["--label"], dest: "label", description: "filesystem label" },
  { names: ["--fsprofile"], dest: "fsprofile", description: "mkfs usage type (ext2/3/4)" },
  { names: ["--resize"], dest: "resize", action: "store_true", description: "resize the --onpart partition to --size" },
  { names: ["--hibernation"], dest: "hibernation", action: "store_true", description: "size swap for hibernation" },
  { names: ["--mkfsoptions"], dest: "mkfsopts", description: "extra arguments for mkfs" },
  { names: ["--hw-passphrase"], dest: "hw_passphrase", description: "OPAL self-encrypting drive admin passphrase (accepted, not used)" },
  ...luksOptions,
];

function toPartition(ctx: CommandContext, ns: Record<string, unknown>): Partition {
  const str = (k: string): string | null => (ns[k] as string | null) ?? null;
  const mib = (k: string): number | null => (ns[k] === null ? null : (ns[k] as number) * MiB);
  return {
    file: ctx.file,
    lineno: ctx.lineno,
    mountpoint: (ns.mntpoint as string[])[0] as string,
    fstype: str("fstype"),
    size: mib("size"),
    grow: ns.grow as boolean,
    maxsize: mib("maxSizeMB"),
    recommended: ns.recommended as boolean,
    ondisk: str("disk"),
    onpart: str("onPart"),
    onbiosdisk: str("onbiosdisk"),
    asprimary: ns.primOnly as boolean,
    label: str("label"),
    fsoptions: str("fsopts"),
    mkfsoptions: str("mkfsopts"),
    fsprofile: str("fsprofile"),
    format: ns.format as boolean,
    resize: ns.resize as boolean,
    hibernation: ns.hibernation as boolean,
    encrypted: ns.encrypted as boolean,
    passphrase: str("passphrase"),
    luksVersion: str("luks_version") || null,
    cipher: str("cipher"),
  };
}

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  if (extra.length) ctx.error(`Unexpected arguments to partition command: ${extra.join(" ")}`);
  const p = toPartition(ctx, ns);
  if (p.mountpoint !== "swap" && ctx.ks.partitions.some((q) => q.mountpoint === p.mountpoint)) {
    ctx.warn(`A partition with the mountpoint ${p.mountpoint} has already been defined.`);
  }
  if (p.resize && !p.onpart) ctx.error("--resize can only be used in conjunction with --onpart");
  if (p.resize && !p.size) ctx.error("--resize requires --size to specify new size");
  if (seenBefore(ctx, "autopart")) ctx.error("The part/partition and autopart commands can't be used at the same time");
  if (seenBefore(ctx, "mount")) ctx.error("The part/partition and mount commands can't be used at the same time");
  if (p.fstype === "tmpfs" && (p.grow || p.maxsize)) ctx.error("The --fstype=tmpfs option can't be used together with --grow or --maxsize");
  checkFormatOptions(ctx, ns);
  ctx.ks.partitions.push(p);
}

const partArgs: ArgSpec[] = [
  ["--fstype", "fstype", "value"],
  ["--asprimary", "asprimary", "flag"],
  ["--grow", "grow", "flag"],
  ["--noformat", "format", "noflag"],
  ["--onbiosdisk", "onbiosdisk", "value"],
  ["--ondisk", "ondisk", "value"],
  ["--onpart", "onpart", "value"],
  ["--recommended", "recommended", "flag"],
  ["--fsoptions", "fsoptions", "value"],
  ["--label", "label", "value"],
  ["--fsprofile", "fsprofile", "value"],
  ["--resize", "resize", "flag"],
  ["--hibernation", "hibernation", "flag"],
  ["--mkfsoptions", "mkfsoptions", "value"],
  ["--encrypted", "encrypted", "flag"],
  ["--passphrase", "passphrase", "value"],
  ["--luks-version", "luksVersion", "value"],
  ["--cipher", "cipher", "value"],
];

function partLine(p: Partition): string {
  let line = `part ${ksQuote(p.mountpoint)}`;
  if (p.size !== null) line += ` --size=${p.size / MiB}`;
  if (p.maxsize) line += ` --maxsize=${p.maxsize / MiB}`;
  return line + writeArgs(p as unknown as Record<string, unknown>, partArgs);
}

/** The `part` command (alias `partition`): appends to `ks.partitions`, sizes in bytes. */
export const partCommand: CommandDef = {
  name: "part",
  aliases: ["partition"],
  summary: "create a partition (or a RAID/LVM/btrfs member) on a disk",
  options,
  support: "used",
  handle,
  toKickstart: (ks) => ks.partitions.map(partLine),
};
