// The package step of a build: install the planned package set with its backend, report what got installed, and describe the plan.
import type { LayoutPlan } from "../partition/types.js";
import { aptTools, installWithApt, type AptInstallContext } from "./apt.js";
import { dnfTools, installWithDnf } from "./dnf.js";
import type { Backend, InstalledPackage, PackageSource } from "./types.js";

/** What the package step needs from the build: what either backend needs, and the planned source. */
export interface PackageStepContext extends AptInstallContext {
  /** The planned source (choosePackageSource); null: nothing to install with a package manager. */
  source: PackageSource | null;
}

/** What the later steps (configuration, manifest) learn from the package step. */
export interface PackageStepResult {
  backend: Backend;
  packages: InstalledPackage[];
  durationMs: number;
}

// Install the package set into ctx.root with dnf or mmdebstrap; undefined when the build has no package source.
export async function installPackages(ctx: PackageStepContext): Promise<PackageStepResult | undefined> {
  const source = ctx.source;
  if (source === null) return undefined;
  const started = Date.now();
  const packages = source.backend === "dnf" ? await installWithDnf(source, ctx) : await installWithApt(source, ctx);
  return { backend: source.backend, packages, durationMs: Date.now() - started };
}

/** The type of the filesystem mounted at / in LAYOUT, or null. */
export function rootFstypeOf(layout: LayoutPlan): string | null {
  return layout.mounts.find((m) => m.mountpoint === "/")?.fstype ?? null;
}

/** The host tools the package step of SOURCE runs, and why (for the preflight check). */
export function packageTools(source: PackageSource | null): { tool: string; reason: string }[] {
  if (source === null) return [];
  return source.backend === "dnf" ? dnfTools() : aptTools();
}

// The lines `ksimage plan` prints for a package source.
export function describePackageSource(source: PackageSource | null): string[] {
  if (source === null) return ["packages: none (no %packages, or a liveimg tree)"];
  const sel = source.selection;
  const lines = [`backend: ${source.backend === "dnf" ? "dnf" : "apt (mmdebstrap)"}: ${source.reason}`];
  if (source.backend === "dnf") {
    if (source.hostReposdir !== null) lines.push(`repositories: the host's ${source.hostReposdir}`);
    for (const r of source.repos) lines.push(`repository ${r.id}: ${(r.baseurl ?? r.mirrorlist ?? r.metalink ?? "")}${r.gpgkeys.length > 0 ? " (gpg checked)" : ""}`);
    lines.push(`releasever: ${source.releasever ?? "from the guest"}, basearch: ${source.basearch}${source.onLiveimg ? ", on top of the liveimg tree" : ""}`);
  } else {
    lines.push(`suite: ${source.suite}, variant: ${source.variant}, components: ${source.components.join(",")}`);
    for (const e of source.entries) lines.push(`source: deb ${e.uri} ${e.suite} ${e.components.join(" ")}`);
  }
  const groups = sel.groups.map((g) => `@${g.name}${g.include === "required" ? " --nodefaults" : g.include === "all" ? " --optional" : ""}`);
  const auto = source.backend === "dnf" && sel.core && !sel.groups.some((g) => g.name === "core") ? ["@core (if the repositories have it)"] : [];
  const set = [...(sel.environment ? [`@^${sel.environment}`] : []), ...groups, ...auto, ...sel.packages];
  lines.push(`packages: ${set.length > 0 ? set.join(", ") : "(none listed)"}`);
  if (sel.excludes.length > 0) lines.push(`excluded: ${sel.excludes.join(", ")}`);
  return lines;
}
