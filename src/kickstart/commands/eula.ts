// eula: accept the end-user licence agreement without asking (pykickstart F20_Eula); under other.eula.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { pyList } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--agreed", "--agree", "--accepted", "--accept"], dest: "agreed", action: "store_true", description: "accept the EULA (required)" },
];

/** The `eula` command. */
export const eulaCommand: CommandDef = {
  name: "eula",
  summary: "accept the licence agreement (eula --agreed)",
  options,
  handle(ctx) {
    const { ns, extra } = ctx.parse(options, ctx.args, true);
    if (extra.length) ctx.error(`Kickstart command eula does not take any arguments: ${pyList(extra)}`);
    if (ns.agreed !== true) ctx.error("Kickstart command eula expects the --agreed option");
    ctx.ks.other.eula = { agreed: true };
  },
  toKickstart(ks: Kickstart) {
    return ks.other.eula ? ["eula --agreed"] : [];
  },
};
