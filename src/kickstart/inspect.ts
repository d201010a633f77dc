// Turn a parsed kickstart into the normalized document `ksimage inspect --json` prints.
//
// The document is the shape ../shared/kickstarts/README.md describes (pykickstart's
// view of a file), so results can be compared with the reference parser: sizes in
// MiB, empty strings as null, secrets only as *Set flags.
import path from "node:path";
import type { Diagnostic, ParseResult } from "./parser.js";
import { MiB, type Kickstart } from "./model.js";
import { urlPassword } from "../faithful/secrets.js";

type Doc = Record<string, unknown>;

const SECRET_KEYS: Record<string, string> = {
  password: "passwordSet",
  passphrase: "passphraseSet",
  wepkey: "wepkeySet",
  wpakey: "wpakeySet",
  hw_passphrase: "hw_passphraseSet",
  password_in: "password_inSet",
  activation_keys: "activation_keysSet",
};

/** Replace secrets by booleans, "" by null, and drop our own source bookkeeping. */
function scrub(value: unknown, dropFile = true): unknown {
  if (value === "") return null;
  // realm join keeps its arguments verbatim; a one-time password among them is still a secret.
  if (typeof value === "string" && value.startsWith("--one-time-password=")) return "--one-time-password=***";
  // A URL may carry a password (http://user:PASSWORD@host).
  if (typeof value === "string") {
    const pw = urlPassword(value);
    if (pw !== undefined) return value.replace(`:${pw}@`, ":***@");
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, dropFile));
  if (value && typeof value === "object") {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value as Doc)) {
      if (k === "file" && dropFile) continue;
      const flag = SECRET_KEYS[k];
      if (flag) {
        out[flag] = v !== null && v !== undefined && v !== "";
        continue;
      }
      // A script or addon body is text, where "" means empty, not "not given".
      out[k] = k === "body" ? v : scrub(v, dropFile);
    }
    return out;
  }
  return value;
}

const toMiB = (bytes: number | null): number | null => (bytes === null ? null : bytes / MiB);

/** The normalized document for a successfully parsed kickstart. */
export function inspectDocument(ks: Kickstart): Doc {
  const doc = scrub({ ...ks, file: undefined }) as Doc;
  delete doc.file;
  doc.partitions = ks.partitions.map((p) => ({
    ...(scrub(p) as Doc),
    size: toMiB(p.size),
    maxsize: p.maxsize === null || p.maxsize === 0 ? null : toMiB(p.maxsize),
  }));
  doc.warnings = ks.warnings.map((w) => ({ category: w.category, message: w.message }));
  return doc;
}

/** The error document for a kickstart that failed to parse. */
export function errorDocument(error: Diagnostic, warnings: Diagnostic[]): Doc {
  return {
    error: error.message,
    exception: error.line === 0 ? "KickstartError" : "KickstartParseError",
    file: error.file,
    includeStack: error.includeStack,
    line: error.line,
    warnings: warnings.map((w) => ({ category: w.category ?? "KickstartParseWarning", message: w.message })),
  };
}

/** One JSON Lines record for `inspect --json`: the document or the error document. */
export function inspectResult(result: ParseResult): Doc {
  if (result.ks) return inspectDocument(result.ks);
  const error = result.diagnostics.find((d) => d.severity === "error");
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  if (!error) throw new Error("parse failed without an error diagnostic");
  return errorDocument(error, warnings);
}

/** Show an entry path the way the reference parser names it (relative to its own directory). */
export function displayName(file: string): string {
  return path.basename(file);
}
