// repo: one extra package repository per line (pykickstart F40_Repo with F30_RepoData), appended to ks.repos.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { Kickstart, Repo } from "../model.js";
import type { OptionSpec } from "../options.js";
import { commaList, writeArgs, type ArgSpec } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--name"], dest: "name", required: true, description: "repository id (required, no spaces)" },
  { names: ["--baseurl"], dest: "baseurl", description: "URL of the repository (one of --baseurl, --mirrorlist, --metalink)" },
  { names: ["--mirrorlist"], dest: "mirrorlist", description: "URL of a mirror list for the repository" },
  { names: ["--cost"], dest: "cost", type: "int", description: "priority: a lower cost wins when repositories share packages" },
  { names: ["--excludepkgs"], dest: "excludepkgs", type: commaList, description: "packages and globs never taken from this repository, comma-separated" },
  { names: ["--includepkgs"], dest: "includepkgs", type: commaList, description: "the only packages and globs taken from this repository, comma-separated" },
  { names: ["--proxy"], dest: "proxy", description: "HTTP/HTTPS/FTP proxy for this repository: [protocol://][user[:password]@]host[:port]" },
  { names: ["--noverifyssl"], dest: "noverifyssl", action: "store_true", description: "do not verify the server's TLS certificate" },
  { names: ["--install"], dest: "install", action: "store_true", description: "also configure the repository in the installed system" },
  { names: ["--metalink"], dest: "metalink", description: "URL of a metalink for the repository" },
  { names: ["--sslcacert"], dest: "sslcacert", description: "file of CA certificates to verify the repository host with" },
  { names: ["--sslclientcert"], dest: "sslclientcert", description: "TLS client certificate (PEM) for the repository" },
  { names: ["--sslclientkey"], dest: "sslclientkey", description: "private key of the TLS client certificate" },
];

/** The URL options of which at most one may be given, in pykickstart's order (its messages list them so). */
const URL_CHOICES = [
  ["mirrorlist", "--mirrorlist"],
  ["baseurl", "--baseurl"],
  ["metalink", "--metalink"],
] as const;

function handle(ctx: CommandContext): void {
  const { ns } = ctx.parse(options);
  const used = URL_CHOICES.filter(([dest]) => ns[dest]).map(([, opt]) => opt);
  if (used.length > 1) ctx.error(`Only one of ${used.join(", ")} options may be specified for repo command.`);
  const text = (k: string): string | null => (ns[k] ? String(ns[k]) : null);
  const repo: Repo = {
    file: ctx.file,
    lineno: ctx.lineno,
    name: ns.name as string,
    baseurl: text("baseurl"),
    mirrorlist: text("mirrorlist"),
    metalink: text("metalink"),
    cost: ns.cost as number | null,
    excludepkgs: (ns.excludepkgs as string[] | null) ?? [],
    includepkgs: (ns.includepkgs as string[] | null) ?? [],
    // --ignoregroups was removed in F40; the attribute stays, never set.
    ignoregroups: null,
    proxy: text("proxy"),
    noverifyssl: ns.noverifyssl as boolean,
    install: ns.install as boolean,
    sslcacert: text("sslcacert"),
    sslclientcert: text("sslclientcert"),
    sslclientkey: text("sslclientkey"),
  };
  if (ctx.ks.repos.some((r) => r.name === repo.name)) ctx.warn(`A repo with the name ${repo.name} has already been defined.`);
  ctx.ks.repos.push(repo);
}

const repoArgs: ArgSpec[] = [
  ["--baseurl", "baseurl", "value"],
  ["--mirrorlist", "mirrorlist", "value"],
  ["--metalink", "metalink", "value"],
  ["--excludepkgs", "excludepkgs", "list"],
  ["--includepkgs", "includepkgs", "list"],
  ["--proxy", "proxy", "value"],
  ["--noverifyssl", "noverifyssl", "flag"],
  ["--install", "install", "flag"],
  ["--sslcacert", "sslcacert", "value"],
  ["--sslclientcert", "sslclientcert", "value"],
  ["--sslclientkey", "sslclientkey", "value"],
];

function repoLine(r: Repo): string {
  let line = `repo --name=${ksQuote(r.name)}`;
  // --cost=0 is a real value (pykickstart writes only a truthy cost; we keep the zero).
  if (r.cost !== null) line += ` --cost=${r.cost}`;
  return line + writeArgs(r as unknown as Record<string, unknown>, repoArgs);
}

/** The `repo` command: appends one package repository per line to `ks.repos`. */
export const repoCommand: CommandDef = {
  name: "repo",
  summary: "add a package repository used to install packages",
  options,
  handle,
  toKickstart: (ks: Kickstart) => ks.repos.map(repoLine),
};
