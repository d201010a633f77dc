// harddrive: install from ISO images on a local partition (pykickstart F33_HardDrive), recorded in ks.other.harddrive.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherObject, overlay } from "./shared.js";

// --biospart was removed in F33: pykickstart rejects it as an unrecognized argument.
const options: OptionSpec[] = [
  { names: ["--partition"], dest: "partition", required: true, description: "partition holding the ISO images (such as sdb2)" },
  { names: ["--dir"], dest: "dir", required: true, description: "directory holding the ISO images and images/install.img" },
];

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  ctx.ks.other.harddrive = overlay(otherObject(ctx.ks, "harddrive") ?? { partition: null, dir: null }, ns);
}

/** The `harddrive` command: a local-disk installation source (`ks.other.harddrive`); accepted, not used by an image build. */
export const harddriveCommand: CommandDef = {
  name: "harddrive",
  summary: "install from ISO images on a local partition (not used by an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const h = otherObject(ks, "harddrive");
    return h ? [`harddrive --partition=${ksQuote(String(h.partition))} --dir=${ksQuote(String(h.dir))}`] : [];
  },
};
