// authselect: arguments for the authselect tool, kept verbatim (pykickstart F28_Authselect); under other.authselect.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";

/** The `authselect` command. */
export const authselectCommand: CommandDef = {
  name: "authselect",
  summary: "authentication profile, as arguments to authselect (kept verbatim)",
  options: [{ names: [], dest: "options", nargs: "*", description: "arguments for authselect, e.g. select sssd with-mkhomedir --force" }],
  handle(ctx) {
    // pykickstart takes the physical line after the command word, untouched apart from outer whitespace.
    const line = ctx.line.trimStart();
    ctx.ks.other.authselect = { authselect: line.slice(ctx.word.length).trim() };
  },
  toKickstart(ks: Kickstart) {
    const a = ks.other.authselect as { authselect: string } | undefined;
    return a ? [`authselect ${a.authselect}`.trimEnd()] : [];
  },
};
