// Compare ksimage's kickstart parser with the reference results in ../shared/kickstarts.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { inspectResult } from "../../src/kickstart/inspect.js";
import { parseKickstart } from "../../src/kickstart/parser.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sharedDir = process.env.KSIMAGE_SHARED ?? path.resolve(repoRoot, "../shared");
export const corpusDir = path.join(sharedDir, "kickstarts/corpus");
export const expectedDir = path.join(sharedDir, "kickstarts/expected");
export const haveCorpus = existsSync(path.join(expectedDir, "manifest.json"));

/** The keys the acceptance criterion compares for files that parse in both. */
export const COMPARED_KEYS = [
  "partitions", "bootloader", "rootpw", "users", "groups", "sshkeys", "lang", "keyboard", "timezone",
  "selinux", "firewall", "services", "network", "repos", "url", "packages", "scripts", "includes", "addons",
] as const;

export interface ManifestFile {
  path: string;
  source: string;
  role: "entry" | "included";
  result: "pass" | "fail";
  line?: number | null;
  error?: string;
}

export function manifestFiles(): ManifestFile[] {
  const m = JSON.parse(readFileSync(path.join(expectedDir, "manifest.json"), "utf8")) as { files: ManifestFile[] };
  return m.files;
}

export interface Comparison {
  file: string;
  agree: boolean;
  why: string;
  diffKeys: string[];
  ours: Record<string, unknown>;
  expected: Record<string, unknown>;
}

/** Parse one corpus file the way the oracle did (strict, missing includes fatal) and compare. */
export function compareFile(f: ManifestFile, opts: { lenient?: boolean } = {}): Comparison {
  const file = path.join(corpusDir, f.source, f.path);
  const suffix = opts.lenient ? ".lenient.json" : ".json";
  const expected = JSON.parse(readFileSync(path.join(expectedDir, f.source, f.path + suffix), "utf8")) as Record<string, unknown>;
  const ours = inspectResult(parseKickstart(file, { missingIncludeIsFatal: !opts.lenient })) as Record<string, unknown>;
  const id = `${f.source}/${f.path}`;
  const expFailed = "error" in expected;
  const ourFailed = "error" in ours;
  if (expFailed || ourFailed) {
    if (expFailed && ourFailed && expected.line === ours.line) return { file: id, agree: true, why: "both fail on the same line", diffKeys: [], ours, expected };
    // A deliberate difference: pykickstart reports a missing %include at line 0 (of no file); ksimage at the
    // %include line. The message must still be the same.
    const missingInclude = (d: Record<string, unknown>) => String(d.error).startsWith("Unable to open input kickstart file: ");
    if (expFailed && ourFailed && expected.line === 0 && missingInclude(expected) && expected.error === ours.error && typeof ours.line === "number" && ours.line > 0) {
      return { file: id, agree: true, why: "both fail on the same missing %include (ksimage names its line)", diffKeys: [], ours, expected };
    }
    const describe = (d: Record<string, unknown>) => ("error" in d ? `fails at line ${String(d.line)}: ${String(d.error)}` : "parses");
    return { file: id, agree: false, why: `reference ${describe(expected)}; ksimage ${describe(ours)}`, diffKeys: [], ours, expected };
  }
  const diffKeys = COMPARED_KEYS.filter((k) => !isDeepStrictEqual(ours[k], expected[k]));
  return { file: id, agree: diffKeys.length === 0, why: diffKeys.length ? `differs in ${diffKeys.join(", ")}` : "equal", diffKeys, ours, expected };
}
