// keyboard: console keymap and X layouts (pykickstart F18_Keyboard); later lines overwrite.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { ksPositional, pyList, commaList } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "kbd", nargs: "*", description: "old format: one keyboard name (an X layout or console keymap)" },
  { names: ["--vckeymap"], dest: "vc_keymap", default: "", description: "virtual console keymap, e.g. us or de-nodeadkeys" },
  { names: ["--xlayouts"], dest: "x_layouts", type: commaList, description: "X layouts, comma-separated, e.g. cz,'cz (qwerty)'" },
  { names: ["--switch"], dest: "switch_options", type: commaList, description: "layout switching options, e.g. grp:alt_shift_toggle" },
];

/**
 * The positional keyboard name as written, per parsed model: pykickstart keeps it apart from
 * `keyboard`, which it derives (written name, else the keymap, else the first X layout).
 */
const written = new WeakMap<Kickstart, string>();

/** The `keyboard` command. */
export const keyboardCommand: CommandDef = {
  name: "keyboard",
  summary: "console keymap and X keyboard layouts",
  options,
  handle(ctx) {
    const { ns, extra } = ctx.parse(options, ctx.args, true);
    const kbd = ns.kbd as string[];
    if (kbd.length > 1) ctx.error("A single argument is expected for the keyboard command");
    if (extra.length) ctx.error(`Unexpected arguments to keyboard command: ${pyList(extra)}`);
    const prev = ctx.ks.keyboard;
    const vcKeymap = String(ns.vc_keymap);
    const xLayouts = Array.isArray(ns.x_layouts) ? (ns.x_layouts as string[]) : prev.xLayouts;
    if (!kbd.length && !vcKeymap && !xLayouts.length) {
      ctx.error("One of --xlayouts, --vckeymap options with value(s) or argument is expected for the keyboard command");
    }
    if (kbd.length) written.set(ctx.ks, kbd[0] as string);
    const name = written.get(ctx.ks) || vcKeymap || xLayouts[0] || null;
    ctx.ks.keyboard = {
      seen: true,
      keyboard: name,
      vcKeymap: vcKeymap === "" ? null : vcKeymap,
      xLayouts,
      switchOptions: Array.isArray(ns.switch_options) ? (ns.switch_options as string[]) : prev.switchOptions,
    };
  },
  toKickstart(ks: Kickstart) {
    const k = ks.keyboard;
    if (!k.seen) return [];
    const words = ["keyboard"];
    if (k.vcKeymap !== null) words.push(`--vckeymap=${ksQuote(k.vcKeymap)}`);
    if (k.xLayouts.length) words.push(`--xlayouts=${ksQuote(k.xLayouts.join(","))}`);
    if (k.switchOptions.length) words.push(`--switch=${ksQuote(k.switchOptions.join(","))}`);
    if (k.keyboard !== null) words.push(ksPositional(k.keyboard));
    return [words.join(" ")];
  },
};
