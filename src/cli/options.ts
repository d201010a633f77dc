// Parse command-line values shared by several commands (disk sizes, disk labels, the cache) into typed options.
import path from "node:path";
import { UsageError } from "../errors.js";
import type { TreeCacheChoice } from "../installer/tree-cache/index.js";
import type { LabelType } from "../partition/types.js";

const UNITS: Record<string, number> = { "": 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A size like 4G, 512M, 4GiB or 2048 (MiB, as in kickstart) in bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`"${text}" is not a size (examples: 4G, 512M, 2048 for MiB)`);
  const bytes = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  const mib = Math.round(bytes / 2 ** 20);
  if (mib <= 0 || Math.abs(mib * 2 ** 20 - bytes) > 0) throw new UsageError(`size "${text}" must be a positive whole number of MiB`);
  return bytes;
}

/** Collect repeated `DISK=VALUE` options (commander's variadic collector). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function pairs(values: string[] | undefined, what: string): [string, string][] {
  return (values ?? []).map((v) => {
    const i = v.indexOf("=");
    if (i <= 0) throw new UsageError(`--${what} expects DISK=VALUE (for example sda=4G), got "${v}"`);
    return [v.slice(0, i), v.slice(i + 1)];
  });
}

/** `--disk-size sda=4G --disk-size sdb=1G` as bytes per disk. A bare size applies to sda. */
export function parseDiskSizes(values: string[] | undefined): Record<string, number> {
  const withDisk = (values ?? []).map((v) => (v.includes("=") ? v : `sda=${v}`));
  return Object.fromEntries(pairs(withDisk, "disk-size").map(([d, s]) => [d, parseSize(s)]));
}

/** `--disklabel sdb=gpt` per disk. */
export function parseDiskLabels(values: string[] | undefined): Record<string, LabelType> {
  return Object.fromEntries(
    pairs(values, "disklabel").map(([d, l]) => {
      if (l !== "gpt" && l !== "msdos") throw new UsageError(`--disklabel ${d}=${l}: the label must be gpt or msdos`);
      return [d, l as LabelType];
    }),
  );
}

/** The root-tree cache the command line asks for: --cache DIR, nothing, or --no-cache (commander's false). */
export function treeCacheChoice(cache: string | false | undefined): TreeCacheChoice {
  if (cache === false) return "disabled";
  return cache ? { dir: path.resolve(cache) } : "none";
}
