// part/partition: one partition request per line (pykickstart F41_Partition).
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { MiB, type Partition } from "../model.js";
import type { OptionSpec } from "../options.js";

import { seenBefore, writeArgs, luksOptions, checkFormatOptions, normMountpoint, type ArgSpec } from "./shared.js";

const stripDev = (v: string): string => (v.startsWith("/dev/") ? v.slice(5) : v);

const options: OptionSpec[] = [
  { names: [], dest: "mntpoint", nargs: 1, type: normMountpoint, description: "mount point: /path, swap, biosboot, prepboot, raid.<id>, pv.<id>, btrfs.<id> or none" },
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
  handle,
  toKickstart: (ks) => ks.partitions.map(partLine),
};
