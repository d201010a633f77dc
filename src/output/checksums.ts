// SHA-256 of output files (openssl), and the SHA256SUMS file that `sha256sum -c` verifies in the output directory.
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { isDryRun, publishFile, run } from "../run/index.js";

// Hash one file; run in its directory so that the line names it as SHA256SUMS will. openssl uses the CPU's SHA
// instructions, which coreutils' sha256sum does not: 0.2 s instead of 0.8 s for a 250 MiB qcow2 here. -r prints
// sha256sum's own binary-mode line ("<hex> *name").
export function sha256sumArgs(fileName: string): string[] {
  return ["openssl", "dgst", "-sha256", "-r", "--", fileName];
}

/** One line of sha256sum's output: the hash and the name it was given. */
export interface SumLine {
  sha256: string;
  name: string;
}

// Parse "<64 hex> *name" (binary mode) or "<64 hex>  name"; names with a backslash or newline are refused upstream.
export function parseSumLine(line: string): SumLine {
  const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
  if (!m) throw new KsimageError(`unexpected checksum output: ${JSON.stringify(line)}`);
  return { sha256: m[1]!, name: m[2]! };
}

// The SHA-256 of FILE (hex); PHASE: where its time goes in the build's profile (default "checksums").
export async function sha256Of(file: string, phase = "checksums"): Promise<string> {
  const { stdout } = await run(sha256sumArgs(path.basename(file)), { cwd: path.dirname(file), reason: `hash ${path.basename(file)}`, phase });
  if (isDryRun()) return "0".repeat(64);
  return parseSumLine(stdout.trim()).sha256;
}

// SHA256SUMS text for the given lines, sorted by name so the file does not depend on which hash finished first.
export function sha256SumsText(lines: readonly SumLine[]): string {
  return [...lines]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((l) => `${l.sha256} *${l.name}\n`)
    .join("");
}

// Hash every file (relative names under DIR) in parallel and write DIR/SHA256SUMS; KNOWN hashes are reused.
export async function writeSha256Sums(dir: string, names: readonly string[], known: ReadonlyMap<string, string> = new Map()): Promise<SumLine[]> {
  for (const n of names) {
    // sha256sum escapes such names with a leading backslash; output names never contain them, so refuse rather than escape.
    if (/[\\\n]/.test(n)) throw new KsimageError(`cannot list ${JSON.stringify(n)} in SHA256SUMS: the name contains a backslash or newline`);
  }
  const lines = await Promise.all(
    names.map(async (name) => ({ name, sha256: known.get(path.join(dir, name)) ?? (await sha256Of(path.join(dir, name))) })),
  );
  if (!isDryRun()) await publishSumsFile(dir, lines);
  return lines;
}

// Write LINES as DIR/SHA256SUMS through SHA256SUMS.partial, so a reader never sees half a file; the partial goes when the
// write fails (a full disk mid-write: the half file is not an output). No lines, no file: an empty one fails `sha256sum -c`.
export async function publishSumsFile(dir: string, lines: readonly SumLine[]): Promise<void> {
  const file = path.join(dir, "SHA256SUMS");
  if (lines.length === 0) return rm(file, { force: true });
  try {
    await writeFile(`${file}.partial`, sha256SumsText(lines));
    await publishFile(`${file}.partial`, file);
  } catch (error) {
    await rm(`${file}.partial`, { force: true });
    throw error;
  }
}
