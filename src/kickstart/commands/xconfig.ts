// xconfig: X Window System settings that survive in F14 syntax (pykickstart F14_XConfig); under other.xconfig.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

// --card, --driver, --depth, --hsync, --monitor, --noprobe, --resolution, --server, --videoram
// and --vsync were removed between FC6 and F14: pykickstart rejects them as unknown options.
const options: OptionSpec[] = [
  { names: ["--defaultdesktop"], dest: "defaultdesktop", description: "default desktop, GNOME or KDE (must be installed by %packages)" },
  { names: ["--startxonboot"], dest: "startX", action: "store_true", description: "boot to a graphical login" },
];

interface XConfig {
  defaultdesktop: string | null;
  depth: number;
  startX: boolean;
}

/** The `xconfig` command. */
export const xconfigCommand: CommandDef = {
  name: "xconfig",
  summary: "graphical login on boot and default desktop",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const prev = ctx.ks.other.xconfig as XConfig | undefined;
    ctx.ks.other.xconfig = {
      defaultdesktop: typeof ns.defaultdesktop === "string" ? ns.defaultdesktop : (prev?.defaultdesktop ?? null),
      // depth is still an attribute of the command object, though no option sets it any more.
      depth: 0,
      startX: ns.startX === true,
    } satisfies XConfig;
  },
  toKickstart(ks: Kickstart) {
    const x = ks.other.xconfig as XConfig | undefined;
    if (!x) return [];
    const words = ["xconfig"];
    if (x.defaultdesktop !== null) words.push(`--defaultdesktop=${ksQuote(x.defaultdesktop)}`);
    if (x.startX) words.push("--startxonboot");
    return [words.join(" ")];
  },
};
