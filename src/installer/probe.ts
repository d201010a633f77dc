// Look at a repository URL and say what it is: an RPM repository (repodata/repomd.xml) or a Debian archive (dists/<suite>/Release).
import { access, readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
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
  /** The server never answered (refused, no such host, timeout): the mirror is unreachable, not just empty. */
  unreachable: boolean;
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

/** What one URL check found: whether the file is there, and why not (an HTTP status, or a network failure). */
export interface UrlCheck {
  exists: boolean;
  error: string | null;
  /** No HTTP answer at all: the server could not be reached (refused, no such host, timeout...). */
  unreachable: boolean;
}

/** Network failures in words, by Node's error code. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be resolved",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
};

// A network failure as "<words> (<code>)", e.g. "connection refused (ECONNREFUSED)".
export function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && NETWORK_ERRORS[code] !== undefined) return `${NETWORK_ERRORS[code]} (${code})`;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** One HTTP answer: its status, its Location header, and (when asked for) its body. */
interface Answer {
  status: number;
  location: string | undefined;
  body: Buffer | null;
}

// One HTTP(S) request; resolves to the status, the Location header and, with WANTBODY on a 2xx answer, the body.
// node:http rather than fetch: fetch refuses some ports outright ("bad port", e.g. 9 or 6000) where apt would connect.
function request(url: string, method: "HEAD" | "GET", wantBody = false): Promise<Answer> {
  const get = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = get(url, { method, timeout: PROBE_TIMEOUT_MS }, (res) => {
      const status = res.statusCode ?? 0;
      if (!wantBody || status < 200 || status >= 300) {
        res.resume();
        resolve({ status, location: res.headers.location, body: null });
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status, location: res.headers.location, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

const MAX_REDIRECTS = 5;

// The final answer for URL, redirects followed; null after too many. Network failures throw.
async function follow(url: string, method: "HEAD" | "GET", wantBody: boolean): Promise<Answer | null> {
  let current = url;
  for (let hops = 0; hops <= MAX_REDIRECTS; hops += 1) {
    let answer = await request(current, method, wantBody);
    if (method === "HEAD" && (answer.status === 405 || answer.status === 501)) answer = await request(current, "GET");
    if (answer.status < 300 || answer.status >= 400 || answer.location === undefined) return answer;
    current = new URL(answer.location, current).toString();
  }
  return null;
}

// HEAD (GET when HEAD is refused), following redirects.
async function httpExists(url: string): Promise<UrlCheck> {
  let answer: Answer | null;
  try {
    answer = await follow(url, "HEAD", false);
  } catch (error) {
    return { exists: false, error: describeNetworkError(error), unreachable: true };
  }
  if (answer === null) return { exists: false, error: `more than ${MAX_REDIRECTS} redirects`, unreachable: false };
  const ok = answer.status >= 200 && answer.status < 300;
  return { exists: ok, error: ok ? null : `HTTP ${answer.status}`, unreachable: false };
}

// Whether the file at URL exists: file:// by access(2), http(s) by HEAD (GET when HEAD is refused). Other schemes: unknown.
export async function urlExists(url: string): Promise<UrlCheck> {
  if (url.startsWith("file:")) {
    try {
      await access(fileURLToPath(url));
      return { exists: true, error: null, unreachable: false };
    } catch (error) {
      return { exists: false, error: (error as NodeJS.ErrnoException).code ?? String(error), unreachable: false };
    }
  }
  if (!/^https?:\/\//.test(url)) return { exists: false, error: `cannot probe ${url.split(":")[0]}: URLs`, unreachable: false };
  return httpExists(url);
}

async function anyExists(urls: string[]): Promise<UrlCheck> {
  let last: UrlCheck = { exists: false, error: null, unreachable: false };
  for (const url of urls) {
    last = await urlExists(url);
    if (last.exists) return last;
  }
  return last;
}

// Probe BASE: an RPM repository if repodata/repomd.xml exists, else a Debian archive if dists/<s>/[In]Release exists for any of SUITES.
export async function probeRepository(base: string, suites: readonly string[]): Promise<ProbeResult> {
  const rpm = await urlExists(rpmMarker(base));
  if (rpm.exists) return { kind: "dnf", suites: [], error: null, unreachable: false };
  // A server that does not answer will not answer for the suites either.
  if (rpm.unreachable) return { kind: null, suites: [], error: rpm.error, unreachable: true };
  let error = rpm.error;
  let unreachable = false;
  const found: string[] = [];
  for (const suite of suites) {
    const r = await anyExists(aptMarkers(base, suite));
    if (r.exists) found.push(suite);
    else ({ error, unreachable } = r);
  }
  return found.length > 0 ? { kind: "apt", suites: found, error: null, unreachable: false } : { kind: null, suites: [], error, unreachable };
}

// The bytes at URL: file:// from disk, http(s) by GET (redirects followed, each request bounded by PROBE_TIMEOUT_MS).
// Throws on any failure, with the network error in words.
export async function readUrl(url: string): Promise<Buffer> {
  if (url.startsWith("file:")) return readFile(fileURLToPath(url));
  if (!/^https?:\/\//.test(url)) throw new Error(`cannot read ${url.split(":")[0]}: URLs`);
  let answer: Answer | null;
  try {
    answer = await follow(url, "GET", true);
  } catch (error) {
    throw new Error(describeNetworkError(error));
  }
  if (answer === null) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
  if (answer.body === null) throw new Error(`HTTP ${answer.status}`);
  return answer.body;
}
