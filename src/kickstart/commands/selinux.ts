// selinux: the SELinux mode of the installed system (pykickstart FC3_SELinux); later lines overwrite.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--disabled"], dest: "selinux", action: "store_const", const: "disabled", description: "turn SELinux off" },
  { names: ["--enforcing"], dest: "selinux", action: "store_const", const: "enforcing", description: "enforce the policy (the default)" },
  { names: ["--permissive"], dest: "selinux", action: "store_const", const: "permissive", description: "log policy violations without enforcing" },
];

type Mode = "enforcing" | "permissive" | "disabled";

/** The `selinux` command. */
export const selinuxCommand: CommandDef = {
  name: "selinux",
  summary: "SELinux mode: enforcing, permissive or disabled",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    // A bare `selinux` leaves the mode as it was (pykickstart skips unset attributes).
    ctx.ks.selinux = { seen: true, mode: (ns.selinux as Mode | null) ?? ctx.ks.selinux.mode };
  },
  toKickstart(ks: Kickstart) {
    const s = ks.selinux;
    if (!s.seen) return [];
    return [s.mode === null ? "selinux" : `selinux --${s.mode}`];
  },
};
