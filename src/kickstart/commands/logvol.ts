// logvol: one LVM logical volume per line (pykickstart F29_LogVol), kept under other.logvol.lvList.
import { z } from "zod";
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { MiB, SourceRef, type Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { checkFormatOptions, commaList, luksArgs, luksOptions, otherList, overlay, seenBefore, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "mntpoint", nargs: 1, description: "mount point, swap, or none" },
  { names: ["--fstype"], dest: "fstype", description: "filesystem type" },
  { names: ["--grow"], dest: "grow", action: "store_true", description: "grow to fill the volume group, up to --maxsize" },
  { names: ["--maxsize"], dest: "maxSizeMB", type: "int", description: "largest size in MiB when growing" },
  { names: ["--name"], dest: "name", required: true, description: "logical volume name" },
  { names: ["--noformat"], dest: "format", action: "store_false", description: "use an existing volume without formatting it" },
  { names: ["--percent"], dest: "percent", type: "int", description: "size as a percentage of the volume group" },
  { names: ["--recommended"], dest: "recommended", action: "store_true", description: "let the installer choose the size" },
  { names: ["--size"], dest: "size", type: "int", description: "size in MiB" },
  { names: ["--useexisting"], dest: "preexist", action: "store_true", description: "use an existing logical volume and reformat it" },
  { names: ["--vgname"], dest: "vgname", required: true, description: "volume group the volume belongs to" },
  { names: ["--fsoptions"], dest: "fsopts", description: "mount options written to fstab" },
  { names: ["--fsprofile"], dest: "fsprofile", description: "mkfs usage type" },
  { names: ["--label"], dest: "label", description: "filesystem label" },
  { names: ["--resize"], dest: "resize", action: "store_true", description: "resize an existing volume to --size" },
  { names: ["--hibernation"], dest: "hibernation", action: "store_true", description: "size swap for hibernation" },
  { names: ["--thinpool"], dest: "thin_pool", action: "store_true", description: "create a thin pool (mount point none)" },
  { names: ["--thin"], dest: "thin_volume", action: "store_true", description: "create a thin volume in --poolname" },
  { names: ["--poolname"], dest: "pool_name", description: "thin pool of a thin volume" },
  { names: ["--chunksize"], dest: "chunk_size", type: "int", description: "thin pool chunk size in KiB" },
  { names: ["--metadatasize"], dest: "metadata_size", type: "int", description: "thin pool metadata size in MiB" },
  { names: ["--profile"], dest: "profile", description: "LVM profile of the thin pool" },
  { names: ["--cachesize"], dest: "cache_size", type: "int", description: "cache size in MiB (needs --cachepvs)" },
  { names: ["--cachemode"], dest: "cache_mode", description: "cache mode: writeback or writethrough" },
  { names: ["--cachepvs"], dest: "cache_pvs", type: commaList, description: "fast physical volumes for the cache" },
  { names: ["--mkfsoptions"], dest: "mkfsopts", description: "extra arguments for mkfs" },
  ...luksOptions,
];

/** pykickstart's F29_LogVolData defaults (sizes in MiB, "" for not given). */
const DEFAULTS = {
  fstype: "", grow: false, maxSizeMB: 0, name: "", format: true, percent: 0, recommended: false, size: null,
  preexist: false, vgname: "", mountpoint: "", fsopts: "", fsprofile: "", encrypted: false, passphrase: "",
  escrowcert: "", backuppassphrase: false, cipher: "", hibernation: false, thin_pool: false, thin_volume: false,
  pool_name: "", chunk_size: null, metadata_size: null, profile: "", label: "", resize: false, cache_size: 0,
  cache_mode: "", cache_pvs: [], mkfsopts: "", luks_version: "", pbkdf: "", pbkdf_memory: 0, pbkdf_time: 0, pbkdf_iterations: 0,
} as Record<string, unknown>;

function checks(ctx: CommandContext, d: Record<string, unknown>): void {
  if (d.resize && !d.preexist) ctx.error("--resize can only be used in conjunction with --useexisting");
  if (d.resize && !d.size) ctx.error("--resize requires --size to indicate new size");
  if (d.thin_volume && d.thin_pool) ctx.error("--thin and --thinpool cannot both be specified for the same logvol");
  if (d.thin_volume && !d.pool_name) ctx.error("--thin requires --poolname to specify pool name");
  if ((d.chunk_size || d.metadata_size) && !d.thin_pool) ctx.error("--chunksize and --metadatasize are for thin pools only");
  if (seenBefore(ctx, "autopart")) ctx.error("The logvol and autopart commands can't be used at the same time");
  if (seenBefore(ctx, "mount")) ctx.error("The logvol and mount commands can't be used at the same time");
  if (!d.preexist && !d.percent && !d.size && !d.recommended && !d.hibernation) {
    ctx.error("No size given for logical volume. Use one of --useexisting, --noformat, --size, --percent, or --hibernation.");
  }
  const percent = d.percent as number;
  if (percent < 0 || percent > 100) ctx.error("Percentage must be between 0 and 100.");
  if (d.size && d.percent) ctx.error("--size and --percent cannot both be specified for the same logvol");
  if (d.cache_size || d.cache_mode || (d.cache_pvs as string[]).length) {
    if (d.preexist) ctx.error("Adding a cache to an existing logical volume is not supported");
    if (d.thin_volume) ctx.error("Thin volumes cannot be cached");
    if (!(d.cache_pvs as string[]).length) ctx.error("Cache needs to have a list of (fast) PVs specified");
    if (!d.cache_size) ctx.error("Cache needs to have size specified");
    if (d.cache_mode && !["writeback", "writethrough"].includes(d.cache_mode as string)) ctx.error(`Invalid cache mode given: ${String(d.cache_mode)}`);
  }
  checkFormatOptions(ctx, d);
}

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  if (extra.length) ctx.error(`Unexpected arguments to logvol command: ${extra.join(" ")}`);
  const d = overlay(DEFAULTS, ns);
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno, mountpoint: (ns.mntpoint as string[])[0] });
  if (!d.format) d.preexist = true;
  const list = otherList(ctx.ks, "logvol", "lvList");
  if (list.some((o) => o.vgname === d.vgname && o.name === d.name)) {
    ctx.warn(`A logical volume with the name ${String(d.name)} has already been defined in volume group ${String(d.vgname)}.`);
  }
  checks(ctx, d);
  list.push(d);
}

