// Read the metadata revision of every repository a tree is installed from: what tells the cache that a mirror changed.
import { createHash } from "node:crypto";
import { aptMarkers, joinUrl, readUrl } from "../probe.js";
import { expandDnfVars } from "../source.js";
import { sourceLine } from "../apt.js";
import type { PackageSource, RpmRepo } from "../types.js";
import type { SourceRevision } from "./key.js";
import { urlPassword, withoutUrlPassword } from "../../faithful/secrets.js";

/** The revisions, or why this source cannot be cached (its changes could not be seen). */
export type RevisionResult = { ok: true; sources: SourceRevision[] } | { ok: false; reason: string };

const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

// The first of URLS that can be read, hashed; the last error otherwise.
async function firstRevision(urls: readonly string[]): Promise<{ revision: string } | { error: string }> {
  let error = "no URL";
  for (const url of urls) {
    try {
      return { revision: sha256(await readUrl(url)) };
    } catch (e) {
      // A repository's password (http://user:PASSWORD@host/) is not part of the reason, nor of the key: it changes no package.
      const password = urlPassword(url);
      const message = e instanceof Error ? e.message : String(e);
      error = `${withoutUrlPassword(url)}: ${password === undefined ? message : message.split(password).join("***")}`;
    }
  }
  return { error };
}

/** The file whose hash is a dnf repository's revision: repomd.xml, or the metalink (it carries repomd.xml's hash). */
export function rpmRevisionUrl(repo: RpmRepo, vars: Record<string, string | null>): string | null {
  const url = repo.baseurl ? joinUrl(repo.baseurl, "repodata/repomd.xml") : (repo.metalink ?? null);
  if (url === null) return null;
  const expanded = expandDnfVars(url, vars);
  return expanded.includes("$") ? null : expanded;
}

/** How a dnf repository appears in the key: its id, URL and the options that change what is installed from it. */
export function rpmSourceName(repo: RpmRepo, url: string): string {
  const opts = [
    repo.excludepkgs.length > 0 ? `excludepkgs=${repo.excludepkgs.join(",")}` : "",
    repo.includepkgs.length > 0 ? `includepkgs=${repo.includepkgs.join(",")}` : "",
    repo.cost !== null ? `cost=${repo.cost}` : "",
  ].filter(Boolean);
  return [repo.id, url, ...opts].join(" ");
}

// The metadata revision of each repository of SOURCE; not ok when one cannot be read or cannot be known.
export async function metadataRevisions(source: PackageSource): Promise<RevisionResult> {
  const sources: SourceRevision[] = [];
  if (source.backend === "apt") {
    for (const entry of source.entries) {
      const r = await firstRevision(aptMarkers(entry.uri, entry.suite));
      if ("error" in r) return { ok: false, reason: `the metadata revision of ${sourceLine({ ...entry, uri: withoutUrlPassword(entry.uri) })} could not be read (${r.error})` };
      sources.push({ source: sourceLine({ ...entry, uri: withoutUrlPassword(entry.uri) }), revision: r.revision });
    }
    return { ok: true, sources };
  }
  if (source.onLiveimg) return { ok: false, reason: "dnf installs on top of the liveimg tree, which is not part of the key" };
  if (source.hostReposdir !== null) return { ok: false, reason: `the host's own repositories (${source.hostReposdir}): ksimage cannot tell when their metadata changes` };
  const vars = { releasever: source.releasever, basearch: source.basearch, arch: source.basearch };
  for (const repo of source.repos) {
    const url = rpmRevisionUrl(repo, vars);
    if (url === null) return { ok: false, reason: `repository ${repo.id} has no baseurl or metalink whose metadata revision can be read` };
    const r = await firstRevision([url]);
    if ("error" in r) return { ok: false, reason: `the metadata revision of repository ${repo.id} could not be read (${r.error})` };
    sources.push({ source: rpmSourceName(repo, withoutUrlPassword(url)), revision: r.revision });
  }
  return { ok: true, sources };
}
