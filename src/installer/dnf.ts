// Install %packages with dnf --installroot: a private config and reposdir, the rpmdb where the guest wants it, an optional package cache.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { PlanError } from "../errors.js";
import { unmount } from "../partition/mount.js";
import { isDryRun, recordPhase, run, type Teardown } from "../run/index.js";
import { chooseRpmDbPath, dnfConfig, repoSection, rpmMacros, type GuestRpmDb } from "./dnf-config.js";
import { withGuestSession, type GuestSession } from "./guest/session.js";
import { readOsRelease } from "./host-sources.js";
import type { DnfSource, InstalledPackage, InstallProgress, PackageSelection } from "./types.js";
import { dnfLinePhase, PhaseClock } from "./phases.js";

/** The files of one dnf run, all outside the root except the root itself. */
export interface DnfPaths {
  root: string;
  /** The private dnf.conf. */
  conf: string;
  /** An empty directory, or the host's reposdir when the build uses the host's repositories. */
  reposdir: string;
  /** dnf's private HOME, holding .rpmmacros. */
  home: string;
}

/** What installWithDnf needs besides the source. */
export interface DnfInstallContext {
  root: string;
  workdir: string;
  teardown: Teardown;
  /** Keep downloaded packages and metadata here between builds (--cache DIR); its dnf/ subdirectory is used. */
  cacheDir?: string;
  onProgress?: (p: InstallProgress) => void;
  /** Every line dnf prints, for a verbose display or the build log. */
  onOutput?: (line: string) => void;
  /** One human line when the install enters a phase people wait through (downloading, building the initramfs). */
  onPhase?: (text: string) => void;
  /** The build's guest session, open on the root: rpm's scriptlets run in it. Without one, dnf opens its own for the install. */
  guest?: GuestSession;
}

const GROUP_TYPES: Record<PackageSelection["groups"][number]["include"], string> = {
  default: "mandatory,default",
  required: "mandatory",
  all: "mandatory,default,optional",
};

// The dnf argv every command of the build starts with: private config and reposdir, releasever, gpg, the %packages options, excludes.
export function dnfBaseArgs(source: DnfSource, paths: DnfPaths, releasever: string | null, keepcache: boolean): string[] {
  const s = source.selection;
  const checksSignatures = source.hostReposdir !== null || source.repos.some((r) => r.gpgkeys.length > 0);
  return [
    "dnf",
    "-y",
    `--config=${paths.conf}`,
    `--installroot=${paths.root}`,
    `--setopt=reposdir=${paths.reposdir}`,
    // The host's plugins belong to the host's repositories; a private configuration uses none.
    ...(source.hostReposdir === null ? ["--noplugins"] : []),
    ...(releasever !== null ? [`--releasever=${releasever}`] : []),
    ...(checksSignatures ? [] : ["--nogpgcheck"]),
    `--setopt=install_weak_deps=${s.excludeWeakdeps ? "False" : "True"}`,
    ...(s.excludeDocs ? ["--setopt=tsflags=nodocs"] : []),
    `--setopt=multilib_policy=${s.multilib ? "all" : "best"}`,
    `--setopt=strict=${s.ignoreMissing ? "False" : "True"}`,
    `--setopt=keepcache=${keepcache ? "True" : "False"}`,
    ...(s.timeout !== null ? [`--setopt=timeout=${s.timeout}`] : []),
    ...(s.retries !== null ? [`--setopt=retries=${s.retries}`] : []),
    ...s.excludes.map((e) => `--exclude=${e}`),
  ];
}

// The install commands: packages, the environment and plain groups (plus @core) in one transaction; --nodefaults and --optional groups each in their own (dnf 4's CLI sets group types per command).
export function dnfInstallCommands(base: readonly string[], s: PackageSelection, withCore: boolean): string[][] {
  const excluded = new Set(s.excludedGroups);
  const groups = (include: string): string[] => s.groups.filter((g) => g.include === include && !excluded.has(g.name)).map((g) => `@${g.name}`);
  const main = [...s.packages, ...(s.environment ? [`@${s.environment}`] : []), ...groups("default"), ...(withCore ? ["@core"] : [])];
  const commands: string[][] = [];
  for (const [include, specs] of [["default", main], ["required", groups("required")], ["all", groups("all")]] as const) {
    if (specs.length > 0) commands.push([...base, `--setopt=group_package_types=${GROUP_TYPES[include]}`, "install", ...specs]);
  }
  return commands;
}

