// The root-tree cache on disk: one directory per key (tree.tar.zst + meta.json) that appears by one rename, or not at all.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { getLogger, isDryRun, run, type Teardown } from "../../run/index.js";
import { sha256Of } from "../../output/checksums.js";
import { tarExtractArgs } from "../liveimg.js";
import type { TreeKeyInputs } from "./key.js";

export const TREE_FILE = "tree.tar.zst";
export const META_FILE = "meta.json";
/** Entries being written: never read, removed by the writer on failure and by `ksimage cache prune`. */
export const PARTIAL_PREFIX = ".new-";

const MetaSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  // Read back for `ksimage plan`'s "why it misses" only; the key itself is what a hit is decided by.
  inputs: z.looseObject({ recipe: z.number(), selection: z.looseObject({ packages: z.array(z.string()) }) }),
  created: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  packages: z.number().int().nonnegative(),
  installSeconds: z.number().nonnegative(),
});

/** What meta.json says about an entry. */
export type TreeMeta = Omit<z.infer<typeof MetaSchema>, "inputs"> & { inputs: TreeKeyInputs };

/** One entry as found on disk. */
export interface TreeEntry {
  key: string;
  dir: string;
  meta: TreeMeta;
  /** When a build last used it (meta.json's mtime). */
  lastUsed: Date;
}

/** The directory of the root-tree cache inside --cache DIR. */
export function treesDir(cacheDir: string): string {
  return path.join(cacheDir, "trees");
}

// Read the entry of KEY: null when there is none, a problem when meta.json is missing, unreadable or lies about the tree.
export async function readEntry(cacheDir: string, key: string): Promise<{ entry: TreeEntry | null; problem: string | null }> {
  const dir = path.join(treesDir(cacheDir), key);
  if (!existsSync(dir)) return { entry: null, problem: null };
  const metaFile = path.join(dir, META_FILE);
  try {
    const meta = MetaSchema.parse(JSON.parse(await readFile(metaFile, "utf8"))) as unknown as TreeMeta;
    if (meta.key !== key) return { entry: null, problem: `its meta.json names another key (${meta.key})` };
    const tree = await stat(path.join(dir, TREE_FILE));
    if (tree.size !== meta.bytes) return { entry: null, problem: `${TREE_FILE} has ${tree.size} bytes, meta.json says ${meta.bytes}` };
    return { entry: { key, dir, meta, lastUsed: (await stat(metaFile)).mtime }, problem: null };
  } catch (error) {
    return { entry: null, problem: error instanceof z.ZodError ? "its meta.json is not what ksimage writes" : (error as Error).message };
  }
}

// Whether the entry's tree is byte for byte what was stored; the problem otherwise. The hash runs in a tool, not here:
// hashing hundreds of MiB in this process would grow it by tens of MiB of buffers.
export async function verifyEntry(entry: TreeEntry): Promise<string | null> {
  const actual = await sha256Of(path.join(entry.dir, TREE_FILE), "tree cache: verify");
  return actual === entry.meta.sha256 ? null : `${TREE_FILE} does not match its sha256 (stored ${entry.meta.sha256.slice(0, 12)}, found ${actual.slice(0, 12)})`;
}

// Remove an entry (renamed aside first, so no build ever sees half of it).
export async function removeEntry(dir: string): Promise<void> {
  const aside = path.join(path.dirname(dir), `${PARTIAL_PREFIX}removed-${path.basename(dir)}-${randomBytes(4).toString("hex")}`);
  await rename(dir, aside).catch(() => undefined);
  await rm(aside, { recursive: true, force: true });
}

// The tar argv that archives ROOT (every mounted filesystem below it) with owners, modes, xattrs, ACLs and hard links, zstd-compressed.
export function treeArchiveArgs(root: string, file: string, excludes: readonly string[]): string[] {
  return [
    "tar",
    "--create",
    `--file=${file}`,
    "--use-compress-program=zstd -T0 -3",
    "--xattrs",
    "--xattrs-include=*",
    "--acls",
    "--numeric-owner",
    "--anchored",
    ...excludes.map((e) => `--exclude=./${e}`),
    "-C",
    root,
    ".",
  ];
}

// Unpack ENTRY's tree into the mounted ROOT and mark the entry used.
export async function restoreTree(entry: TreeEntry, root: string): Promise<void> {
  await run(tarExtractArgs(path.join(entry.dir, TREE_FILE), "tar.zst", root), { reason: `unpack the cached root tree ${entry.key.slice(0, 12)}`, phase: "tree cache: restore" });
  const now = new Date();
  if (!isDryRun()) await utimes(path.join(entry.dir, META_FILE), now, now).catch(() => undefined);
}

/** What is stored beside the tree. */
export interface StoreInfo {
  key: string;
  inputs: TreeKeyInputs;
  packages: number;
  installSeconds: number;
  /** Paths below the root (mount points' lost+found) that are not part of the tree. */
  excludes: string[];
}

// Archive ROOT as the entry of info.key: written under a private name, then renamed into place in one step.
export async function storeTree(cacheDir: string, root: string, info: StoreInfo, teardown: Teardown): Promise<TreeEntry | null> {
  const trees = treesDir(cacheDir);
  const tmp = path.join(trees, `${PARTIAL_PREFIX}${info.key}-${randomBytes(4).toString("hex")}`);
  if (isDryRun()) {
    await run(treeArchiveArgs(root, path.join(tmp, TREE_FILE), info.excludes), { reason: "store the installed tree in the cache" });
    return null;
  }
  const handle = teardown.defer(`remove the unfinished cache entry ${tmp}`, () => rm(tmp, { recursive: true, force: true }));
  try {
    await mkdir(tmp, { recursive: true });
    const file = path.join(tmp, TREE_FILE);
    await run(treeArchiveArgs(root, file, info.excludes), { reason: "store the installed tree in the cache", phase: "tree cache: store" });
    const meta: TreeMeta = {
      key: info.key,
      inputs: info.inputs,
      created: new Date().toISOString(),
      bytes: (await stat(file)).size,
      sha256: await sha256Of(file, "tree cache: store"),
      packages: info.packages,
      installSeconds: info.installSeconds,
    };
    await writeFile(path.join(tmp, META_FILE), JSON.stringify(meta, null, 2) + "\n");
    const dir = path.join(trees, info.key);
    // A damaged entry of this key (the plan saw it) gives way; a whole one another build stored meanwhile is kept.
    if ((await readEntry(cacheDir, info.key)).problem !== null) await removeEntry(dir);
    try {
      await rename(tmp, dir);
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      getLogger().info({ key: info.key }, "another build stored this tree first; keeping its entry");
    }
    return (await readEntry(cacheDir, info.key)).entry;
  } finally {
    handle.release();
    if (existsSync(tmp)) await rm(tmp, { recursive: true, force: true });
  }
}

/** Every entry of the cache, and the names that are not usable entries (partial writes, damaged entries). */
export async function listEntries(cacheDir: string): Promise<{ entries: TreeEntry[]; other: { name: string; problem: string }[] }> {
  const trees = treesDir(cacheDir);
  if (!existsSync(trees)) return { entries: [], other: [] };
  const entries: TreeEntry[] = [];
  const other: { name: string; problem: string }[] = [];
  for (const name of (await readdir(trees)).sort()) {
    if (name.startsWith(PARTIAL_PREFIX)) {
      other.push({ name, problem: "unfinished (a build is writing it, or was interrupted)" });
      continue;
    }
    const { entry, problem } = await readEntry(cacheDir, name);
    if (entry) entries.push(entry);
    else other.push({ name, problem: problem ?? "not an entry" });
  }
  return { entries, other };
}
