// timezone: the system time zone and hardware clock mode (pykickstart F40_Timezone); later lines overwrite.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { ksPositional, commaList } from "./shared.js";

const options: OptionSpec[] = [
  { names: [], dest: "timezone", nargs: "*", description: "time zone name, e.g. Europe/Prague (optional when an option is given)" },
  { names: ["--utc"], dest: "isUtc", action: "store_true", description: "the hardware clock is set to UTC" },
  { names: ["--isUtc"], dest: "isUtc", action: "store_true", deprecated: true, description: "old spelling of --utc (deprecated)" },
  { names: ["--nontp"], dest: "nontp", action: "store_true", deprecated: true, description: "disable NTP (deprecated: use timesource --ntp-disable)" },
  { names: ["--ntpservers"], dest: "ntpservers", type: commaList, deprecated: true, description: "NTP servers, comma-separated (deprecated: use timesource --ntp-server)" },
];

/** The `timezone` command. */
export const timezoneCommand: CommandDef = {
  name: "timezone",
  summary: "system time zone and whether the hardware clock keeps UTC",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    if (!ctx.args.length) ctx.error("At least one option and/or an argument are expected for the timezone command");
    const names = ns.timezone as string[];
    if (names.length > 1) ctx.error("One or zero arguments are expected for the timezone command");
    const prev = ctx.ks.timezone;
    const tz = {
      seen: true,
      name: names.length === 1 ? (names[0] as string) : null,
      isUtc: ns.isUtc === true,
      nontp: ns.nontp === true,
      // Unset options (None) leave the earlier value in place, as pykickstart's set_to_self does.
      ntpservers: Array.isArray(ns.ntpservers) ? (ns.ntpservers as string[]) : prev.ntpservers,
    };
    if (tz.ntpservers.length && tz.nontp) ctx.error("Options --nontp and --ntpservers are mutually exclusive");
    ctx.ks.timezone = tz;
  },
  toKickstart(ks: Kickstart) {
    const t = ks.timezone;
    if (!t.seen) return [];
    const words = ["timezone"];
    if (t.isUtc) words.push("--utc");
    if (t.nontp) words.push("--nontp");
    if (t.ntpservers.length) words.push(`--ntpservers=${ksQuote(t.ntpservers.join(","))}`);
    if (t.name !== null) words.push(ksPositional(t.name));
    // A bare `timezone` is an error; an empty server list is the one way to write "nothing set".
    if (words.length === 1) words.push("--ntpservers=");
    return [words.join(" ")];
  },
};
