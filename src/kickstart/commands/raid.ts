// raid: one software RAID device per line (pykickstart F43_Raid), kept under other.raid.raidList.
import { z } from "zod";
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { SourceRef, type Kickstart } from "../model.js";
import { OptionTypeError, type OptionSpec } from "../options.js";
import { checkFormatOptions, luksArgs, luksOptions, normMountpoint, otherList, overlay, seenBefore, writeArgs, type ArgSpec } from "./shared.js";

const LEVELS = ["0", "1", "4", "5", "6", "10"];

function level(value: string): string {
  const v = value.toUpperCase();
  const n = v.startsWith("RAID") ? v.slice(4) : v;
  if (!LEVELS.includes(n)) throw new OptionTypeError(`Invalid raid level: ${value}`);
  return `RAID${n}`;
}

const options: OptionSpec[] = [
  { names: [], dest: "mntpoint", nargs: 1, type: normMountpoint, description: "mount point, swap, pv.<id> or none" },
  { names: [], dest: "partitions", nargs: "*", description: "raid.<id> member partitions" },
  { names: ["--device"], dest: "device", required: true, type: (v) => (v.startsWith("md") ? v.slice(2) : v), description: "array name (or LABEL=/UUID= of an existing one)" },
  { names: ["--fstype"], dest: "fstype", description: "filesystem type" },
  { names: ["--level"], dest: "level", type: level, typeName: "level", description: "RAID level: 0, 1, 4, 5, 6 or 10" },
  { names: ["--noformat"], dest: "format", action: "store_false", description: "use an existing array without formatting it" },
  { names: ["--spares"], dest: "spares", type: "int", default: 0, description: "number of spare members" },
  { names: ["--useexisting"], dest: "preexist", action: "store_true", description: "use an existing array and reformat it" },
  { names: ["--fsoptions"], dest: "fsopts", description: "mount options written to fstab" },
  { names: ["--fsprofile"], dest: "fsprofile", description: "mkfs usage type" },
  { names: ["--label"], dest: "label", description: "filesystem label" },
  { names: ["--mkfsoptions"], dest: "mkfsopts", description: "extra arguments for mkfs" },
  { names: ["--chunksize"], dest: "chunk_size", type: "int", description: "chunk size in KiB" },
  ...luksOptions,
];

/** pykickstart's F29_RaidData defaults. */
const DEFAULTS: Record<string, unknown> = {
  device: null, fstype: "", level: "", format: true, spares: 0, preexist: false, mountpoint: "", members: [], fsopts: "",
  fsprofile: "", encrypted: false, passphrase: "", escrowcert: "", backuppassphrase: false, cipher: "", label: "",
  mkfsopts: "", chunk_size: null, luks_version: "", pbkdf: "", pbkdf_memory: 0, pbkdf_time: 0, pbkdf_iterations: 0,
};

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  if (extra.some((a) => a.startsWith("-"))) ctx.error(`Unexpected arguments to raid command: ${extra.join(" ")}`);
  const partitions = (ns.partitions as string[]).length ? (ns.partitions as string[]) : extra;
  if (!ns.format) ns.preexist = true;
  if (!partitions.length && !ns.preexist) ctx.error("Partitions required for raid");
  if (partitions.length && ns.preexist) ctx.error("Members may not be specified for preexisting RAID device");
  const d = overlay(DEFAULTS, { ...ns, partitions });
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno, mountpoint: (ns.mntpoint as string[])[0] });
  if (partitions.length) d.members = partitions;
  const list = otherList(ctx.ks, "raid", "raidList");
  if (list.some((o) => o.device === d.device)) ctx.warn(`A RAID device with the name ${String(d.device)} has already been defined.`);
  if (!d.preexist && !d.level) ctx.error("RAID Partition defined without RAID level");
  if (d.preexist && d.device === "") ctx.error("Device required for preexisting RAID device");
  if (seenBefore(ctx, "autopart")) ctx.error("The raid and autopart commands can't be used at the same time");
  if (seenBefore(ctx, "mount")) ctx.error("The raid and mount commands can't be used at the same time");
  checkFormatOptions(ctx, d);
  list.push(d);
}

const raidArgs: ArgSpec[] = [
  ["--device", "device", "value"], ["--level", "level", "value"], ["--fstype", "fstype", "value"],
  ["--noformat", "format", "noflag"], ["--spares", "spares", "value"], ["--fsoptions", "fsopts", "value"],
  ["--fsprofile", "fsprofile", "value"], ["--label", "label", "value"], ["--mkfsoptions", "mkfsopts", "value"],
  ["--chunksize", "chunk_size", "value"], ...luksArgs,
];

function raidLine(d: Record<string, unknown>): string {
  const existing = d.preexist && d.format ? " --useexisting" : "";
  const members = (d.members as string[]).map((m) => " " + ksQuote(m)).join("");
  return `raid ${ksQuote(String(d.mountpoint))}${writeArgs(d, raidArgs)}${existing}${members}`;
}

/** One software RAID array, typed for the disk planner. */
export const RaidData = SourceRef.extend({
  mountpoint: z.string(),
  device: z.string().describe("array name (md prefix removed)"),
  level: z.string().nullable().describe("RAID0, RAID1, RAID4, RAID5, RAID6 or RAID10"),
  members: z.array(z.string()).describe("raid.<id> member partitions"),
  spares: z.number(),
  fstype: z.string().nullable(),
  format: z.boolean(),
  preexist: z.boolean(),
  label: z.string().nullable(),
  fsoptions: z.string().nullable(),
  mkfsoptions: z.string().nullable(),
  chunkSize: z.number().nullable().describe("bytes"),
  encrypted: z.boolean(),
  passphrase: z.string().nullable().describe("secret"),
});
export type RaidData = z.infer<typeof RaidData>;

const orNull = (v: unknown): string | null => (v === "" || v === undefined || v === null ? null : String(v));

/** The RAID arrays of a parsed kickstart, typed. */
export function raidDevices(ks: Kickstart): RaidData[] {
  const list = (ks.other.raid as { raidList?: Record<string, unknown>[] } | undefined)?.raidList ?? [];
  return list.map((d) =>
    RaidData.parse({
      file: d.file, lineno: d.lineno, mountpoint: d.mountpoint, device: String(d.device), level: orNull(d.level),
      members: d.members, spares: d.spares, fstype: orNull(d.fstype), format: d.format, preexist: d.preexist,
      label: orNull(d.label), fsoptions: orNull(d.fsopts), mkfsoptions: orNull(d.mkfsopts),
      chunkSize: typeof d.chunk_size === "number" ? d.chunk_size * 1024 : null, encrypted: d.encrypted, passphrase: orNull(d.passphrase),
    }),
  );
}

/** The `raid` command: an mdraid array over `part raid.*` members. */
export const raidCommand: CommandDef = {
  name: "raid",
  summary: "create a software RAID array",
  options,
  handle,
  toKickstart: (ks) => ((ks.other.raid as { raidList?: Record<string, unknown>[] } | undefined)?.raidList ?? []).map(raidLine),
};
