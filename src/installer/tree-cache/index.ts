// The root-tree cache in a build: decide hit or miss (and say why) at plan time, restore on a hit, store after a miss.
import path from "node:path";
import type { LayoutPlan } from "../../partition/types.js";
import { getLogger, isDryRun, type Teardown } from "../../run/index.js";
import type { PackageSource } from "../types.js";
import { keyDifferences, shortKey, treeKey, treeKeyInputs, type TreeKeyInputs } from "./key.js";
import { metadataRevisions } from "./revision.js";
import { listEntries, readEntry, removeEntry, restoreTree, storeTree, verifyEntry, type TreeEntry } from "./store.js";

export { shortKey, type TreeKeyInputs } from "./key.js";

/** The plan's word on the cache: off (and why), or the key and whether the cache has its tree. */
export type TreeCachePlan =
  | { status: "off"; reason: string }
  | { status: "hit" | "miss"; dir: string; key: string; inputs: TreeKeyInputs; reason: string };

/** Where the cache is: a directory, absent (no --cache), or switched off for this build (--no-cache). */
export type TreeCacheChoice = { dir: string } | "none" | "disabled";

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// Describe ENTRY in a few words: "entry 3f2a9c1b7d0e (212 MiB, 163 packages, stored 2026-12-04T03:10:00Z)".
function describeEntry(entry: TreeEntry): string {
  return `entry ${shortKey(entry.key)} (${mib(entry.meta.bytes)}, ${entry.meta.packages} packages, stored ${entry.meta.created.replace(/\.\d+Z$/, "Z")})`;
}

// Why INPUTS miss: the differences from the most recently used entry of the same backend, or an empty cache.
async function missReason(dir: string, inputs: TreeKeyInputs): Promise<string> {
  const { entries } = await listEntries(dir);
  const nearest = entries.filter((e) => e.meta.inputs.backend === inputs.backend).sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime())[0];
  if (nearest === undefined) return "no tree for this key yet: it is installed and then stored";
  const diff = keyDifferences(nearest.meta.inputs, inputs);
  return `no tree for this key; the last one used (${shortKey(nearest.key)}) differs in: ${diff.length > 0 ? diff.join("; ") : "the recipe"}`;
}

// Decide hit or miss for SOURCE in the cache CHOICE, with the reason `ksimage plan` prints.
export async function planTreeCache(source: PackageSource | null, choice: TreeCacheChoice, layout: LayoutPlan, epoch: number | null = null): Promise<TreeCachePlan> {
  if (source === null) return { status: "off", reason: "no package installation: nothing to cache" };
  if (choice === "none") return { status: "off", reason: "no --cache DIR" };
  if (choice === "disabled") return { status: "off", reason: "--no-cache" };
  const revisions = await metadataRevisions(source);
  if (!revisions.ok) return { status: "off", reason: `not cached: ${revisions.reason}` };
  const rootFstype = layout.mounts.find((m) => m.mountpoint === "/")?.fstype ?? null;
  const inputs = treeKeyInputs(source, revisions.sources, rootFstype, epoch);
  const key = treeKey(inputs);
  const dir = path.resolve(choice.dir);
  const { entry, problem } = await readEntry(dir, key);
  if (entry !== null) return { status: "hit", dir, key, inputs, reason: `${describeEntry(entry)} has this tree` };
  if (problem !== null) return { status: "miss", dir, key, inputs, reason: `the entry for this key is damaged (${problem}): it is installed again and replaced` };
  return { status: "miss", dir, key, inputs, reason: await missReason(dir, inputs) };
}

// On a planned hit, unpack the cached tree into ROOT and return true; a damaged entry is removed and the build installs.
export async function restoreCachedTree(plan: TreeCachePlan, root: string, log: (line: string) => void): Promise<boolean> {
  if (plan.status !== "hit") return false;
  const { entry, problem } = await readEntry(plan.dir, plan.key);
  // A dry run (plan --commands) shows the unpacking; it never hashes, let alone removes, an entry.
  if (isDryRun() && entry !== null) return restoreTree(entry, root).then(() => true);
  const damaged = entry === null ? (problem ?? "it is gone") : await verifyEntry(entry);
  if (entry === null || damaged !== null) {
    log(`root-tree cache: the entry ${shortKey(plan.key)} is not usable (${damaged}): removed; installing the packages instead`);
    getLogger().warn({ key: plan.key, problem: damaged }, "damaged root-tree cache entry removed");
    await removeEntry(path.join(plan.dir, "trees", plan.key));
    return false;
  }
  await restoreTree(entry, root);
  log(`root-tree cache: restored ${describeEntry(entry)}`);
  return true;
}

/** What the install step tells the store step. */
export interface InstalledTree {
  packages: number;
  seconds: number;
}

// After an install from packages, store the tree of ROOT under the plan's key; a failure to store is a warning, never a failed build.
export async function storeCachedTree(
  plan: TreeCachePlan,
  root: string,
  layout: LayoutPlan,
  installed: InstalledTree,
  teardown: Teardown,
  sessionMounts: readonly string[] = [],
): Promise<{ line: string; warning: boolean } | null> {
  if (plan.status === "off") return null;
  // mkfs's lost+found at each filesystem's root belongs to the new filesystems, not to the tree; so does what an open
  // guest session mounted (a dnf install runs inside one): its mount points stay, their content does not.
  const excludes = [
    ...layout.mounts.filter((m) => m.fstype.startsWith("ext")).map((m) => path.posix.join(path.posix.relative("/", m.mountpoint), "lost+found")),
    ...sessionMounts.map((m) => `${m}/*`),
  ];
  try {
    const entry = await storeTree(plan.dir, root, { key: plan.key, inputs: plan.inputs, packages: installed.packages, installSeconds: installed.seconds, excludes }, teardown);
    return entry ? { line: `root-tree cache: stored ${describeEntry(entry)}`, warning: false } : null;
  } catch (error) {
    getLogger().warn({ err: error, key: plan.key }, "could not store the root tree in the cache");
    return { line: `the installed tree could not be stored in the cache ${plan.dir}: ${error instanceof Error ? error.message : String(error)}`, warning: true };
  }
}
