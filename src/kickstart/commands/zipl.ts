// zipl: Secure Boot for the s390x boot loader (pykickstart F32_Zipl), kept under other.zipl.
import type { CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--secure-boot"], dest: "secure_boot", action: "store_const", const: "auto", description: "enable Secure Boot where the machine supports it" },
  { names: ["--force-secure-boot"], dest: "secure_boot", action: "store_const", const: "enabled", description: "enable Secure Boot unconditionally" },
  { names: ["--no-secure-boot"], dest: "secure_boot", action: "store_const", const: "disabled", description: "disable Secure Boot" },
];

const FLAG: Record<string, string> = { auto: "--secure-boot", enabled: "--force-secure-boot", disabled: "--no-secure-boot" };

/** The `zipl` command: a later line keeps the earlier choice unless it makes one. */
export const ziplCommand: CommandDef = {
  name: "zipl",
  summary: "Secure Boot setting of the s390x boot loader; no effect on other architectures",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const prev = (ctx.ks.other.zipl as { secure_boot: string | null } | undefined)?.secure_boot ?? null;
    ctx.ks.other.zipl = { secure_boot: (ns.secure_boot as string | null) ?? prev };
  },
  toKickstart: (ks) => {
    const d = ks.other.zipl as { secure_boot: string | null } | undefined;
    if (!d) return [];
    return [d.secure_boot ? `zipl ${FLAG[d.secure_boot] ?? ""}`.trim() : "zipl"];
  },
};
