// Decide where packages come from and with which backend: url/repo lines (probed), the Debian addon, CLI overrides, or the host's own configuration.
import os from "node:os";
import { aptEntryOptions } from "./apt-repo-options.js";
import { PlanError, type SourcePos } from "../errors.js";
import type { Kickstart, Packages } from "../kickstart/model.js";
import { isDebianFamily, readHostConfig, type HostConfig } from "./host-sources.js";
import { probeRepository } from "./probe.js";
import type { AptEntry, AptSource, Backend, DnfSource, PackageSelection, PackageSource, RpmRepo } from "./types.js";

/** The %addon that carries what kickstart has no command for on Debian: suite, variant, components. */
export const DEBIAN_ADDON = "org_ksimage_debian";
/** mmdebstrap's variants. */
export const APT_VARIANTS = ["extract", "custom", "essential", "apt", "required", "minbase", "buildd", "important", "debootstrap", "-", "standard"];
/** The variant when neither the addon nor the CLI names one: mmdebstrap's own default (required + important). */
export const DEFAULT_VARIANT = "important";

/** Choices the command line makes; each beats the kickstart. */
export interface SourceOptions {
  backend?: Backend;
  suite?: string;
  variant?: string;
  components?: string[];
  /** $releasever (--releasever, or appliance-creator's --version). */
  releasever?: string;
  /** $basearch; default: the host's. */
  arch?: string;
  /** GPG key URLs for the kickstart's repositories: with them, signatures are checked. */
  gpgKeys?: string[];
  /** Root of the host configuration to read ("/" except in tests). */
  hostRoot?: string;
}

/** What %addon org_ksimage_debian said. */
export interface DebianAddon {
  suite: string | null;
  variant: string | null;
  components: string[] | null;
  pos: SourcePos;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

// Read %addon org_ksimage_debian --suite=S --variant=V --components=a,b (the = is optional); unknown options are errors.
export function debianAddon(ks: Kickstart): DebianAddon | null {
  const addon = ks.addons.find((a) => a.args[0] === DEBIAN_ADDON);
  if (addon === undefined) return null;
  const pos = { file: addon.file, line: addon.lineno, includeStack: [addon.file] };
  const out: DebianAddon = { suite: null, variant: null, components: null, pos };
  const args = addon.args.slice(1);
  for (let i = 0; i < args.length; i += 1) {
    const m = /^--(suite|variant|components)(?:=(.*))?$/.exec(args[i]!);
    if (m === null) throw new PlanError(`%addon ${DEBIAN_ADDON}: unknown option ${args[i]}`, pos, "it takes --suite, --variant and --components");
    const value = m[2] ?? args[(i += 1)];
    if (value === undefined || value === "") throw new PlanError(`%addon ${DEBIAN_ADDON}: --${m[1]} needs a value`, pos);
    if (m[1] === "suite") out.suite = value;
    else if (m[1] === "variant") out.variant = value;
    else out.components = value.split(",").filter(Boolean);
  }
  return out;
}

// The %packages section in backend-neutral words.
export function packageSelection(p: Packages): PackageSelection {
  const excludedGroups = p.excludedGroupList.map((g) => g.name);
  return {
    packages: [...p.packageList],
    excludes: [...p.excludedPackageList],
    groups: p.groupList.map((g) => ({ name: g.name, include: g.include })),
    excludedGroups,
    environment: p.environment,
    core: !p.nocore && !excludedGroups.includes("core"),
    excludeDocs: p.excludeDocs,
    instLangs: p.instLangs,
    excludeWeakdeps: p.excludeWeakdeps,
    ignoreMissing: p.ignoreMissing || p.ignoreBroken,
    multilib: p.multiLib,
    timeout: p.timeout,
    retries: p.retries,
  };
}

/** dnf's $basearch for a machine name (uname -m). */
export function basearch(machine: string = os.machine()): string {
  if (/^i[3-6]86$/.test(machine)) return "i386";
  if (/^armv[67]/.test(machine)) return "armhfp";
  return machine;
}

// Substitute $releasever/$basearch/$arch (also as ${name}); unknown variables stay as they are.
export function expandDnfVars(url: string, vars: Record<string, string | null>): string {
  return url.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced: string | undefined, bare: string | undefined) => vars[braced ?? bare ?? ""] ?? whole);
}

