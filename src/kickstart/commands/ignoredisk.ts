// ignoredisk: which disks the installer may touch (pykickstart F34_IgnoreDisk), kept under other.ignoredisk.
import type { CommandContext, CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList, overlay, writeArgs } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--drives"], dest: "ignoredisk", type: commaList, description: "disks to leave alone (comma-separated)" },
  { names: ["--only-use"], dest: "onlyuse", type: commaList, description: "use only these disks (comma-separated)" },
];

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  const prev = (ctx.ks.other.ignoredisk as Record<string, unknown> | undefined) ?? { ignoredisk: [], onlyuse: [] };
  const d = overlay(prev, ns);
  const given = [d.ignoredisk, d.onlyuse].filter((v) => (v as string[]).length).length;
  if (given !== 1) ctx.error("One of --drives or --only-use must be specified for ignoredisk command.");
  ctx.ks.other.ignoredisk = d;
}

/** The disks ignoredisk restricts to or excludes, or null when there is no ignoredisk line. */
export function diskFilter(ks: Kickstart): { ignore: string[]; onlyUse: string[] } | null {
  const d = ks.other.ignoredisk as { ignoredisk: string[]; onlyuse: string[] } | undefined;
  return d ? { ignore: [...d.ignoredisk], onlyUse: [...d.onlyuse] } : null;
}

/** The `ignoredisk` command: exactly one of --drives and --only-use. */
export const ignorediskCommand: CommandDef = {
  name: "ignoredisk",
  summary: "restrict which disks are used or ignored",
  options,
  handle,
  toKickstart: (ks) => {
    const d = ks.other.ignoredisk as Record<string, unknown> | undefined;
    return d ? [`ignoredisk${writeArgs(d, [["--drives", "ignoredisk", "list"], ["--only-use", "onlyuse", "list"]])}`] : [];
  },
};
