// syspurpose: intended use of the system for subscriptions (pykickstart RHEL8_Syspurpose, as Anaconda registers it), in ks.other.syspurpose.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherObject, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--role"], dest: "role", description: "intended role of the system" },
  { names: ["--sla"], dest: "sla", description: "service level agreement" },
  { names: ["--usage"], dest: "usage", description: "intended usage (production, development, ...)" },
  { names: ["--addon"], dest: "addons", action: "append", description: "layered product or feature; repeat for several" },
];

function handle(ctx: CommandContext): void {
  const { ns, extra } = ctx.parse(options, ctx.args, true);
  if (extra.length) ctx.error("The syspurpose command does not take positional arguments!");
  ctx.ks.other.syspurpose = overlay(otherObject(ctx.ks, "syspurpose") ?? { role: null, sla: null, usage: null, addons: null }, ns);
}

const syspurposeArgs: ArgSpec[] = [
  ["--role", "role", "value"],
  ["--sla", "sla", "value"],
  ["--usage", "usage", "value"],
];

/**
 * The `syspurpose` command. Not in pykickstart's F45 syntax (a RHEL command Anaconda adds
 * to its own handler); ksimage accepts it the way Anaconda does, without effect.
 */
export const syspurposeCommand: CommandDef = {
  name: "syspurpose",
  summary: "describe the intended use of the system for subscriptions (RHEL syntax; no effect on an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const s = otherObject(ks, "syspurpose");
    if (!s) return [];
    const addons = ((s.addons as string[] | null) ?? []).map((a) => ` --addon=${ksQuote(a)}`).join("");
    return [`syspurpose${writeArgs(s, syspurposeArgs)}${addons}`];
  },
};