// The kickstart's url and repo lines as dnf repositories ("ks-url" for url).
export function kickstartRpmRepos(ks: Kickstart, gpgKeys: readonly string[] = []): RpmRepo[] {
  const repos: RpmRepo[] = [];
  const u = ks.url;
  if (u.seen && (u.url || u.mirrorlist || u.metalink)) {
    repos.push({
      id: ks.repos.some((r) => r.name === "ks-url") ? "ks-url-base" : "ks-url",
      origin: "url",
      baseurl: u.url,
      mirrorlist: u.mirrorlist,
      metalink: u.metalink,
      cost: null,
      excludepkgs: [],
      includepkgs: [],
      proxy: u.proxy,
      sslverify: !u.noverifyssl,
      sslcacert: u.sslcacert,
      sslclientcert: u.sslclientcert,
      sslclientkey: u.sslclientkey,
      gpgkeys: [...gpgKeys],
      install: false,
    });
  }
  for (const r of ks.repos) {
    repos.push({
      id: r.name,
      origin: `repo (${r.file}:${r.lineno})`,
      baseurl: r.baseurl,
      mirrorlist: r.mirrorlist,
      metalink: r.metalink,
      cost: r.cost,
      excludepkgs: [...r.excludepkgs],
      includepkgs: [...r.includepkgs],
      proxy: r.proxy,
      sslverify: !r.noverifyssl,
      sslcacert: r.sslcacert,
      sslclientcert: r.sslclientcert,
      sslclientkey: r.sslclientkey,
      gpgkeys: [...gpgKeys],
      install: r.install,
    });
  }
  return repos;
}

/** The suites looked for on a Debian archive: the release and its updates and security pockets. */
export function pocketSuites(suite: string): string[] {
  return [suite, `${suite}-updates`, `${suite}-security`];
}

// The host's apt entries re-aimed at SUITE: "<host codename>[-pocket]" becomes "<suite>[-pocket]"; entries for other suites are dropped.
export function hostAptEntries(host: HostConfig, suite: string, components: string[] | null): { entries: AptEntry[]; dropped: string[] } {
  const codename = host.os.versionCodename ?? host.apt.flatMap((e) => e.suites).find((s) => !s.includes("-")) ?? null;
  const entries: AptEntry[] = [];
  const dropped: string[] = [];
  for (const e of host.apt) {
    for (const s of e.suites) {
      const pocket = codename !== null && (s === codename || s.startsWith(`${codename}-`)) ? s.slice(codename.length) : null;
      for (const uri of e.uris) {
        if (pocket === null) dropped.push(`${uri} ${s} (${e.file})`);
        else entries.push({ uri, suite: `${suite}${pocket}`, components: components ?? (e.components.length > 0 ? e.components : ["main"]) });
      }
    }
  }
  return { entries, dropped };
}

function urlsOf(repo: RpmRepo): string {
  return repo.baseurl ?? repo.mirrorlist ?? repo.metalink ?? "";
}

function repoPos(ks: Kickstart, repo: RpmRepo): SourcePos | undefined {
  const r = ks.repos.find((x) => x.name === repo.id);
  return r ? { file: r.file, line: r.lineno, includeStack: [r.file] } : undefined;
}

function liveimgUrl(ks: Kickstart): string | null {
  const live = ks.other.liveimg as { url?: string | null } | undefined;
  return live?.url ?? null;
}

// Decide the package source. Reads only the host configuration and the repositories' marker files; null: nothing to install with a package manager.
export async function choosePackageSource(ks: Kickstart, opts: SourceOptions = {}): Promise<PackageSource | null> {
  const addon = debianAddon(ks);
  const repos = kickstartRpmRepos(ks, opts.gpgKeys);
  const onLiveimg = liveimgUrl(ks) !== null;
  if (!ks.packages.seen && (onLiveimg || (repos.length === 0 && addon === null && opts.backend === undefined))) return null;
  const selection = packageSelection(ks.packages);
  const host = await readHostConfig(opts.hostRoot);
  // The host's own release is the default suite: building "the same Debian as the host" needs no addon.
  const suite = opts.suite ?? addon?.suite ?? (isDebianFamily(host.os) ? host.os.versionCodename : null);
  const ctx: Ctx = { ks, opts, addon, selection, suite, onLiveimg, arch: opts.arch ?? basearch() };
  const source = repos.length === 0 ? hostSource(ctx, host) : await kickstartSource(ctx, repos);
  if (source.backend === "apt") checkAptSelection(ctx, onLiveimg);
  return source;
}

