// Look at a repository URL and say what it is: an RPM repository (repodata/repomd.xml) or a Debian archive (dists/<suite>/Release).
import { access, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** How long one HTTP probe may take. */
export const PROBE_TIMEOUT_MS = 15_000;

/** What a probe found at a base URL. */
export interface ProbeResult {
  kind: "dnf" | "apt" | null;
  /** For a Debian archive: which of the suites asked about exist there. */
  suites: string[];
  /** Why nothing was found (the last error), for the message. */
  error: string | null;
}

/** `base` + `/` + `rel`, whatever slashes base ends with. */
export function joinUrl(base: string, rel: string): string {
  return `${base.replace(/\/+$/, "")}/${rel}`;
}

/** The files whose presence says "RPM repository" at a base URL. */
export function rpmMarker(base: string): string {
  return joinUrl(base, "repodata/repomd.xml");
}

/** The files whose presence says "Debian archive with this suite" at a base URL (either is enough). */
export function aptMarkers(base: string, suite: string): string[] {
  return [joinUrl(base, `dists/${suite}/InRelease`), joinUrl(base, `dists/${suite}/Release`)];
}

// Whether the file at URL exists: file:// by access(2), http(s) by HEAD (GET when HEAD is refused). Other schemes: unknown.
export async function urlExists(url: string): Promise<{ exists: boolean; error: string | null }> {
  if (url.startsWith("file:")) {
    try {
      await access(fileURLToPath(url));
      return { exists: true, error: null };
    } catch (error) {
      return { exists: false, error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
  }
  if (!/^https?:\/\//.test(url)) return { exists: false, error: `cannot probe ${url.split(":")[0]}: URLs` };
  try {
    let response = await fetch(url, { method: "HEAD", redirect: "follow", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (response.status === 405 || response.status === 501) {
      response = await fetch(url, { method: "GET", redirect: "follow", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await response.body?.cancel();
    }
    return { exists: response.ok, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { exists: false, error: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

async function anyExists(urls: string[]): Promise<{ exists: boolean; error: string | null }> {
  let error: string | null = null;
  for (const url of urls) {
    const r = await urlExists(url);
    if (r.exists) return r;
    error = r.error;
  }
  return { exists: false, error };
}

// Probe BASE: an RPM repository if repodata/repomd.xml exists, else a Debian archive if dists/<s>/[In]Release exists for any of SUITES.
export async function probeRepository(base: string, suites: readonly string[]): Promise<ProbeResult> {
  const rpm = await urlExists(rpmMarker(base));
  if (rpm.exists) return { kind: "dnf", suites: [], error: null };
  let error = rpm.error;
  const found: string[] = [];
  for (const suite of suites) {
    const r = await anyExists(aptMarkers(base, suite));
    if (r.exists) found.push(suite);
    else error = r.error;
  }
  return found.length > 0 ? { kind: "apt", suites: found, error: null } : { kind: null, suites: [], error };
}

// The bytes at URL: file:// from disk, http(s) by GET (redirects followed, bounded by PROBE_TIMEOUT_MS). Throws on any failure.
export async function readUrl(url: string): Promise<Buffer> {
  if (url.startsWith("file:")) return readFile(fileURLToPath(url));
  if (!/^https?:\/\//.test(url)) throw new Error(`cannot read ${url.split(":")[0]}: URLs`);
  const response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return Buffer.from(await response.arrayBuffer());
}
