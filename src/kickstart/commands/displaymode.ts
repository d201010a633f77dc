// text/graphical/cmdline: the installer's user interface (pykickstart F26_DisplayMode); under other.displaymode.
import type { CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--non-interactive"], dest: "nonInteractive", action: "store_true", description: "fail instead of asking when input is needed (not with cmdline)" },
];

interface DisplayMode {
  displayMode: string;
  nonInteractive: boolean;
}

/** The display mode command, run as `text`, `graphical` or `cmdline`. */
export const displaymodeCommand: CommandDef = {
  name: "displaymode",
  words: ["text", "graphical", "cmdline"],
  summary: "installer interface: text, graphical or cmdline (no effect on an image build)",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const nonInteractive = ns.nonInteractive === true;
    if (ctx.word === "cmdline" && nonInteractive) ctx.error("Kickstart command cmdline does not support --non-interactive parameter");
    ctx.ks.other.displaymode = { displayMode: ctx.word, nonInteractive } satisfies DisplayMode;
  },
  toKickstart(ks: Kickstart) {
    const d = ks.other.displaymode as DisplayMode | undefined;
    if (!d) return [];
    return [d.nonInteractive ? `${d.displayMode} --non-interactive` : d.displayMode];
  },
};