interface Ctx {
  ks: Kickstart;
  opts: SourceOptions;
  addon: DebianAddon | null;
  selection: PackageSelection;
  suite: string | null;
  onLiveimg: boolean;
  arch: string;
}

function dnfSource(ctx: Ctx, repos: RpmRepo[], hostReposdir: string | null, releasever: string | null, reason: string): DnfSource {
  return { backend: "dnf", repos, hostReposdir, releasever: ctx.opts.releasever ?? releasever, basearch: ctx.arch, onLiveimg: ctx.onLiveimg, selection: ctx.selection, reason };
}

function aptSource(ctx: Ctx, entries: AptEntry[], reason: string): AptSource {
  const variant = ctx.opts.variant ?? ctx.addon?.variant ?? DEFAULT_VARIANT;
  if (!APT_VARIANTS.includes(variant)) throw new PlanError(`unknown mmdebstrap variant "${variant}"`, ctx.addon?.pos, `use one of ${APT_VARIANTS.join(", ")}`);
  for (const c of components(ctx)) if (!NAME.test(c)) throw new PlanError(`"${c}" is not an apt component name`, ctx.addon?.pos);
  return { backend: "apt", suite: requireSuite(ctx), variant, components: components(ctx), entries, selection: ctx.selection, reason };
}

function components(ctx: Ctx): string[] {
  return ctx.opts.components ?? ctx.addon?.components ?? ["main"];
}

function requireSuite(ctx: Ctx): string {
  if (ctx.suite === null) throw new PlanError("the Debian suite is not known", ctx.addon?.pos, `add %addon ${DEBIAN_ADDON} --suite=<codename>, or pass --suite`);
  if (!NAME.test(ctx.suite)) throw new PlanError(`"${ctx.suite}" is not a Debian suite name`, ctx.addon?.pos);
  return ctx.suite;
}

// No url or repo line: the host's apt sources or yum repositories.
function hostSource(ctx: Ctx, host: HostConfig): PackageSource {
  const hasApt = host.apt.length > 0;
  const hasYum = host.yumReposdir !== null;
  const wanted = ctx.opts.backend ?? hostBackend(ctx, host);
  if (wanted === "dnf") {
    if (!hasYum) throw new PlanError("no url or repo line, and the host has no yum repositories (/etc/yum.repos.d)", undefined, "add a url or repo line");
    return dnfSource(ctx, [], host.yumReposdir, host.os.versionId, "no url or repo line: the host's own yum repositories");
  }
  if (wanted === null || !hasApt) {
    throw new PlanError("no url or repo line, and the host has neither apt sources nor yum repositories", undefined, "add a url or repo line to the kickstart");
  }
  const { entries, dropped } = hostAptEntries(host, requireSuite(ctx), ctx.opts.components ?? ctx.addon?.components ?? null);
  if (entries.length === 0) throw new PlanError(`none of the host's apt sources is for its own release (${dropped.join("; ")})`, ctx.addon?.pos, "add a url line");
  const note = dropped.length > 0 ? `; not used (another suite): ${dropped.join(", ")}` : "";
  return aptSource(ctx, entries, `no url or repo line: the host's own apt sources${note}`);
}

// Which of the host's configurations to use: apt on a Debian host or with the Debian addon, else the yum repositories.
function hostBackend(ctx: Ctx, host: HostConfig): Backend | null {
  const hasApt = host.apt.length > 0;
  const hasYum = host.yumReposdir !== null;
  if (hasApt && (ctx.addon !== null || isDebianFamily(host.os) || !hasYum)) return "apt";
  return hasYum ? "dnf" : null;
}

