// volgroup: one LVM volume group per line (pykickstart F21_VolGroup), kept under other.volgroup.vgList.
import { z } from "zod";
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import { MiB, SourceRef, type Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { otherList, overlay, seenBefore, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "name", nargs: "*", description: "volume group name" },
  { names: [], dest: "partitions", nargs: "*", description: "physical volumes (pv.<id>) in the group" },
  { names: ["--noformat"], dest: "format", action: "store_false", description: "use an existing volume group" },
  { names: ["--pesize"], dest: "pesize", type: "int", default: 0, description: "physical extent size in KiB" },
  { names: ["--useexisting"], dest: "preexist", action: "store_true", description: "use an existing volume group" },
  { names: ["--reserved-space"], dest: "reserved_space", type: "int", description: "MiB to leave unused in a new group" },
  { names: ["--reserved-percent"], dest: "reserved_percent", type: "int", description: "percentage to leave unused in a new group" },
];

/** pykickstart's F21_VolGroupData defaults. */
const DEFAULTS: Record<string, unknown> = {
  format: true, pesize: 0, preexist: false, vgname: "", physvols: [], reserved_space: null, reserved_percent: null,
};

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  let name = ns.name as string[];
  let partitions = ns.partitions as string[];
  // Two variable-length positionals: pykickstart sorts them out by hand.
  if (!partitions.length) {
    if (extra.length) partitions = extra;
    else if (name.length) [name, partitions] = [name.slice(0, 1), name.slice(1)];
  }
  if (!ns.format) ns.preexist = true;
  const d = overlay(DEFAULTS, { ...ns, name, partitions });
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno });
  if (!name.length) ctx.error("volgroup must be given a VG name");
  if (!partitions.length && !ns.preexist) ctx.error("volgroup must be given a list of partitions");
  if (partitions.length && ns.preexist) ctx.error("Members may not be specified for preexisting volgroup");
  d.vgname = name[0];
  if (partitions.length) d.physvols = partitions;
  const list = otherList(ctx.ks, "volgroup", "vgList");
  if (list.some((o) => o.vgname === d.vgname)) ctx.warn(`A volgroup with the name ${String(d.vgname)} has already been defined.`);
  const space = d.reserved_space as number | null;
  const percent = d.reserved_percent as number | null;
  if (space !== null && space < 0) ctx.error("Volume group reserved space must be a positive integer.");
  if (percent !== null && !(percent > 0 && percent < 100)) ctx.error("Volume group reserved space percentage must be between 1 and 99.");
  if (seenBefore(ctx, "autopart")) ctx.error("The volgroup and autopart commands can't be used at the same time");
  if (seenBefore(ctx, "mount")) ctx.error("The volgroup and mount commands can't be used at the same time");
  list.push(d);
}

const vgArgs: ArgSpec[] = [
  ["--noformat", "format", "noflag"],
  ["--useexisting", "preexist", "flag"],
  ["--pesize", "pesize", "value"],
  ["--reserved-space", "reserved_space", "value"],
  ["--reserved-percent", "reserved_percent", "value"],
];

function vgLine(d: Record<string, unknown>): string {
  const members = d.preexist ? "" : " " + (d.physvols as string[]).map(ksQuote).join(" ");
  // --noformat implies --useexisting; writing both would repeat the same fact.
  const args = writeArgs({ ...d, preexist: d.preexist && d.format }, vgArgs);
  return `volgroup ${ksQuote(String(d.vgname))}${args}${members}`;
}

/** One volume group, typed for the disk planner; sizes in bytes. */
export const VolGroupData = SourceRef.extend({
  vgname: z.string(),
  physvols: z.array(z.string()).describe("pv.<id> members"),
  pesize: z.number().nullable().describe("physical extent size in bytes; null: the installer's default"),
  format: z.boolean(),
  preexist: z.boolean(),
  reservedSpace: z.number().nullable().describe("bytes to leave unused"),
  reservedPercent: z.number().nullable().describe("percentage to leave unused"),
});
export type VolGroupData = z.infer<typeof VolGroupData>;

/** The volume groups of a parsed kickstart, typed, sizes in bytes. */
export function volumeGroups(ks: Kickstart): VolGroupData[] {
  const list = (ks.other.volgroup as { vgList?: Record<string, unknown>[] } | undefined)?.vgList ?? [];
  return list.map((d) =>
    VolGroupData.parse({
      file: d.file, lineno: d.lineno, vgname: d.vgname, physvols: d.physvols, format: d.format, preexist: d.preexist,
      pesize: d.pesize ? (d.pesize as number) * 1024 : null,
      reservedSpace: typeof d.reserved_space === "number" ? d.reserved_space * MiB : null,
      reservedPercent: d.reserved_percent ?? null,
    }),
  );
}

/** The `volgroup` command: an LVM volume group over `part pv.*` members. */
export const volgroupCommand: CommandDef = {
  name: "volgroup",
  summary: "create an LVM volume group",
  options,
  handle,
  toKickstart: (ks) => ((ks.other.volgroup as { vgList?: Record<string, unknown>[] } | undefined)?.vgList ?? []).map(vgLine),
};
