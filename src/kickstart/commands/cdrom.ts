// cdrom: install from the first optical drive (pykickstart FC3_Cdrom), recorded in ks.other.cdrom.
import type { CommandContext, CommandDef } from "../command.js";

function handle(ctx: CommandContext): void {
  if (ctx.args.length) ctx.error(`Kickstart command ${ctx.word} does not take any arguments`);
  // The command object has no attributes of its own: being seen is all it says.
  ctx.ks.other.cdrom = {};
}

/** The `cdrom` command: takes no arguments; an appliance build has no installation media, so it changes nothing. */
export const cdromCommand: CommandDef = {
  name: "cdrom",
  summary: "install from the first CD-ROM/DVD drive (no effect on an image build)",
  options: [],
  handle,
  toKickstart: (ks) => (ks.other.cdrom ? ["cdrom"] : []),
};
