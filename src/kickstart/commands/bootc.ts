// bootc: install a bootable container image with bootc (pykickstart F45_Bootc), recorded in ks.other.bootc.
import type { CommandContext, CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { checkConflicts } from "./ostreesetup.js";
import { otherObject, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--stateroot"], dest: "stateroot", default: "default", description: "name of the state directory (default: default)" },
  { names: ["--source-imgref"], dest: "sourceImgRef", required: true, description: "image to install, with a transport prefix (registry:...)" },
  { names: ["--target-imgref"], dest: "targetImgRef", description: "image to follow for updates, no transport prefix (default: the source)" },
  { names: ["--bootloader"], dest: "bootloader", description: "boot loader: none, grub or systemd" },
  { names: ["--composefs"], dest: "composefs", action: "store_true", description: "use the composefs backend instead of ostree" },
];

const DEFAULTS = { stateroot: null, sourceImgRef: null, targetImgRef: null, bootloader: null, composefs: false };

function handle(ctx: CommandContext): void {
  checkConflicts(ctx, "bootc", ["ostreesetup", "ostreecontainer"]);
  const { ns } = ctx.parse(options);
  const o = overlay(otherObject(ctx.ks, "bootc") ?? DEFAULTS, ns);
  if (!o.targetImgRef) o.targetImgRef = o.sourceImgRef;
  ctx.ks.other.bootc = o;
}

const bootcArgs: ArgSpec[] = [
  ["--stateroot", "stateroot", "value"],
  ["--source-imgref", "sourceImgRef", "value"],
  ["--target-imgref", "targetImgRef", "value"],
  ["--bootloader", "bootloader", "value"],
  ["--composefs", "composefs", "flag"],
];

/** The `bootc` command: a bootable container as the installation source (`ks.other.bootc`); accepted, not used by an image build. */
export const bootcCommand: CommandDef = {
  name: "bootc",
  summary: "install a bootable container image with bootc (not used by an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const o = otherObject(ks, "bootc");
    return o ? [`bootc${writeArgs(o, bootcArgs)}`] : [];
  },
};