// url/repo lines: the CLI's backend, else what the repositories turn out to be.
async function kickstartSource(ctx: Ctx, repos: RpmRepo[]): Promise<PackageSource> {
  const vars = { releasever: ctx.opts.releasever ?? null, basearch: ctx.arch, arch: os.machine() };
  const kinds = new Map<RpmRepo, { kind: Backend; suites: string[] }>();
  for (const repo of repos) {
    const base = repo.baseurl === null ? null : expandDnfVars(repo.baseurl, vars);
    if (base === null || base.includes("$")) {
      // mirrorlist, metalink and dnf variables only exist in the RPM world.
      kinds.set(repo, { kind: "dnf", suites: [] });
      continue;
    }
    if (ctx.opts.backend === "dnf") {
      kinds.set(repo, { kind: "dnf", suites: [] });
      continue;
    }
    const probe = await probeRepository(base, ctx.suite === null ? [] : pocketSuites(ctx.suite));
    if (probe.unreachable) throw unreachableMirror(ctx, repo, base, probe.error);
    if (ctx.opts.backend === "apt") kinds.set(repo, { kind: "apt", suites: probe.kind === "apt" ? probe.suites : [requireSuite(ctx)] });
    else if (probe.kind !== null) kinds.set(repo, { kind: probe.kind, suites: probe.suites });
    else throw unknownRepository(ctx, repo, base, probe.error);
  }
  const found = new Set([...kinds.values()].map((k) => k.kind));
  if (found.size > 1) {
    const list = repos.map((r) => `${r.id}: ${kinds.get(r)?.kind}`).join(", ");
    throw new PlanError(`the kickstart mixes RPM repositories and Debian archives (${list})`, undefined, "use sources of one kind");
  }
  const backend = ctx.opts.backend ?? [...found][0]!;
  const reason = ctx.opts.backend !== undefined ? `chosen on the command line (--backend ${backend})` : backend === "dnf" ? "the url/repo lines are RPM repositories (repodata/repomd.xml)" : `the url/repo lines are Debian archives (dists/${ctx.suite}/Release)`;
  if (backend === "dnf") return dnfSource(ctx, repos, null, null, reason);
  const entries = repos.flatMap((r) => (kinds.get(r)?.suites ?? []).map((suite) => ({ uri: r.baseurl!, suite, components: components(ctx), ...aptEntryOptions(r.proxy, r.sslverify) })));
  return aptSource(ctx, entries, reason);
}

function unreachableMirror(ctx: Ctx, repo: RpmRepo, base: string, error: string | null): PlanError {
  const line = repo.origin === "url" ? "url --url" : `repo --name=${repo.id}`;
  return new PlanError(
    `the mirror ${base} could not be reached${error === null ? "" : `: ${error}`}`,
    repoPos(ctx.ks, repo),
    `check the ${line} line, and that the mirror is up and reachable from this host (proxy, firewall); without url and repo lines the build uses the host's own package sources`,
  );
}

function unknownRepository(ctx: Ctx, repo: RpmRepo, base: string, error: string | null): PlanError {
  const apt = ctx.suite === null ? "no Debian suite to look for (dists/<suite>/Release)" : `no dists/${ctx.suite}/Release`;
  const why = error === null ? "" : ` (${error})`;
  return new PlanError(
    `cannot tell what ${urlsOf(repo)} is: no repodata/repomd.xml and ${apt} at ${base}${why}`,
    repoPos(ctx.ks, repo),
    ctx.suite === null
      ? `for a Debian archive add %addon ${DEBIAN_ADDON} --suite=<codename>; an RPM repository has repodata/repomd.xml under its URL`
      : "check the URL: an RPM repository has repodata/repomd.xml under it, a Debian archive dists/<suite>/Release",
  );
}

// What Debian cannot do with %packages: comps groups, environments, and %packages on top of a liveimg tree.
function checkAptSelection(ctx: Ctx, onLiveimg: boolean): void {
  const pos = ctx.addon?.pos;
  if (onLiveimg) throw new PlanError("liveimg with %packages: the apt backend builds the whole tree with mmdebstrap and cannot add packages to a liveimg tree", pos, "drop liveimg, or install packages from %post");
  const groups = [...ctx.selection.groups.map((g) => `@${g.name}`), ...(ctx.selection.environment ? [`@^${ctx.selection.environment}`] : [])];
  if (groups.length > 0) throw new PlanError(`%packages names groups (${groups.join(", ")}), which Debian archives do not have`, pos, "list packages (or task-* metapackages) instead");
}
