// mount: mount (and maybe reformat) an existing device (pykickstart F27_Mount), kept under other.mount.mount_points.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { normMountpoint, otherList, overlay, seenBefore } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "device", nargs: 1, description: "the existing block device" },
  { names: [], dest: "mntpoint", nargs: 1, type: normMountpoint, description: "where to mount it, or none" },
  { names: ["--reformat"], dest: "reformat", nargs: "?", const: true, default: false, description: "reformat, optionally to the given filesystem type" },
  { names: ["--mkfsoptions"], dest: "mkfs_opts", description: "extra arguments for mkfs (needs --reformat)" },
  { names: ["--mountoptions"], dest: "mount_opts", description: "mount options written to fstab" },
];

const DEFAULTS: Record<string, unknown> = { mount_point: "", device: "", format: "", reformat: false, mkfs_opts: "", mount_opts: "" };

function handle(ctx: CommandContext): void {
  const conflict = ["autopart", "part/partition", "raid", "volgroup", "logvol", "reqpart"].find((c) => seenBefore(ctx, ...c.split("/")));
  if (conflict) ctx.error(`The '${conflict}' and 'mount' commands can't be used at the same time`);
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  if (extra.length) ctx.error(`Unexpected arguments to mount command: ${extra.join(" ")}`);
  const d = overlay(DEFAULTS, ns);
  Object.assign(d, { file: ctx.file, lineno: ctx.lineno, device: (ns.device as string[])[0], mount_point: (ns.mntpoint as string[])[0] });
  const mp = d.mount_point as string;
  if (mp.toLowerCase() !== "none" && !mp.startsWith("/")) ctx.error(`Invalid mount point '${mp}' given`);
  if (d.reformat === false && d.mkfs_opts) ctx.error("'--mkfsoptions' requires --reformat");
  if (d.reformat && d.reformat !== true) [d.format, d.reformat] = [d.reformat, true];
  otherList(ctx.ks, "mount", "mount_points").push(d);
}

function mountLine(d: Record<string, unknown>): string {
  let line = `mount ${ksQuote(String(d.device))} ${ksQuote(String(d.mount_point))}`;
  if (d.reformat) line += d.format ? ` --reformat=${ksQuote(String(d.format))}` : " --reformat";
  if (d.mkfs_opts) line += ` --mkfsoptions=${ksQuote(String(d.mkfs_opts))}`;
  if (d.mount_opts) line += ` --mountoptions=${ksQuote(String(d.mount_opts))}`;
  return line;
}

/** The `mount` command: use an existing device without describing the storage stack. */
export const mountCommand: CommandDef = {
  name: "mount",
  summary: "mount an existing device (no partitioning); not usable for a new image",
  options,
  handle,
  toKickstart: (ks) => ((ks.other.mount as { mount_points?: Record<string, unknown>[] } | undefined)?.mount_points ?? []).map(mountLine),
};
