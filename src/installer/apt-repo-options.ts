// Debian sources from kickstart repo/url lines: --proxy and --noverifyssl as build-time apt settings; the dnf-only options refused or warned.
import { PlanError } from "../errors.js";
import type { Kickstart } from "../kickstart/model.js";
import type { AptEntry, PackageSource } from "./types.js";

// The host part of a source URI (apt scopes per-host settings by it), or null for file: and cdrom: sources.
export function uriHost(uri: string): string | null {
  const m = /^(https?):\/\/(?:[^@/]*@)?([^/:]+)/i.exec(uri);
  return m ? m[2]!.toLowerCase() : null;
}

// Kickstart's [protocol://][user[:password]@]host[:port] as the URL apt wants (http:// when no protocol is given).
export function aptProxyUrl(proxy: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(proxy) ? proxy : `http://${proxy}`;
}

// apt.conf lines for the entries' proxies and certificate checks, each scoped to its own host: other sources are not affected.
export function aptRepoSettings(entries: readonly AptEntry[]): string[] {
  const lines = new Set<string>();
  for (const e of entries) {
    const host = uriHost(e.uri);
    if (host === null) continue;
    if (e.proxy !== undefined) {
      const url = aptProxyUrl(e.proxy);
      lines.add(`Acquire::http::Proxy::${host} "${url}"`).add(`Acquire::https::Proxy::${host} "${url}"`);
    }
    if (e.noverifyssl === true) lines.add(`Acquire::https::${host}::Verify-Peer "false"`).add(`Acquire::https::${host}::Verify-Host "false"`);
  }
  return [...lines];
}

// The proxy and certificate settings of the kickstart line an entry comes from, as optional AptEntry fields.
export function aptEntryOptions(proxy: string | null, sslverify: boolean): Pick<AptEntry, "proxy" | "noverifyssl"> {
  return { ...(proxy !== null ? { proxy } : {}), ...(!sslverify ? { noverifyssl: true } : {}) };
}

// On Debian, repo --includepkgs/--excludepkgs (dnf filters per repository) are refused: apt pins by origin cannot tell two
// sources on one host apart, so the image could hold what the kickstart filtered out. --cost only picks among identical
// copies of a package, so it changes nothing in the image: a warning. Returns the warnings.
export function checkAptRepoOptions(ks: Kickstart, source: PackageSource | null): string[] {
  if (source?.backend !== "apt") return [];
  const warnings: string[] = [];
  for (const r of ks.repos) {
    const pos = { file: r.file, line: r.lineno, includeStack: [r.file] };
    for (const [option, list] of [["--includepkgs", r.includepkgs], ["--excludepkgs", r.excludepkgs]] as const) {
      if (list.length > 0) {
        throw new PlanError(`repo --name=${r.name} ${option}: apt has no per-source package filter, so ksimage cannot install only some packages from one Debian source`, pos, "list exclusions as -package lines in %packages (an apt pin that forbids them from every source)");
      }
    }
    if (r.cost !== null) warnings.push(`${r.file}:${r.lineno}: repo --name=${r.name} --cost has no effect with apt (it only chooses among identical copies of a package, so the image is the same)`);
  }
  return warnings;
}
