// lang: the system language and extra locales to support (pykickstart F19_Lang); later lines overwrite.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { ksPositional, pyList, commaList } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "lang", nargs: 1, description: "the language, e.g. en_US.UTF-8" },
  { names: ["--addsupport"], dest: "addsupport", type: commaList, description: "more locales to install support for, comma-separated" },
];

/** The `lang` command. */
export const langCommand: CommandDef = {
  name: "lang",
  summary: "system language (LANG) and extra supported locales",
  options,
  handle(ctx) {
    const { ns, extra } = ctx.parse(options, ctx.args, true);
    if (extra.length) ctx.error(`Unexpected arguments to lang command: ${pyList(extra)}`);
    const prev = ctx.ks.lang;
    ctx.ks.lang = {
      seen: true,
      lang: (ns.lang as string[])[0] as string,
      addsupport: Array.isArray(ns.addsupport) ? (ns.addsupport as string[]) : prev.addsupport,
    };
  },
  toKickstart(ks: Kickstart) {
    const l = ks.lang;
    if (!l.seen || l.lang === null) return [];
    const words = ["lang", ksPositional(l.lang)];
    if (l.addsupport.length) words.push(`--addsupport=${ksQuote(l.addsupport.join(","))}`);
    return [words.join(" ")];
  },
};
