// Find the secrets a kickstart holds (passwords, hashes, passphrases, keys) and make copies of it without them.
import type { Kickstart } from "../kickstart/model.js";
import { REDACTED } from "../run/shell-quote.js";

/** Model keys whose values are secrets, wherever they sit (rootpw, user, bootloader, sshpw, part/logvol/raid, network, iscsi, rdp, rhsm). */
const SECRET_KEYS = new Set(["password", "passphrase", "wepkey", "wpakey", "hw_passphrase", "password_in", "md5pass", "activation_keys"]);

/** The password in a URL (`http://user:PASSWORD@host`: a proxy, a repository's baseurl, url --url), or undefined. */
export function urlPassword(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/:@]*:([^/@]+)@/i.exec(url)?.[1];
}

/** `--one-time-password=X` (realm join keeps its arguments verbatim). */
const ONE_TIME = /^--one-time-password=(.+)$/;

function walk(value: unknown, key: string | undefined, found: (secret: string) => void): void {
  if (typeof value === "string") {
    if (key !== undefined && SECRET_KEYS.has(key)) found(value);
    else if (urlPassword(value) !== undefined) found(urlPassword(value)!);
    else if (ONE_TIME.test(value)) found(ONE_TIME.exec(value)![1]!);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(v, key, found);
    return;
  }
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, k === "file" ? undefined : k, found);
}

/** Every secret value in the kickstart (plain and hashed passwords, passphrases, WEP/WPA keys, passwords in URLs). */
export function secretsOf(ks: Kickstart): string[] {
  const out = new Set<string>();
  walk(ks, undefined, (s) => {
    if (s !== "") out.add(s);
  });
  return [...out];
}

function scrub(value: unknown, key: string | undefined, replace: (secret: string) => string): unknown {
  if (typeof value === "string") {
    if (key !== undefined && SECRET_KEYS.has(key)) return value === "" ? value : replace(value);
    const inUrl = urlPassword(value);
    if (inUrl !== undefined) return value.replace(`:${inUrl}@`, `:${replace(inUrl)}@`);
    if (ONE_TIME.test(value)) return `--one-time-password=${replace(ONE_TIME.exec(value)![1]!)}`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, key, replace));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k, replace)]));
  return value;
}

/** A copy of the kickstart with every secret replaced by *** (what `plan --json` prints). */
export function redactKickstart(ks: Kickstart): Kickstart {
  return scrub(ks, undefined, () => REDACTED) as Kickstart;
}

/** A copy of VALUE (a kickstart, or part of one) with each non-empty secret replaced by REPLACE(secret). */
export function replaceSecrets<T>(value: T, replace: (secret: string) => string): T {
  return scrub(value, undefined, replace) as T;
}

/** URL with its password, if any, replaced by *** (`http://user:***@host/`). */
export function withoutUrlPassword(url: string): string {
  const inUrl = urlPassword(url);
  return inUrl === undefined ? url : url.replace(`:${inUrl}@`, `:${REDACTED}@`);
}
