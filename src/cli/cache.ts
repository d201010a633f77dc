// `ksimage cache list|prune DIR`: what the root-tree and image caches of a --cache directory hold, and keeping them within a size.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { shortKey } from "../installer/tree-cache/index.js";
import { pruneCache } from "../installer/tree-cache/prune.js";
import { listEntries, type TreeEntry } from "../installer/tree-cache/store.js";
import { parseSize } from "./options.js";
import { listImageEntries, type ImageEntry } from "../image-cache/store.js";
import { pruneImages } from "../image-cache/prune.js";

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** One line per entry: key, size, what it holds, when it was stored and last used. */
export function formatEntry(e: TreeEntry): string {
  const i = e.meta.inputs;
  const what = `${i.backend} ${i.release ?? "-"}${i.variant ? `/${i.variant}` : ""}, ${e.meta.packages} packages`;
  return `${shortKey(e.key)}  ${mib(e.meta.bytes).padStart(8)}  ${what}; stored ${e.meta.created.slice(0, 19)}Z, last used ${e.lastUsed.toISOString().slice(0, 19)}Z`;
}

/** One line per image: key, size on disk, its tree, disks, when it was stored and last used. */
export function formatImage(e: ImageEntry): string {
  const what = `tree ${shortKey(e.meta.treeKey)}, disks ${e.meta.disks.map((d) => d.name).join(", ")}`;
  return `${shortKey(e.key)}  ${mib(e.allocatedBytes).padStart(8)}  ${what}; stored ${e.meta.created.slice(0, 19)}Z, last used ${e.lastUsed.toISOString().slice(0, 19)}Z`;
}

function requireDir(dir: string): void {
  if (!existsSync(dir)) throw new UsageError(`${dir} does not exist (it is the directory given to ksimage build --cache)`);
}

// List the entries of DIR's root-tree cache, most recently used first.
export async function listCache(dir: string, out: (s: string) => void, json: boolean): Promise<void> {
  requireDir(dir);
  const { entries, other } = await listEntries(dir);
  const sorted = [...entries].sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  const images = await listImageEntries(dir);
  const sortedImages = [...images.entries].sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  if (json) {
    const imageJson = sortedImages.map((e) => ({ ...e.meta, allocatedBytes: e.allocatedBytes, lastUsed: e.lastUsed.toISOString() }));
    out(JSON.stringify({ entries: sorted.map((e) => ({ ...e.meta, lastUsed: e.lastUsed.toISOString() })), other, images: imageJson, otherImages: images.other }, null, 2) + "\n");
    return;
  }
  if (sorted.length === 0) out(`no root trees in ${dir}\n`);
  for (const e of sorted) out(`${formatEntry(e)}\n`);
  for (const o of other) out(`(not an entry) ${o.name}: ${o.problem}\n`);
  out(`${sorted.length} entries, ${mib(sorted.reduce((n, e) => n + e.meta.bytes, 0))}\n`);
  if (sortedImages.length + images.other.length === 0) return;
  out("images (disks before %post):\n");
  for (const e of sortedImages) out(`${formatImage(e)}\n`);
  for (const o of images.other) out(`(not an entry) images/${o.name}: ${o.problem}\n`);
  out(`${sortedImages.length} images, ${mib(sortedImages.reduce((n, e) => n + e.allocatedBytes, 0))} on disk\n`);
}

/** Register `cache list` and `cache prune`. */
export function registerCache(program: Command): void {
  const cache = program.command("cache").description("inspect and prune the root-tree and image caches of a --cache directory");
  cache
    .command("list")
    .description("list the cached root trees, then the cached images (disks before %post), most recently used first")
    .argument("<dir>", "the directory given to ksimage build --cache")
    .option("--json", "print the entries as JSON")
    .addHelpText("after", "\nExamples:\n  ksimage cache list /var/cache/ksimage\n  ksimage cache list --json /var/cache/ksimage | jq '.entries[].key'")
    .action(async (dir: string, opts: { json?: boolean }) => listCache(dir, (s) => process.stdout.write(s), opts.json === true));
  cache
    .command("prune")
    .description("remove damaged entries and interrupted writes; with --max-size, also the least recently used trees, then images, beyond it")
    .argument("<dir>", "the directory given to ksimage build --cache")
    .option("--max-size <size>", "keep at most this much, e.g. 2G (trees first, most recently used first; images get what is left)")
    .addHelpText("after", "\nExamples:\n  ksimage cache list /var/cache/ksimage\n  ksimage cache prune /var/cache/ksimage --max-size 4G")
    .action(async (dir: string, opts: { maxSize?: string }) => {
      requireDir(dir);
      const max = opts.maxSize === undefined ? null : parseSize(opts.maxSize);
      const report = await pruneCache(dir, max);
      const images = await pruneImages(dir, max === null ? null : Math.max(0, max - report.keptBytes));
      for (const [kind, r] of [...report.removed.map((x) => ["", x] as const), ...images.removed.map((x) => ["image ", x] as const)]) {
        process.stdout.write(`removed ${kind}${r.name.length === 64 ? shortKey(r.name) : r.name}${r.bytes ? ` (${mib(r.bytes)})` : ""}: ${r.why}\n`);
      }
      process.stdout.write(`kept ${report.kept.length} entries, ${mib(report.keptBytes)}; ${images.kept.length} images, ${mib(images.keptBytes)}\n`);
    });
}
