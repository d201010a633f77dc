// driverdisk: load a driver update disk (pykickstart F14_DriverDisk), one entry per line in ks.other.driverdisk.driverdiskList.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { otherList } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "partition", nargs: "*", description: "partition holding the driver disk" },
  { names: ["--source"], dest: "source", description: "URL of the driver disk image (nfs:host:/path allowed)" },
  { names: ["--biospart"], dest: "biospart", description: "BIOS partition holding the driver disk (such as 82p2)" },
];

/** Python's repr of a list of strings, as pykickstart puts it in messages. */
function pyList(words: string[]): string {
  return `[${words.map((w) => (w.includes("'") && !w.includes('"') ? `"${w}"` : `'${w.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`)).join(", ")}]`;
}

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  const parts = ns.partition as string[];
  const source = ns.source as string | null;
  const biospart = ns.biospart as string | null;
  if (parts.length > 1) ctx.error("Only one partition may be specified for driverdisk command.");
  if (extra.length) ctx.error(`Unexpected arguments to driverdisk command: ${pyList(extra)}`);
  if (parts.length === 1 && source) ctx.error("Only one of --source and partition may be specified for driverdisk command.");
  if (parts.length === 1 && biospart) ctx.error("Only one of --biospart and partition may be specified for driverdisk command.");
  if (source && biospart) ctx.error("Only one of --biospart and --source may be specified for driverdisk command.");
  if (!parts.length && !source && !biospart) ctx.error("One of --source, --biospart, or partition must be specified for driverdisk command.");
  // pykickstart copies the positional list as it is, then replaces it by its only element:
  // without a partition the attribute is an empty list.
  otherList(ctx.ks, "driverdisk", "driverdiskList").push({
    lineno: ctx.lineno,
    partition: parts.length === 1 ? parts[0] : [],
    source: source ?? "",
    biospart: biospart ?? "",
  });
}

function driverdiskLine(d: Record<string, unknown>): string {
  if (typeof d.partition === "string" && d.partition) return `driverdisk ${ksQuote(d.partition)}`;
  if (d.source) return `driverdisk --source=${ksQuote(String(d.source))}`;
  return `driverdisk --biospart=${ksQuote(String(d.biospart))}`;
}

/** The `driverdisk` command: driver update disks for the installer; accepted, no effect on an image build. */
export const driverdiskCommand: CommandDef = {
  name: "driverdisk",
  summary: "load a driver update disk in the installer (no effect on an image build)",
  options,
  handle,
  toKickstart: (ks: Kickstart) => {
    const holder = ks.other.driverdisk as { driverdiskList?: Record<string, unknown>[] } | undefined;
    return (holder?.driverdiskList ?? []).map(driverdiskLine);
  },
};
