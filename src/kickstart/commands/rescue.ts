// rescue: boot the installer into rescue mode (pykickstart F10_Rescue); under other.rescue.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--nomount"], dest: "nomount", action: "store_true", description: "do not mount the installed system" },
  { names: ["--romount"], dest: "romount", action: "store_true", description: "mount the installed system read-only" },
];

interface Rescue {
  rescue: boolean;
  nomount: boolean;
  romount: boolean;
}

/** The `rescue` command. */
export const rescueCommand: CommandDef = {
  name: "rescue",
  summary: "start the installer's rescue mode (no effect on an image build)",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    if (ns.nomount === true && ns.romount === true) ctx.error("Only one of --nomount and --romount may be specified for rescue command.");
    ctx.ks.other.rescue = { rescue: true, nomount: ns.nomount === true, romount: ns.romount === true } satisfies Rescue;
  },
  toKickstart(ks: Kickstart) {
    const r = ks.other.rescue as Rescue | undefined;
    if (!r) return [];
    return [["rescue", ...(r.nomount ? ["--nomount"] : []), ...(r.romount ? ["--romount"] : [])].join(" ")];
  },
};
