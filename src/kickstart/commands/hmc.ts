// hmc: install from SE/HMC media on IBM Z (pykickstart F28_Hmc), kept as an empty object under other.hmc.
import type { CommandDef } from "../command.js";

/** The `hmc` command: no options, no arguments. */
export const hmcCommand: CommandDef = {
  name: "hmc",
  summary: "install from the SE/HMC medium (IBM Z); no effect on an image",
  options: [],
  handle(ctx) {
    if (ctx.args.length) ctx.error(`Kickstart command ${ctx.word} does not take any arguments`);
    ctx.ks.other.hmc = {};
  },
  toKickstart: (ks) => (ks.other.hmc ? ["hmc"] : []),
};
