// url: the installation tree to install from (pykickstart F30_Url), kept in ks.url.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { Kickstart } from "../model.js";
import type { OptionSpec } from "../options.js";
import { writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--url"], dest: "url", description: "URL of the installation tree ($releasever and $basearch are substituted)" },
  { names: ["--proxy"], dest: "proxy", description: "HTTP/HTTPS/FTP proxy: [protocol://][user[:password]@]host[:port]" },
  { names: ["--noverifyssl"], dest: "noverifyssl", action: "store_true", description: "do not verify the server's TLS certificate" },
  { names: ["--mirrorlist"], dest: "mirrorlist", description: "URL of a mirror list to install from" },
  { names: ["--metalink"], dest: "metalink", description: "URL of a metalink to install from" },
  { names: ["--sslcacert"], dest: "sslcacert", description: "file of CA certificates to verify the server with" },
  { names: ["--sslclientcert"], dest: "sslclientcert", description: "TLS client certificate (PEM)" },
  { names: ["--sslclientkey"], dest: "sslclientkey", description: "private key of the TLS client certificate" },
];

/** Exactly one of these must be given on a url line, in pykickstart's order. */
const SOURCES = [
  ["mirrorlist", "--mirrorlist"],
  ["url", "--url"],
  ["metalink", "--metalink"],
] as const;

const KEYS = ["url", "proxy", "mirrorlist", "metalink", "sslcacert", "sslclientcert", "sslclientkey"] as const;

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  const url = ctx.ks.url;
  // pykickstart keeps one url object: a later line changes only what it gives.
  for (const k of KEYS) if (ns[k] !== null && ns[k] !== undefined) url[k] = ns[k] === "" ? null : (ns[k] as string);
  url.noverifyssl = ns.noverifyssl as boolean;
  url.seen = true;
  const used = SOURCES.filter(([dest]) => ns[dest]).map(([, opt]) => opt);
  if (used.length === 0) ctx.error(`One of -${SOURCES.map(([, opt]) => opt).join(", ")} options must be specified for url command.`);
  if (used.length > 1) ctx.error(`Only one of ${used.join(", ")} options may be specified for url command.`);
}

const urlArgs: ArgSpec[] = [
  ["--url", "url", "value"],
  ["--mirrorlist", "mirrorlist", "value"],
  ["--metalink", "metalink", "value"],
  ["--proxy", "proxy", "value"],
  ["--noverifyssl", "noverifyssl", "flag"],
  ["--sslcacert", "sslcacert", "value"],
  ["--sslclientcert", "sslclientcert", "value"],
  ["--sslclientkey", "sslclientkey", "value"],
];

/**
 * Write `ks.url` back. A url line takes one source, so a model holding several (from
 * several lines) is written as one line per source, the later ones adding the rest.
 */
function toKickstart(ks: Kickstart): string[] {
  if (!ks.url.seen) return [];
  const u = ks.url as unknown as Record<string, unknown>;
  const sources = SOURCES.filter(([dest]) => u[dest]);
  if (sources.length <= 1) return ["url" + writeArgs(u, urlArgs)];
  return sources.map(([dest, opt], i) => {
    const rest = i === sources.length - 1 ? writeArgs(u, urlArgs.slice(3)) : "";
    return `url ${opt}=${ksQuote(String(u[dest]))}${rest}`;
  });
}

/** The `url` command: the installation tree (or mirror list, or metalink) in `ks.url`. */
export const urlCommand: CommandDef = {
  name: "url",
  summary: "install from a package tree at a URL (HTTP, HTTPS, FTP, file)",
  options,
  handle,
  toKickstart,
};
