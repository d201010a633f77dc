// skipx: do not configure X on the installed system (pykickstart FC3_SkipX); under other.skipx.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";

/** The `skipx` command. */
export const skipxCommand: CommandDef = {
  name: "skipx",
  summary: "do not configure the X Window System (boot to a text console)",
  options: [],
  handle(ctx) {
    ctx.parse([]);
    ctx.ks.other.skipx = { skipx: true };
  },
  toKickstart(ks: Kickstart) {
    return ks.other.skipx ? ["skipx"] : [];
  },
};