/** The argv that asks whether the repositories have GROUP (prints "Group: ..." when they do). */
export function dnfGroupInfoArgs(base: readonly string[], group: string): string[] {
  return [...base, "-q", "group", "info", group];
}

/** The rpm argv that lists the installed packages as name, version-release and arch, tab-separated. */
export function rpmQueryArgs(root: string, dbpath: string | null): string[] {
  return ["rpm", "-qa", `--root=${root}`, ...(dbpath !== null ? [`--dbpath=${dbpath}`] : []), "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"];
}

// One "  Installing : name-1.0-1.noarch  3/8" line of dnf's transaction output, or null.
export function parseDnfProgress(line: string): { package: string; done: number; total: number } | null {
  const m = /^\s*(?:Installing|Upgrading|Reinstalling|Downgrading)\s*:\s*(\S+)\s+(\d+)\/(\d+)\s*$/.exec(line);
  return m ? { package: m[1]!, done: Number(m[2]), total: Number(m[3]) } : null;
}

// Parse "name<TAB>version<TAB>arch" lines.
export function parsePackageList(stdout: string): InstalledPackage[] {
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [name = "", version = "", arch = ""] = l.split("\t");
      return { name, version, arch };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function guestRpmDb(root: string): GuestRpmDb {
  const has = (dir: string) => ["rpmdb.sqlite", "Packages", "Packages.db"].some((f) => existsSync(path.join(root, dir, f)));
  if (has("usr/lib/sysimage/rpm")) return "/usr/lib/sysimage/rpm";
  return has("var/lib/rpm") ? "/var/lib/rpm" : null;
}

// $releasever: the source's (CLI), else the guest's os-release; an error when a URL needs it and nobody knows it.
async function releaseverFor(source: DnfSource, root: string): Promise<string | null> {
  const rv = source.releasever ?? (await readOsRelease(root)).versionId;
  const needs = source.repos.find((r) => [r.baseurl, r.mirrorlist, r.metalink].some((u) => u?.includes("releasever")));
  if (rv === null && needs !== undefined) throw new PlanError(`repository ${needs.id} uses $releasever, which is not known`, undefined, "pass --releasever (appliance-creator: --version)");
  return rv;
}

// Install SOURCE's package set into ctx.root with the host's dnf; returns the installed packages as the rpmdb lists them.
export async function installWithDnf(source: DnfSource, ctx: DnfInstallContext): Promise<InstalledPackage[]> {
  const dir = path.join(ctx.workdir, "dnf");
  const paths: DnfPaths = { root: ctx.root, conf: path.join(dir, "dnf.conf"), reposdir: source.hostReposdir ?? path.join(dir, "repos.d"), home: path.join(dir, "home") };
  const env = { HOME: paths.home, LC_ALL: "C.UTF-8" };
  if (!isDryRun()) for (const d of [paths.home, path.join(dir, "repos.d")]) await mkdir(d, { recursive: true });
  const hostDefault = await hostRpmDbPath(env);
  const dbpath = chooseRpmDbPath(hostDefault, paths.home, guestRpmDb(ctx.root));
  const releasever = await releaseverFor(source, ctx.root);
  if (!isDryRun()) {
    await writeFile(path.join(paths.home, ".rpmmacros"), rpmMacros(dbpath, source.selection.instLangs));
    // Mode 0600: a repository's proxy password may be in it.
    await writeFile(paths.conf, dnfConfig(source), { mode: 0o600 });
  }
  const base = dnfBaseArgs(source, paths, releasever, ctx.cacheDir !== undefined);
  await withCacheMount(ctx, dir, async () =>
    inGuest(ctx, async () => {
      const withCore = source.selection.core && !source.selection.groups.some((g) => g.name === "core") && (await hasGroup(base, env, "core"));
      let done = 0;
      for (const argv of dnfInstallCommands(base, source.selection, withCore)) {
        // The profile by phase: dnf's lines, timed as they arrive.
        const clock = new PhaseClock(dnfLinePhase, Date.now());
        await run(argv, {
          env,
          reason: "install the packages of %packages",
          onStderrLine: (line) => {
            clock.line(line, Date.now());
            ctx.onOutput?.(line);
          },
          onStdoutLine: (line) => {
            clock.line(line, Date.now());
            ctx.onOutput?.(line);
            const p = parseDnfProgress(line);
            if (p) ctx.onProgress?.({ backend: "dnf", phase: "install", package: p.package, done: (done += 1), total: p.total });
          },
        }).finally(() => {
          for (const p of clock.finish(Date.now())) recordPhase(p.phase, p.seconds);
        });
      }
    }),
  );
  if (!isDryRun()) await writeInstalledRepos(source, ctx.root);
  const { stdout } = await run(rpmQueryArgs(ctx.root, dbpath), { env, reason: "list the installed packages" });
  return parsePackageList(stdout);
}

// Run FN with the build's guest session open on the root, or with one of its own for the time of FN.
async function inGuest<T>(ctx: DnfInstallContext, fn: () => Promise<T>): Promise<T> {
  if (ctx.guest !== undefined) return fn();
  return withGuestSession(ctx.root, ctx.teardown, fn);
}

// Where the host's rpm would put the database with our private HOME ("" if rpm cannot say).
async function hostRpmDbPath(env: Record<string, string>): Promise<string> {
  try {
    return (await run(["rpm", "--eval", "%_dbpath"], { env, reason: "ask rpm where it keeps its database", dryRun: false })).stdout.trim();
  } catch {
    return "";
  }
}

async function hasGroup(base: readonly string[], env: Record<string, string>, group: string): Promise<boolean> {
  const { stdout } = await run(dnfGroupInfoArgs(base, group), { env, reason: `check whether the repositories have the ${group} group` });
  return /^Group: /m.test(stdout);
}

// dnf puts its cache under the installroot whatever cachedir says: bind a directory outside the root there, so the image keeps no cache and --cache survives the build.
async function withCacheMount<T>(ctx: DnfInstallContext, dir: string, fn: () => Promise<T>): Promise<T> {
  const cache = ctx.cacheDir !== undefined ? path.join(path.resolve(ctx.cacheDir), "dnf") : path.join(dir, "cache");
  const target = path.join(ctx.root, "var/cache/dnf");
  const handle = ctx.teardown.defer(`unmount the dnf cache at ${target}`, () => unmount(target));
  try {
    if (!isDryRun()) for (const d of [cache, target]) await mkdir(d, { recursive: true });
    await run(["mount", "--bind", cache, target], { reason: "keep dnf's cache outside the image" });
    return await fn();
  } finally {
    await unmount(target);
    handle.release();
  }
}

// repo --install: the repository also goes into the installed system's /etc/yum.repos.d.
async function writeInstalledRepos(source: DnfSource, root: string): Promise<void> {
  const wanted = source.repos.filter((r) => r.install);
  if (wanted.length === 0) return;
  await mkdir(path.join(root, "etc/yum.repos.d"), { recursive: true });
  for (const r of wanted) await writeFile(path.join(root, "etc/yum.repos.d", `${r.id}.repo`), repoSection(r), { mode: 0o644 });
}

/** The host tools the dnf backend runs, and why. */
export function dnfTools(): { tool: string; reason: string }[] {
  return [
    { tool: "dnf", reason: "install the packages of %packages from RPM repositories" },
    { tool: "rpm", reason: "find and read the installed system's rpm database" },
    { tool: "mount", reason: "keep dnf's cache outside the image (a bind mount)" },
  ];
}
