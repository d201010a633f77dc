// firstboot: whether the first-boot setup tool runs (pykickstart FC3_Firstboot); under other.firstboot.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--disable", "--disabled"], dest: "firstboot", action: "store_const", const: "disabled", description: "do not run the setup tool on first boot" },
  { names: ["--enable", "--enabled"], dest: "firstboot", action: "store_const", const: "enabled", description: "run the setup tool on first boot" },
  { names: ["--reconfig"], dest: "firstboot", action: "store_const", const: "reconfig", description: "run the setup tool in reconfiguration mode" },
];

/** The `firstboot` command. */
export const firstbootCommand: CommandDef = {
  name: "firstboot",
  summary: "run the first-boot setup tool (initial-setup) or not",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    // pykickstart assigns the parsed value directly: a bare `firstboot` resets it to None.
    ctx.ks.other.firstboot = { firstboot: (ns.firstboot as string | null) ?? null };
  },
  toKickstart(ks: Kickstart) {
    const f = ks.other.firstboot as { firstboot: string | null } | undefined;
    if (!f) return [];
    return [f.firstboot === null ? "firstboot" : `firstboot --${f.firstboot}`];
  },
};
