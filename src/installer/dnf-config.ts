// The texts dnf and rpm read for one build: a private dnf.conf with the kickstart's repositories, and the rpm macros file.
import { PlanError } from "../errors.js";
import type { DnfSource, RpmRepo } from "./types.js";

/** A proxy URL split the way dnf wants it: credentials in their own options, out of the URL. */
export interface ProxySetting {
  url: string;
  username: string | null;
  password: string | null;
}

// Split kickstart's [protocol://][user[:password]@]host[:port] into dnf's proxy, proxy_username and proxy_password.
export function splitProxy(proxy: string): ProxySetting {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(?:([^:@/]*)(?::([^@/]*))?@)?(.+)$/.exec(proxy);
  if (m === null) return { url: proxy, username: null, password: null };
  return { url: `${m[1] ?? "http"}://${m[4]}`, username: m[2] ? decodeURIComponent(m[2]) : null, password: m[3] !== undefined ? decodeURIComponent(m[3]) : null };
}

function line(key: string, value: string | number | null | undefined): string[] {
  if (value === null || value === undefined || value === "") return [];
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new PlanError(`repository option ${key} contains a line break`);
  return [`${key}=${text}`];
}

// One [id] section of a .repo file for REPO.
export function repoSection(repo: RpmRepo): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(repo.id)) throw new PlanError(`"${repo.id}" cannot be a dnf repository id`, undefined, "use letters, digits, '.', '_', ':' and '-'");
  const proxy = repo.proxy === null ? null : splitProxy(repo.proxy);
  return [
    `[${repo.id}]`,
    `name=${repo.id}`,
    ...line("baseurl", repo.baseurl),
    ...line("mirrorlist", repo.mirrorlist),
    ...line("metalink", repo.metalink),
    ...line("cost", repo.cost),
    ...line("excludepkgs", repo.excludepkgs.join(",")),
    ...line("includepkgs", repo.includepkgs.join(",")),
    ...line("proxy", proxy?.url),
    ...line("proxy_username", proxy?.username),
    ...line("proxy_password", proxy?.password),
    `sslverify=${repo.sslverify ? 1 : 0}`,
    ...line("sslcacert", repo.sslcacert),
    ...line("sslclientcert", repo.sslclientcert),
    ...line("sslclientkey", repo.sslclientkey),
    `gpgcheck=${repo.gpgkeys.length > 0 ? 1 : 0}`,
    ...line("gpgkey", repo.gpgkeys.join(" ")),
    "enabled=1",
    "skip_if_unavailable=False",
    "",
  ].join("\n");
}

// The private dnf.conf: [main] plus every kickstart repository (none when the host's reposdir is used).
export function dnfConfig(source: DnfSource): string {
  const main = ["# Written by ksimage for one build: dnf sees only the repositories below (or the reposdir given on its command line).", "[main]", "skip_if_unavailable=False", ""];
  return [main.join("\n"), ...source.repos.map(repoSection)].join("\n");
}

// The .rpmmacros of dnf's private HOME: where the rpmdb lives (null: rpm's default) and which languages to install.
export function rpmMacros(dbpath: string | null, instLangs: string | null): string {
  // No fsync per installed file (rpm's %_flush_io, dpkg's force-unsafe-io): the filesystems are synced once before
  // they are unmounted. The macro lives in dnf's private HOME, never in the image.
  const lines = ["# Written by ksimage for one build.", "%_flush_io 0"];
  if (dbpath !== null) lines.push(`%_dbpath ${dbpath}`);
  if (instLangs !== null) lines.push(`%_install_langs ${instLangs === "" ? "C" : instLangs}`);
  return `${lines.join("\n")}\n`;
}

/** Where the guest keeps its rpmdb, if it has one. */
export type GuestRpmDb = "/usr/lib/sysimage/rpm" | "/var/lib/rpm" | null;

// The rpmdb location for this install: the guest's own if it has one; /var/lib/rpm when the host's rpm would put it in a home directory (Debian's ~/.rpmdb); else rpm's default (null).
export function chooseRpmDbPath(hostDefault: string, home: string, guest: GuestRpmDb): string | null {
  if (guest !== null) return guest;
  if (hostDefault === "" || hostDefault.startsWith("~") || hostDefault.startsWith(`${home}/`) || hostDefault.includes("/.rpmdb")) return "/var/lib/rpm";
  return null;
}
