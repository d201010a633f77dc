// mediacheck: verify the installation medium before installing (pykickstart FC4_MediaCheck); under other.mediacheck.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import { pyList } from "./shared.js";

/** The `mediacheck` command. */
export const mediacheckCommand: CommandDef = {
  name: "mediacheck",
  summary: "check the installation medium first (no effect on an image build)",
  options: [],
  handle(ctx) {
    const { extra } = ctx.parse([], ctx.args, true);
    if (extra.length) ctx.error(`Kickstart command mediacheck does not take any arguments: ${pyList(extra)}`);
    ctx.ks.other.mediacheck = { mediacheck: true };
  },
  toKickstart(ks: Kickstart) {
    return ks.other.mediacheck ? ["mediacheck"] : [];
  },
};
