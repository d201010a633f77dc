// clearpart: which existing partitions to remove first (pykickstart F28_ClearPart), kept under other.clearpart.
import { z } from "zod";
import type { CommandContext, CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--all"], dest: "type", action: "store_const", const: "all", description: "remove all partitions" },
  { names: ["--drives"], dest: "drives", type: commaList, description: "only on these drives (comma-separated)" },
  { names: ["--initlabel"], dest: "initAll", action: "store_true", description: "create a new, empty disk label" },
  { names: ["--linux"], dest: "type", action: "store_const", const: "linux", description: "remove Linux partitions only" },
  { names: ["--none"], dest: "type", action: "store_const", const: "none", description: "remove nothing (the default)" },
  { names: ["--list"], dest: "devices", type: commaList, description: "remove exactly these partitions" },
  { names: ["--disklabel"], dest: "disklabel", default: "", description: "disk label type for new labels (gpt, msdos)" },
  { names: ["--cdl"], dest: "cdl", action: "store_true", description: "reformat LDL DASDs to CDL" },
];

/** pykickstart's F28_ClearPart defaults (type null: not given). */
const DEFAULTS: Record<string, unknown> = { drives: [], initAll: false, type: null, devices: [], disklabel: "", cdl: false };

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  const d = overlay((ctx.ks.other.clearpart as Record<string, unknown> | undefined) ?? DEFAULTS, ns);
  if ((d.devices as string[]).length) d.type = "list";
  ctx.ks.other.clearpart = d;
}

const typeFlag: Record<string, string> = { all: " --all", linux: " --linux", none: " --none", list: "" };

const clearArgs: ArgSpec[] = [
  ["--initlabel", "initAll", "flag"], ["--drives", "drives", "list"], ["--list", "devices", "list"],
  ["--disklabel", "disklabel", "value"], ["--cdl", "cdl", "flag"],
];

/** What clearpart asked for, typed; null when the kickstart has no clearpart line. */
export const ClearPartData = z.object({
  type: z.enum(["all", "linux", "none", "list"]).nullable(),
  drives: z.array(z.string()),
  devices: z.array(z.string()).describe("partitions named by --list"),
  initAll: z.boolean().describe("--initlabel"),
  disklabel: z.string().nullable(),
  cdl: z.boolean(),
});
export type ClearPartData = z.infer<typeof ClearPartData>;

/** The clearpart request of a parsed kickstart, or null. */
export function clearPartitions(ks: Kickstart): ClearPartData | null {
  const d = ks.other.clearpart as Record<string, unknown> | undefined;
  return d ? ClearPartData.parse({ ...d, disklabel: d.disklabel || null }) : null;
}

/** The `clearpart` command: later lines update the earlier settings. */
export const clearpartCommand: CommandDef = {
  name: "clearpart",
  summary: "remove existing partitions before partitioning",
  options,
  handle,
  toKickstart: (ks) => {
    const d = ks.other.clearpart as Record<string, unknown> | undefined;
    return d ? [`clearpart${typeFlag[String(d.type)] ?? ""}${writeArgs(d, clearArgs)}`] : [];
  },
};
