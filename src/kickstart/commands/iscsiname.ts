// iscsiname: the iSCSI initiator name (pykickstart FC6_IscsiName), kept under other.iscsiname.
import { ksQuote, type CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [{ names: [], dest: "iqn", nargs: 1, description: "initiator IQN" }];

/** The `iscsiname` command: later lines replace earlier ones. */
export const iscsinameCommand: CommandDef = {
  name: "iscsiname",
  summary: "set the iSCSI initiator name; no effect on an image",
  options,
  handle(ctx) {
    const { ns, extra } = ctx.parse(options, ctx.args, true);
    if (extra.length) ctx.error(`Unexpected arguments to iscsiname command: ${extra.join(" ")}`);
    ctx.ks.other.iscsiname = { iscsiname: (ns.iqn as string[])[0] };
  },
  toKickstart: (ks) => {
    const v = ks.other.iscsiname as { iscsiname: string } | undefined;
    return v ? [`iscsiname ${ksQuote(v.iscsiname)}`] : [];
  },
};