const lvArgs: ArgSpec[] = [
  ["--name", "name", "value"], ["--vgname", "vgname", "value"], ["--fstype", "fstype", "value"], ["--grow", "grow", "flag"],
  ["--maxsize", "maxSizeMB", "value"], ["--noformat", "format", "noflag"], ["--percent", "percent", "value"],
  ["--recommended", "recommended", "flag"], ["--size", "size", "value"], ["--useexisting", "preexist", "flag"],
  ["--fsoptions", "fsopts", "value"], ["--fsprofile", "fsprofile", "value"], ["--label", "label", "value"],
  ["--resize", "resize", "flag"], ["--hibernation", "hibernation", "flag"], ["--thinpool", "thin_pool", "flag"],
  ["--thin", "thin_volume", "flag"], ["--poolname", "pool_name", "value"], ["--chunksize", "chunk_size", "value"],
  ["--metadatasize", "metadata_size", "value"], ["--profile", "profile", "value"], ["--cachesize", "cache_size", "value"],
  ["--cachemode", "cache_mode", "value"], ["--cachepvs", "cache_pvs", "list"], ["--mkfsoptions", "mkfsopts", "value"], ...luksArgs,
];

/** One logical volume, typed for the disk planner; sizes in bytes. */
export const LogVolData = SourceRef.extend({
  mountpoint: z.string().describe("mount point, swap or none"),
  name: z.string().describe("logical volume name"),
  vgname: z.string().describe("volume group"),
  fstype: z.string().nullable(),
  size: z.number().nullable().describe("bytes (--size)"),
  grow: z.boolean(),
  maxsize: z.number().nullable().describe("bytes (--maxsize)"),
  percent: z.number().nullable().describe("percentage of the volume group (--percent)"),
  recommended: z.boolean(),
  hibernation: z.boolean().describe("size swap for hibernation (--hibernation)"),
  format: z.boolean(),
  preexist: z.boolean(),
  label: z.string().nullable(),
  fsoptions: z.string().nullable(),
  mkfsoptions: z.string().nullable(),
  encrypted: z.boolean(),
  passphrase: z.string().nullable().describe("secret"),
  thinPool: z.boolean(),
  thinVolume: z.boolean(),
  poolName: z.string().nullable(),
});
export type LogVolData = z.infer<typeof LogVolData>;

const orNull = (v: unknown): string | null => (v === "" || v === undefined || v === null ? null : String(v));
const bytes = (v: unknown): number | null => (typeof v === "number" && v !== 0 ? v * MiB : null);

/** The logical volumes of a parsed kickstart, typed, sizes in bytes. */
export function logicalVolumes(ks: Kickstart): LogVolData[] {
  const list = ((ks.other.logvol as { lvList?: Record<string, unknown>[] } | undefined)?.lvList ?? []);
  return list.map((d) =>
    LogVolData.parse({
      file: d.file, lineno: d.lineno, mountpoint: d.mountpoint, name: d.name, vgname: d.vgname, fstype: orNull(d.fstype),
      size: typeof d.size === "number" ? d.size * MiB : null, grow: d.grow, maxsize: bytes(d.maxSizeMB),
      percent: d.percent || null, recommended: d.recommended, hibernation: d.hibernation, format: d.format, preexist: d.preexist, label: orNull(d.label),
      fsoptions: orNull(d.fsopts), mkfsoptions: orNull(d.mkfsopts), encrypted: d.encrypted, passphrase: orNull(d.passphrase),
      thinPool: d.thin_pool, thinVolume: d.thin_volume, poolName: orNull(d.pool_name),
    }),
  );
}

/** The `logvol` command: an LVM logical volume in a `volgroup`. */
export const logvolCommand: CommandDef = {
  name: "logvol",
  summary: "create an LVM logical volume",
  options,
  handle,
  toKickstart: (ks) =>
    ((ks.other.logvol as { lvList?: Record<string, unknown>[] } | undefined)?.lvList ?? []).map(
      (d) => `logvol ${ksQuote(String(d.mountpoint))}${writeArgs(d, lvArgs)}`,
    ),
};
