// logging: send the installer's log to a remote syslog (pykickstart F40_Logging); under other.logging.
import { ksQuote, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";

// --level was removed in F40: pykickstart rejects it as an unknown option.
const options: OptionSpec[] = [
  { names: ["--host"], dest: "host", description: "remote syslog host to send the installer's log to" },
  { names: ["--port"], dest: "port", description: "port of the remote syslog (needs --host)" },
];

interface Logging {
  host: string | null;
  port: string | null;
}

/** The `logging` command. */
export const loggingCommand: CommandDef = {
  name: "logging",
  summary: "remote logging of the installer (no effect on an image build)",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const prev = ctx.ks.other.logging as Logging | undefined;
    const logging: Logging = {
      host: typeof ns.host === "string" ? ns.host : (prev?.host ?? null),
      port: typeof ns.port === "string" ? ns.port : (prev?.port ?? null),
    };
    if (logging.port && !logging.host) ctx.error("Can't specify --port without --host.");
    ctx.ks.other.logging = logging;
  },
  toKickstart(ks: Kickstart) {
    const l = ks.other.logging as Logging | undefined;
    if (!l) return [];
    const words = ["logging"];
    if (l.host !== null) words.push(`--host=${ksQuote(l.host)}`);
    if (l.port !== null) words.push(`--port=${ksQuote(l.port)}`);
    return [words.join(" ")];
  },
};
