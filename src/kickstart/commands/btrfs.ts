// btrfs: one btrfs volume or subvolume per line (pykickstart F23_BTRFS), kept under other.btrfs.btrfsList.
import { z } from "zod";
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { SourceRef, type Kickstart } from "../model.js";
import { OptionTypeError, type OptionSpec } from "../options.js";
import { normMountpoint, otherList, overlay, writeArgs, type ArgSpec } from "./shared.js";

const LEVELS: Record<string, string> = { raid0: "raid0", "0": "raid0", raid1: "raid1", "1": "raid1", raid10: "raid10", "10": "raid10", single: "single" };

function level(value: string): string {
  const v = LEVELS[value.toLowerCase()];
  if (!v) throw new OptionTypeError(`Invalid btrfs level: ${value}`);
  return v;
}

const options: OptionSpec[] = [
  { names: ["--noformat"], dest: "format", action: "store_false", description: "use an existing volume without formatting it" },
  { names: ["--useexisting"], dest: "preexist", action: "store_true", description: "same as --noformat" },
  { names: ["--label"], dest: "label", default: "", description: "filesystem label (volumes only)" },
  { names: ["--data"], dest: "dataLevel", type: level, typeName: "level", description: "RAID level for data: raid0, raid1, raid10 or single" },
  { names: ["--metadata"], dest: "metaDataLevel", type: level, typeName: "level", description: "RAID level for metadata" },
  { names: ["--subvol"], dest: "subvol", action: "store_true", description: "create a subvolume (needs --name and a parent)" },
  { names: ["--parent"], dest: "parent", default: "", description: "parent volume device" },
  { names: ["--name"], dest: "name", default: "", description: "subvolume name" },
  { names: ["--mkfsoptions"], dest: "mkfsopts", description: "extra arguments for mkfs.btrfs" },
];

/** pykickstart's F23_BTRFSData defaults. */
const DEFAULTS: Record<string, unknown> = {
  format: true, preexist: false, label: "", mountpoint: "", devices: [], dataLevel: null, metaDataLevel: null,
  subvol: false, parent: "", name: null, mkfsopts: "",
};

function handle(ctx: CommandContext): void {
  // Mount point and members are all extra words to pykickstart's parser.
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  const d = overlay(DEFAULTS, ns);
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno });
  if (!d.format) d.preexist = true;
  else if (d.preexist) d.format = false;
  if (!extra.length) ctx.error("btrfs must be given a mountpoint");
  if (extra.some((a) => a.startsWith("-"))) ctx.error(`Unexpected arguments to btrfs command: ${extra.join(" ")}`);
  d.mountpoint = normMountpoint(extra[0] as string);
  d.devices = extra.slice(1);
  if (!extra.slice(1).length && !d.subvol) ctx.error("btrfs must be given a list of partitions");
  if (!extra.slice(1).length) ctx.error("btrfs subvol requires specification of parent volume");
  if (d.subvol && !d.name) ctx.error("btrfs subvolume requires a name");
  const list = otherList(ctx.ks, "btrfs", "btrfsList");
  if (list.some((o) => o.mountpoint === d.mountpoint)) ctx.warn(`A btrfs volume with the mountpoint ${String(d.mountpoint)} has already been defined.`);
  if ((d.preexist || !d.format) && d.mkfsopts) ctx.error("--mkfsoptions with --noformat or --useexisting has no effect.");
  list.push(d);
}

const btrfsArgs: ArgSpec[] = [
  ["--noformat", "format", "noflag"], ["--label", "label", "value"], ["--data", "dataLevel", "value"],
  ["--metadata", "metaDataLevel", "value"], ["--subvol", "subvol", "flag"], ["--name", "name", "value"],
  ["--parent", "parent", "value"], ["--mkfsoptions", "mkfsopts", "value"],
];

function btrfsLine(d: Record<string, unknown>): string {
  const devices = (d.devices as string[]).map((m) => " " + ksQuote(m)).join("");
  return `btrfs ${ksQuote(String(d.mountpoint))}${writeArgs(d, btrfsArgs)}${devices}`;
}

/** One btrfs volume or subvolume, typed for the disk planner. */
export const BtrfsData = SourceRef.extend({
  mountpoint: z.string(),
  devices: z.array(z.string()).describe("btrfs.<id> members, or the parent volume of a subvolume"),
  subvol: z.boolean(),
  name: z.string().nullable().describe("subvolume name"),
  label: z.string().nullable(),
  dataLevel: z.string().nullable(),
  metaDataLevel: z.string().nullable(),
  format: z.boolean(),
  preexist: z.boolean(),
  mkfsoptions: z.string().nullable(),
});
export type BtrfsData = z.infer<typeof BtrfsData>;

const orNull = (v: unknown): string | null => (v === "" || v === undefined || v === null ? null : String(v));

/** The btrfs volumes and subvolumes of a parsed kickstart, typed. */
export function btrfsVolumes(ks: Kickstart): BtrfsData[] {
  const list = (ks.other.btrfs as { btrfsList?: Record<string, unknown>[] } | undefined)?.btrfsList ?? [];
  return list.map((d) =>
    BtrfsData.parse({
      file: d.file, lineno: d.lineno, mountpoint: d.mountpoint, devices: d.devices, subvol: d.subvol, name: orNull(d.name),
      label: orNull(d.label), dataLevel: orNull(d.dataLevel), metaDataLevel: orNull(d.metaDataLevel), format: d.format,
      preexist: d.preexist, mkfsoptions: orNull(d.mkfsopts),
    }),
  );
}

/** The `btrfs` command: a btrfs volume over `part btrfs.*` members, or a subvolume of one. */
export const btrfsCommand: CommandDef = {
  name: "btrfs",
  summary: "create a btrfs volume or subvolume",
  options,
  handle,
  toKickstart: (ks) => ((ks.other.btrfs as { btrfsList?: Record<string, unknown>[] } | undefined)?.btrfsList ?? []).map(btrfsLine),
};
