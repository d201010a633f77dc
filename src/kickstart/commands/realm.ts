// realm: join an Active Directory or IPA domain (pykickstart F19_Realm); under other.realm.
import type { CommandDef } from "../command.js";
import { ksQuote } from "../command.js";
import type { Kickstart } from "../model.js";
import { LexError, shlexSplit } from "../lexer.js";

/** The long options `realm join` accepts, `=` marking those that take a value (getopt style). */
const JOIN_OPTIONS = ["client-software=", "server-software=", "membership-software=", "one-time-password=", "no-password", "computer-ou="];
const DISCOVER_OPTIONS = ["--client-software", "--server-software", "--membership-software"];

interface Realm {
  join_realm: string | null;
  join_args: string[];
  discover_options: string[];
}

/** Python's getopt.getopt(args, "", longopts): options until the first non-option word. */
function getopt(args: string[]): { opts: [string, string][]; rest: string[] } {
  const opts: [string, string][] = [];
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith("-") && args[i] !== "-") {
    const arg = args[i] as string;
    if (arg === "--") return { opts, rest: args.slice(i + 1) };
    if (!arg.startsWith("--")) throw new Error(`option ${arg.slice(0, 2)} not recognized`);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const exact = JOIN_OPTIONS.filter((o) => o === name || o === `${name}=`);
    const matches = exact.length ? exact : JOIN_OPTIONS.filter((o) => o.startsWith(name));
    if (!matches.length) throw new Error(`option --${name} not recognized`);
    if (matches.length > 1) throw new Error(`option --${name} not a unique prefix`);
    const full = matches[0] as string;
    if (full.endsWith("=")) {
      let value = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (value === undefined) {
        if (i + 1 >= args.length) throw new Error(`option --${full.slice(0, -1)} requires argument`);
        value = args[++i] as string;
      }
      opts.push([`--${full.slice(0, -1)}`, value]);
    } else {
      if (eq >= 0) throw new Error(`option --${full} must not have an argument`);
      opts.push([`--${full}`, ""]);
    }
    i++;
  }
  return { opts, rest: args.slice(i) };
}

/** The `realm` command. */
export const realmCommand: CommandDef = {
  name: "realm",
  summary: "join a Kerberos realm or domain with realmd (realm join ...)",
  options: [{ names: [], dest: "args", nargs: "*", description: "join, options for realm join (--client-software=, --one-time-password=, ...), the realm" }],
  handle(ctx) {
    const prev = ctx.ks.other.realm as Realm | undefined;
    if (prev?.join_realm) ctx.error("The realm command 'join' should only be specified once");
    let args: string[];
    try {
      args = shlexSplit(ctx.line.trimStart().slice(ctx.word.length).trim());
    } catch (e) {
      if (e instanceof LexError) return ctx.error(e.message);
      throw e;
    }
    if (!args.length) ctx.error("Missing realm command arguments");
    const command = args.shift() as string;
    if (command !== "join") ctx.error(`Unsupported realm '${command}' command`);
    let parsed: ReturnType<typeof getopt>;
    try {
      parsed = getopt(args);
    } catch (e) {
      return ctx.error(`Invalid realm arguments: ${(e as Error).message}`);
    }
    if (parsed.rest.length !== 1) ctx.error("Specify only one realm to join");
    const realm: Realm = {
      join_realm: parsed.rest[0] as string,
      join_args: args,
      discover_options: parsed.opts.filter(([o]) => DISCOVER_OPTIONS.includes(o)).map(([o, a]) => `${o}=${a}`),
    };
    ctx.ks.other.realm = realm;
  },
  toKickstart(ks: Kickstart) {
    const r = ks.other.realm as Realm | undefined;
    return r?.join_args.length ? [`realm join ${r.join_args.map(ksQuote).join(" ")}`] : [];
  },
};
