// timesource: one NTP server or pool per line, or NTP off (pykickstart F33_Timesource); kept under other.timesource.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: ["--ntp-server"], dest: "ntp_server", description: "one NTP server host name" },
  { names: ["--ntp-pool"], dest: "ntp_pool", description: "one NTP pool host name" },
  { names: ["--ntp-disable"], dest: "ntp_disable", action: "store_true", description: "turn NTP time sync off" },
  { names: ["--nts"], dest: "nts", action: "store_true", description: "the server or pool speaks NTS" },
];

/** One timesource line, in pykickstart's TimesourceData attributes. */
interface TimesourceData {
  file: string;
  lineno: number;
  ntp_server: string | null;
  ntp_pool: string | null;
  ntp_disable: boolean;
  nts: boolean;
}

const EXCLUSIVE = [
  ["ntp_server", "--ntp-server"],
  ["ntp_pool", "--ntp-pool"],
  ["ntp_disable", "--ntp-disable"],
] as const;

/** The `timesource` command. */
export const timesourceCommand: CommandDef = {
  name: "timesource",
  summary: "NTP server or pool for the installed system, or no NTP at all",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const used = EXCLUSIVE.filter(([dest]) => Boolean(ns[dest])).map(([, opt]) => opt);
    if (used.length === 0) {
      ctx.error(`One of -${EXCLUSIVE.map(([, opt]) => opt).join(", ")} options must be specified for timesource command.`);
    }
    if (used.length > 1) ctx.error(`Only one of ${used.join(", ")} options may be specified for timesource command.`);
    const holder = (ctx.ks.other.timesource ??= { timesource_list: [] }) as { timesource_list: TimesourceData[] };
    holder.timesource_list.push({
      file: ctx.file,
      lineno: ctx.lineno,
      ntp_server: typeof ns.ntp_server === "string" ? ns.ntp_server : null,
      ntp_pool: typeof ns.ntp_pool === "string" ? ns.ntp_pool : null,
      ntp_disable: ns.ntp_disable === true,
      nts: ns.nts === true,
    });
  },
  toKickstart(ks: Kickstart) {
    const holder = ks.other.timesource as { timesource_list: TimesourceData[] } | undefined;
    return (holder?.timesource_list ?? []).map((t) => {
      const words = ["timesource"];
      if (t.ntp_server) words.push(`--ntp-server=${ksQuote(t.ntp_server)}`);
      if (t.ntp_pool) words.push(`--ntp-pool=${ksQuote(t.ntp_pool)}`);
      if (t.nts) words.push("--nts");
      if (t.ntp_disable) words.push("--ntp-disable");
      return words.join(" ");
    });
  },
};
