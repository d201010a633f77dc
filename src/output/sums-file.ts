// Refresh an existing SHA256SUMS: read it, replace the lines of rewritten files, and put it back atomically (.partial, then rename).
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { isDryRun, type Teardown, publishFile } from "../run/index.js";
import { parseSumLine, sha256SumsText, type SumLine } from "./checksums.js";

// The lines of DIR/SHA256SUMS ([] when there is none); a line sha256sum -c would read differently is refused, not dropped.
export async function readSha256Sums(dir: string): Promise<SumLine[]> {
  const file = path.join(dir, "SHA256SUMS");
  if (!existsSync(file)) return [];
  const lines = (await readFile(file, "utf8")).split("\n");
  return lines.flatMap((line, i) => {
    if (line.trim() === "") return [];
    try {
      return [parseSumLine(line)];
    } catch {
      throw new KsimageError(`${file}:${i + 1}: not a line ksimage can keep when it rewrites the file: ${JSON.stringify(line.slice(0, 80))}`, "write the outputs to another directory with --outdir");
    }
  });
}

// EXISTING without the lines for DROP, then ADDED (sorted by name when written).
export function mergeSumLines(existing: readonly SumLine[], drop: ReadonlySet<string>, added: readonly SumLine[] = []): SumLine[] {
  const replaced = new Set([...drop, ...added.map((l) => l.name)]);
  return [...existing.filter((l) => !replaced.has(l.name)), ...added];
}

// Write LINES as DIR/SHA256SUMS through SHA256SUMS.partial, so a reader never sees half a file (no lines: no file); the partial goes on failure.
export async function replaceSha256Sums(dir: string, lines: readonly SumLine[], teardown: Teardown): Promise<void> {
  const file = path.join(dir, "SHA256SUMS");
  const partial = `${file}.partial`;
  const handle = teardown.defer(`remove ${path.basename(partial)}`, () => rm(partial, { force: true }));
  if (isDryRun()) return handle.release();
  if (lines.length === 0) {
    // An empty SHA256SUMS would make `sha256sum -c` fail: no lines, no file.
    await rm(file, { force: true });
  } else {
    await writeFile(partial, sha256SumsText(lines));
    await publishFile(partial, file);
  }
  handle.release();
}
