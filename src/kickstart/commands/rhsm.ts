// rhsm: Red Hat subscription registration (pykickstart RHEL8_RHSM, as Anaconda registers it), recorded in ks.other.rhsm.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherObject, overlay, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--organization"], dest: "organization", required: true, description: "organization id" },
  { names: ["--activation-key"], dest: "activation_keys", action: "append", required: true, description: "activation key; repeat for several" },
  { names: ["--connect-to-insights"], dest: "connect_to_insights", action: "store_true", description: "connect the system to Red Hat Insights" },
  { names: ["--proxy"], dest: "proxy", description: "HTTP proxy for subscription: [protocol://][user[:password]@]host[:port]" },
  { names: ["--server-hostname"], dest: "server_hostname", description: "subscription service server URL" },
  { names: ["--rhsm-baseurl"], dest: "rhsm_baseurl", description: "content base URL" },
];

const DEFAULTS = { organization: null, activation_keys: null, connect_to_insights: null, proxy: null, server_hostname: null, rhsm_baseurl: null };

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  if ((ns.activation_keys as string[]).includes("")) ctx.error("Empty string is not a valid activation key.");
  ctx.ks.other.rhsm = overlay(otherObject(ctx.ks, "rhsm") ?? DEFAULTS, ns);
}

const rhsmArgs: ArgSpec[] = [
  ["--connect-to-insights", "connect_to_insights", "flag"],
  ["--proxy", "proxy", "value"],
  ["--server-hostname", "server_hostname", "value"],
  ["--rhsm-baseurl", "rhsm_baseurl", "value"],
];

/**
 * The `rhsm` command. pykickstart's F45 syntax does not have it (it is a RHEL command that
 * Anaconda adds to its own handler); ksimage accepts it the way Anaconda does, without effect.
 */
export const rhsmCommand: CommandDef = {
  name: "rhsm",
  summary: "register with Red Hat Subscription Management (RHEL syntax; no effect on an image build)",
  options,
  handle,
  toKickstart: (ks) => {
    const r = otherObject(ks, "rhsm");
    if (!r) return [];
    const keys = ((r.activation_keys as string[] | null) ?? []).map((k) => ` --activation-key=${ksQuote(k)}`).join("");
    return [`rhsm --organization=${ksQuote(String(r.organization))}${keys}${writeArgs(r, rhsmArgs)}`];
  },
};
