// The root-tree cache key: a hash of everything that decides the installed tree, and the words for why two keys differ.
import { createHash } from "node:crypto";
import { configure } from "safe-stable-stringify";
import type { Backend, PackageSelection, PackageSource } from "../types.js";

/**
 * The version of the recipe that turns a package set into a tree (mmdebstrap hooks, dpkg and dnf settings).
 * Bump it whenever ksimage changes what an install writes: every older entry then misses.
 */
export const TREE_RECIPE = 2;

/** One repository or mirror the tree was installed from, with the revision of its metadata. */
export interface SourceRevision {
  /** "deb URI SUITE COMPONENTS" for apt, "REPO-ID URL" for dnf. */
  source: string;
  /** sha256 of the metadata file that changes whenever the repository does (InRelease/Release, repomd.xml, metalink). */
  revision: string;
}

/** Everything that decides the installed tree. Layout, accounts, %post and outputs are not in it: they run on top. */
export interface TreeKeyInputs {
  recipe: number;
  backend: Backend;
  arch: string;
  /** The Debian suite, or dnf's $releasever. */
  release: string | null;
  /** mmdebstrap's variant (apt only). */
  variant: string | null;
  sources: SourceRevision[];
  selection: PackageSelection;
  /** initramfs-tools is told the root filesystem's type, so it is part of the tree. */
  rootFstype: string | null;
  /**
   * The SOURCE_DATE_EPOCH the install ran with (null: none). mmdebstrap, mkinitramfs, Python and the shadow tools read it,
   * so a tree installed on another clock (or on none) has another initramfs and other password-change days.
   */
  epoch: number | null;
}

const stringify = configure({ deterministic: true });

/** Debian's name for the architecture mmdebstrap installs by default: the host's. */
const DEBIAN_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "i386", arm: "armhf", ppc64: "ppc64el", s390x: "s390x", riscv64: "riscv64" };

// The key inputs of SOURCE with the given metadata revisions.
export function treeKeyInputs(source: PackageSource, sources: SourceRevision[], rootFstype: string | null, epoch: number | null = null): TreeKeyInputs {
  return {
    recipe: TREE_RECIPE,
    backend: source.backend,
    arch: source.backend === "dnf" ? source.basearch : (DEBIAN_ARCH[process.arch] ?? process.arch),
    release: source.backend === "dnf" ? source.releasever : source.suite,
    variant: source.backend === "apt" ? source.variant : null,
    sources,
    selection: source.selection,
    rootFstype,
    epoch,
  };
}

// The key: sha256 of the inputs as canonical JSON (object keys sorted, so field order never matters).
export function treeKey(inputs: TreeKeyInputs): string {
  return createHash("sha256").update(stringify(inputs) ?? "").digest("hex");
}

/** The first characters of a key, as people see it. */
export function shortKey(key: string): string {
  return key.slice(0, 12);
}

function listChange(what: string, was: readonly string[], now: readonly string[]): string | null {
  const added = now.filter((p) => !was.includes(p));
  const removed = was.filter((p) => !now.includes(p));
  if (added.length === 0 && removed.length === 0) return was.join() === now.join() ? null : `${what}: same names in another order`;
  return `${what}: ${[...added.map((p) => `+${p}`), ...removed.map((p) => `-${p}`)].join(" ")}`;
}

const show = (v: unknown): string => stringify(v) ?? "undefined";

// What differs between two key inputs, one short phrase each ("packages: +vim -less", "suite bookworm -> trixie").
export function keyDifferences(was: TreeKeyInputs, now: TreeKeyInputs): string[] {
  const out: string[] = [];
  for (const field of ["recipe", "backend", "arch", "release", "variant", "rootFstype", "epoch"] as const) {
    if (was[field] !== now[field]) out.push(`${field} ${show(was[field])} -> ${show(now[field])}`);
  }
  const wasSources = new Map(was.sources.map((s) => [s.source, s.revision]));
  const nowSources = new Map(now.sources.map((s) => [s.source, s.revision]));
  for (const [source, revision] of nowSources) {
    if (!wasSources.has(source)) out.push(`new source ${source}`);
    else if (wasSources.get(source) !== revision) out.push(`metadata of ${source} changed`);
  }
  for (const source of wasSources.keys()) if (!nowSources.has(source)) out.push(`source ${source} dropped`);
  const a = was.selection;
  const b = now.selection;
  const packages = listChange("packages", a.packages, b.packages);
  const excludes = listChange("excludes", a.excludes, b.excludes);
  const groups = listChange("groups", a.groups.map(show), b.groups.map(show));
  for (const change of [packages, excludes, groups]) if (change !== null) out.push(change);
  for (const field of Object.keys(b) as (keyof PackageSelection)[]) {
    if (["packages", "excludes", "groups"].includes(field)) continue;
    if (show(a[field]) !== show(b[field])) out.push(`%packages ${field} ${show(a[field])} -> ${show(b[field])}`);
  }
  return out;
}
