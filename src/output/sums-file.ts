// Refresh an existing SHA256SUMS: read it, replace the lines of rewritten files, and put it back atomically (.partial, then rename).
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { isDryRun, type Teardown } from "../run/index.js";
import { parseSumLine, publishSumsFile, type SumLine } from "./checksums.js";

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

// Write LINES as DIR/SHA256SUMS (see publishSumsFile); a signal during the write leaves no SHA256SUMS.partial either.
export async function replaceSha256Sums(dir: string, lines: readonly SumLine[], teardown: Teardown): Promise<void> {
  const partial = path.join(dir, "SHA256SUMS.partial");
  const handle = teardown.defer(`remove ${path.basename(partial)}`, () => rm(partial, { force: true }));
  if (!isDryRun()) await publishSumsFile(dir, lines);
  handle.release();
}
