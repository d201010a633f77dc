// `ksimage cache list|prune DIR`: what the root-tree cache of a --cache directory holds, and keeping it within a size.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { shortKey } from "../installer/tree-cache/index.js";
import { pruneCache } from "../installer/tree-cache/prune.js";
import { listEntries, type TreeEntry } from "../installer/tree-cache/store.js";
import { parseSize } from "./options.js";

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** One line per entry: key, size, what it holds, when it was stored and last used. */
export function formatEntry(e: TreeEntry): string {
  const i = e.meta.inputs;
  const what = `${i.backend} ${i.release ?? "-"}${i.variant ? `/${i.variant}` : ""}, ${e.meta.packages} packages`;
  return `${shortKey(e.key)}  ${mib(e.meta.bytes).padStart(8)}  ${what}; stored ${e.meta.created.slice(0, 19)}Z, last used ${e.lastUsed.toISOString().slice(0, 19)}Z`;
}

function requireDir(dir: string): void {
  if (!existsSync(dir)) throw new UsageError(`${dir} does not exist (it is the directory given to ksimage build --cache)`);
}

// List the entries of DIR's root-tree cache, most recently used first.
export async function listCache(dir: string, out: (s: string) => void, json: boolean): Promise<void> {
  requireDir(dir);
  const { entries, other } = await listEntries(dir);
  const sorted = [...entries].sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  if (json) {
    out(JSON.stringify({ entries: sorted.map((e) => ({ ...e.meta, lastUsed: e.lastUsed.toISOString() })), other }, null, 2) + "\n");
    return;
  }
  if (sorted.length === 0) out(`no root trees in ${dir}\n`);
  for (const e of sorted) out(`${formatEntry(e)}\n`);
  for (const o of other) out(`(not an entry) ${o.name}: ${o.problem}\n`);
  out(`${sorted.length} entries, ${mib(sorted.reduce((n, e) => n + e.meta.bytes, 0))}\n`);
}

/** Register `cache list` and `cache prune`. */
export function registerCache(program: Command): void {
  const cache = program.command("cache").description("inspect and prune the root-tree cache of a --cache directory");
  cache
    .command("list")
    .description("list the cached root trees, most recently used first")
    .argument("<dir>", "the directory given to ksimage build --cache")
    .option("--json", "print the entries as JSON")
    .addHelpText("after", "\nExamples:\n  ksimage cache list /var/cache/ksimage\n  ksimage cache list --json /var/cache/ksimage | jq '.entries[].key'")
    .action(async (dir: string, opts: { json?: boolean }) => listCache(dir, (s) => process.stdout.write(s), opts.json === true));
  cache
    .command("prune")
    .description("remove damaged entries and interrupted writes; with --max-size, also the least recently used trees beyond it")
    .argument("<dir>", "the directory given to ksimage build --cache")
    .option("--max-size <size>", "keep at most this much, e.g. 2G (the most recently used trees are kept)")
    .addHelpText("after", "\nExamples:\n  ksimage cache list /var/cache/ksimage\n  ksimage cache prune /var/cache/ksimage --max-size 4G")
    .action(async (dir: string, opts: { maxSize?: string }) => {
      requireDir(dir);
      const report = await pruneCache(dir, opts.maxSize === undefined ? null : parseSize(opts.maxSize));
      for (const r of report.removed) process.stdout.write(`removed ${r.name.length === 64 ? shortKey(r.name) : r.name}${r.bytes ? ` (${mib(r.bytes)})` : ""}: ${r.why}\n`);
      process.stdout.write(`kept ${report.kept.length} entries, ${mib(report.keptBytes)}\n`);
    });
}
