// Install a Debian tree with mmdebstrap in root mode straight into the mounted root: excludes as apt pins, an optional .deb and list cache.
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { mountsUnder, unmount } from "../partition/mount.js";
import { getLogger, isDryRun, recordPhase, run, shellQuote } from "../run/index.js";
import { MANDB_OFF_HOOK, MANDB_ON_HOOK } from "./man-db.js";
import { mmdebstrapLinePhase, PhaseClock } from "./phases.js";
import { aptRepoSettings } from "./apt-repo-options.js";
import { stopProcessesIn } from "./processes.js";
import type { AptEntry, AptSource, InstalledPackage, PackageSelection } from "./types.js";
import type { DnfInstallContext } from "./dnf.js";

/** Where the exclude pins live in the root while mmdebstrap runs (removed before it finishes). */
export const PIN_FILE = "/etc/apt/preferences.d/ksimage-excludes.pref";
/** Build-time apt and dpkg settings in the root, removed before mmdebstrap finishes (--aptopt/--dpkgopt would stay in the image). */
export const BUILD_APT_CONF = "/etc/apt/apt.conf.d/00ksimage-build";
export const BUILD_DPKG_CFG = "/etc/dpkg/dpkg.cfg.d/00ksimage-build";
/** dpkg settings of the build: no fsync per file; the filesystems are synced and unmounted before the image is finished. */
export const DPKG_BUILD_SETTINGS = "force-unsafe-io\n";
/**
 * update-initramfs runs twice during a Debian install (the kernel's postinst, then initramfs-tools' trigger), about
 * 16 s each here: it is diverted to a no-op once the essential packages are in, and run once at the end instead.
 */
export const INITRAMFS_DIVERSION = "dpkg-divert --quiet --local --rename --divert /usr/sbin/update-initramfs.ksimage";
export const INITRAMFS_DEFER_HOOK =
  `chroot "$1" ${INITRAMFS_DIVERSION} --add /usr/sbin/update-initramfs && ` +
  `printf '#!/bin/sh\n# ksimage: the initramfs is built once, after the installation\nexit 0\n' > "$1/usr/sbin/update-initramfs" && ` +
  `chmod 755 "$1/usr/sbin/update-initramfs"`;
/**
 * The one initramfs of the build is compressed at level 1 (mkinitramfs reads COMPRESSLEVEL from the environment when
 * the image's initramfs-tools configuration sets none): gzip -1 instead of gzip -6 took 1.8 instead of 5.2 CPU seconds
 * here and made the initrd 12 % larger (41.4 instead of 37.1 MB), with the same content. Nothing is written into
 * the image: a later update-initramfs in the guest compresses as Debian's default says.
 */
export const INITRAMFS_BUILD_ENV = "COMPRESSLEVEL=1";
// The hook that builds the one initramfs; FAST adds INITRAMFS_BUILD_ENV. A live ISO's tree (no root file system: rootFstype
// is null, in the tree cache's key too) keeps the default level: its initrd is on the ISO twice (/live and the squashfs's
// /boot), and the ISO's size is a target (no larger than live-build's for the same packages).
export function initramfsOnceHook(fast: boolean): string {
  return (
    `rm -f "$1/usr/sbin/update-initramfs" && chroot "$1" ${INITRAMFS_DIVERSION} --remove /usr/sbin/update-initramfs && ` +
    `if [ -x "$1/usr/sbin/update-initramfs" ] && [ -n "$(ls -A "$1/lib/modules" 2>/dev/null)" ]; then chroot "$1" ${fast ? `env ${INITRAMFS_BUILD_ENV} ` : ""}update-initramfs -c -k all; fi`
  );
}
export const INITRAMFS_ONCE_HOOK = initramfsOnceHook(true);
/** mmdebstrap's hook directory that bind-mounts file:// mirrors into the chroot. */
export const FILE_MIRROR_HOOKS = "/usr/share/mmdebstrap/hooks/file-mirror-automount";
/** Host apt settings copied into the build when the host sets them: they decide whether the host's mirrors can be reached. */
export const HOST_APT_KEYS = ["Acquire::Check-Valid-Until", "Acquire::http::Proxy", "Acquire::https::Proxy"];

/** Everything one mmdebstrap run is made of. */
export interface MmdebstrapPlan {
  source: AptSource;
  root: string;
  /** The root filesystem's type: initramfs-tools is told, since it cannot find out inside mmdebstrap (HOST-NOTES pitfall 7). */
  rootFstype: string | null;
  /** Host path of the preferences file forbidding the excluded packages, or null. */
  pinFile: string | null;
  /** Host directories bound over the root's apt archives and lists while mmdebstrap runs (--cache), or null. */
  cache: { archives: string; lists: string } | null;
  /** The hook directory for file:// mirrors, or null. */
  fileMirrorHooks: string | null;
  /** Host file of apt settings for the build only (the host's mirror settings, timeouts), or null. */
  aptConf: string | null;
  /** Host file of dpkg settings for the build only (force-unsafe-io), or null. */
  dpkgCfg: string | null;
}

/** What installWithApt needs besides the source. */
// The same as dnf's (cacheDir: its apt/ subdirectory keeps .deb files and lists), plus the root fstype for the initramfs hint.
export interface AptInstallContext extends DnfInstallContext {
  rootFstype?: string | null;
}

/** The one-line sources.list entry for ENTRY. */
export function sourceLine(entry: AptEntry): string {
  return `deb ${entry.uri} ${entry.suite} ${entry.components.join(" ")}`;
}

// apt preferences that forbid each excluded package (Pin-Priority -1: never installed, not even as a dependency).
export function aptPinText(excludes: readonly string[]): string {
  const stanzas = excludes.map((p) => `Package: ${p}\nPin: version *\nPin-Priority: -1\n`);
  return `# Written by ksimage: packages excluded in %packages.\n\n${stanzas.join("\n")}`;
}

// The dpkg options for --excludedocs (keep copyright files, as Debian's minimized images do) and --instLangs.
export function dpkgFilterOptions(excludeDocs: boolean, instLangs: string | null): string[] {
  const out: string[] = [];
  if (excludeDocs) out.push("path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright");
  if (instLangs !== null) {
    out.push("path-exclude=/usr/share/locale/*", "path-include=/usr/share/locale/locale.alias");
    for (const lang of instLangs.split(":").filter(Boolean)) out.push(`path-include=/usr/share/locale/${lang}/*`);
  }
  return out;
}

/** The priority sets of mmdebstrap's variants, as its own apt patterns write them. */
const PRIORITY_SETS: Record<string, string> = {
  required: "?priority(required)",
  minbase: "?priority(required)",
  buildd: "?priority(required)",
  important: "?or(?priority(required),?priority(important))",
  debootstrap: "?or(?priority(required),?priority(important))",
  "-": "?or(?priority(required),?priority(important))",
  standard: "?or(?priority(required),?priority(important),?priority(standard))",
};

function globToRegex(glob: string): string {
  return glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
}

// mmdebstrap asks apt for a variant's whole priority set by pattern, and apt refuses a pattern match that a pin forbids.
// With excludes, the same set is asked for as "essential" plus mmdebstrap's own pattern minus the excluded names.
export function variantWithExcludes(variant: string, suite: string, excludes: readonly string[]): { variant: string; include: string[] } {
  const priority = PRIORITY_SETS[variant];
  if (excludes.length === 0 || priority === undefined) return { variant, include: [] };
  // One ?not per name: apt's pattern parser takes no parentheses inside a regex argument.
  const not = excludes.map((e) => `?not(?name(^${globToRegex(e)}$))`).join(",");
  const pattern = `?narrow(?or(?archive(^${suite}$),?codename(^${suite}$)),?and(${priority},?not(?essential),${not}))`;
  return { variant: "essential", include: [pattern, ...(variant === "buildd" ? ["build-essential"] : [])] };
}

// The mmdebstrap argv for PLAN.
export function mmdebstrapArgs(plan: MmdebstrapPlan): string[] {
  const s = plan.source.selection;
  const hooks: string[] = [];
  const q = (file: string): string => shellQuote([file]);
  if (plan.aptConf !== null) hooks.push(`--setup-hook=mkdir -p "$1/etc/apt/apt.conf.d" && cp ${q(plan.aptConf)} "$1${BUILD_APT_CONF}"`);
  if (plan.dpkgCfg !== null) hooks.push(`--setup-hook=mkdir -p "$1/etc/dpkg/dpkg.cfg.d" && cp ${q(plan.dpkgCfg)} "$1${BUILD_DPKG_CFG}"`);
  if (plan.cache !== null) {
    const { archives, lists } = plan.cache;
    hooks.push(
      "--skip=essential/unlink",
      `--setup-hook=mkdir -p "$1/var/cache/apt/archives" "$1/var/lib/apt/lists" && mount --bind ${q(archives)} "$1/var/cache/apt/archives" && mount --bind ${q(lists)} "$1/var/lib/apt/lists"`,
    );
  }
  if (plan.pinFile !== null) hooks.push(`--setup-hook=mkdir -p "$1/etc/apt/preferences.d" && cp ${q(plan.pinFile)} "$1${PIN_FILE}"`);
  if (plan.rootFstype !== null) {
    hooks.push(`--essential-hook=mkdir -p "$1/etc/initramfs-tools/conf.d" && echo FSTYPE=${q(plan.rootFstype)} > "$1/etc/initramfs-tools/conf.d/ksimage-fstype"`);
  }
  hooks.push(`--essential-hook=${INITRAMFS_DEFER_HOOK}`, `--essential-hook=${MANDB_OFF_HOOK}`, `--customize-hook=${initramfsOnceHook(plan.rootFstype !== null)}`, `--customize-hook=${MANDB_ON_HOOK}`);
  if (plan.cache !== null) hooks.push(`--customize-hook=umount "$1/var/cache/apt/archives" "$1/var/lib/apt/lists"`);
  const temporary = [plan.pinFile && PIN_FILE, plan.aptConf && BUILD_APT_CONF, plan.dpkgCfg && BUILD_DPKG_CFG].filter((f): f is string => Boolean(f));
  if (temporary.length > 0) hooks.push(`--customize-hook=rm -f ${temporary.map((f) => `"$1${f}"`).join(" ")}`);
  // mmdebstrap copies the build host's resolv.conf and hostname in (HOST-NOTES pitfall 13): neither belongs in the image.
  hooks.push(
    `--customize-hook=if [ ! -L "$1/etc/resolv.conf" ] && cmp -s /etc/resolv.conf "$1/etc/resolv.conf"; then rm -f "$1/etc/resolv.conf"; fi`,
    `--customize-hook=if cmp -s /etc/hostname "$1/etc/hostname"; then echo localhost > "$1/etc/hostname"; fi`,
  );
  const { variant, include } = variantWithExcludes(plan.source.variant, plan.source.suite, s.excludes);
  return [
    "mmdebstrap",
    "--mode=root",
    "--format=directory",
    `--variant=${variant}`,
    // A mounted filesystem is never empty: lost+found, and the mount points of the other filesystems.
    "--skip=check/empty",
    "--verbose",
    ...(s.packages.length > 0 ? [`--include=${s.packages.join(",")}`] : []),
    ...include.map((i) => `--include=${i}`),
    // These stay in the image on purpose: a guest built without docs or languages stays so when it installs more.
    ...dpkgFilterOptions(s.excludeDocs, s.instLangs).map((o) => `--dpkgopt=${o}`),
    ...(plan.fileMirrorHooks !== null ? [`--hook-dir=${plan.fileMirrorHooks}`] : []),
    ...hooks,
    plan.source.suite,
    plan.root,
    ...plan.source.entries.map(sourceLine),
  ];
}

// The build-time apt.conf: the host's mirror settings and the %packages timeout and retries.
export function aptBuildConf(hostOptions: readonly string[], s: Pick<PackageSelection, "timeout" | "retries">): string | null {
  const lines = [...hostOptions];
  if (s.timeout !== null) lines.push(`Acquire::http::Timeout "${s.timeout}"`, `Acquire::https::Timeout "${s.timeout}"`);
  if (s.retries !== null) lines.push(`Acquire::Retries "${s.retries}"`);
  return lines.length === 0 ? null : `// Written by ksimage for the build only.\n${lines.map((l) => `${l};`).join("\n")}\n`;
}

// Pick the host's settings among `apt-config dump` lines: `Key "value";` for each of HOST_APT_KEYS that is set.
export function pickHostAptOptions(dump: string): string[] {
  const out: string[] = [];
  for (const line of dump.split("\n")) {
    const m = /^(\S+) "(.*)";$/.exec(line.trim());
    if (m && HOST_APT_KEYS.includes(m[1]!) && m[2] !== "") out.push(`${m[1]} "${m[2]}"`);
  }
  return out;
}

/** The dpkg-query argv that lists the packages of the root's dpkg database with their state. */
export function dpkgQueryArgs(root: string): string[] {
  return ["dpkg-query", `--admindir=${path.join(root, "var/lib/dpkg")}`, "-W", "-f", "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n"];
}

// Parse dpkg-query output, keeping packages in state "installed".
export function parseDpkgList(stdout: string): InstalledPackage[] {
  return stdout
    .split("\n")
    .map((l) => l.split("\t"))
    .filter((f) => f.length >= 4 && f[3] === "installed")
    .map(([name = "", version = "", arch = ""]) => ({ name, version, arch }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// The package a "Setting up NAME (VERSION) ..." line of dpkg names, or null.
export function parseAptProgress(line: string): string | null {
  const m = /^Setting up (\S+) \(/.exec(line.trim());
  return m ? m[1]!.replace(/:[a-z0-9]+$/, "") : null;
}

// The number of packages an apt summary line announces ("0 upgraded, 96 newly installed, ..."), or null.
// mmdebstrap installs in two rounds (essential, then the rest): their sum is the total.
export function parseAptTotal(line: string): number | null {
  const m = /^\d+ upgraded, (\d+) newly installed,/.exec(line.trim());
  return m ? Number(m[1]) : null;
}

/** mmdebstrap's messages for the phases people wait through, and what the progress display says. */
const APT_PHASES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^I: downloading packages with apt/, () => "downloading the essential packages"],
  [/^I: installing essential packages/, () => "installing the essential packages"],
  [/^I: installing remaining packages inside the chroot/, () => "installing the other packages"],
  [/^update-initramfs: Generating (\S+)/, (m) => `building the initramfs ${m[1]} (once, after all packages)`],
];

// The phase a line of mmdebstrap's output starts, in words for the progress display, or null.
export function parseAptPhase(line: string): string | null {
  for (const [pattern, say] of APT_PHASES) {
    const m = pattern.exec(line.trim());
    if (m) return say(m);
  }
  return null;
}

// Install SOURCE into ctx.root with mmdebstrap; returns the installed packages as dpkg lists them.
export async function installWithApt(source: AptSource, ctx: AptInstallContext): Promise<InstalledPackage[]> {
  const dir = path.join(ctx.workdir, "apt");
  const tmp = path.join(ctx.workdir, "tmp");
  // The kickstart's per-source proxies and certificate checks come after the host's settings, so they win for their hosts.
  const aptConf = aptBuildConf([...(await hostAptOptions()), ...aptRepoSettings(source.entries)], source.selection);
  const plan: MmdebstrapPlan = {
    source,
    root: ctx.root,
    rootFstype: ctx.rootFstype ?? null,
    pinFile: source.selection.excludes.length > 0 ? path.join(dir, "ksimage-excludes.pref") : null,
    cache: ctx.cacheDir !== undefined ? { archives: path.join(path.resolve(ctx.cacheDir), "apt/archives"), lists: path.join(path.resolve(ctx.cacheDir), "apt/lists") } : null,
    fileMirrorHooks: source.entries.some((e) => e.uri.startsWith("file:")) ? FILE_MIRROR_HOOKS : null,
    aptConf: aptConf === null ? null : path.join(dir, "build.apt.conf"),
    dpkgCfg: path.join(dir, "build.dpkg.cfg"),
  };
  if (!isDryRun()) await prepareDirs(plan, { dir, tmp, aptConf });
  const before = new Set(await mountsUnder(ctx.root));
  // mmdebstrap ignores SIGTERM while its children run: stop it and everything it started, then unmount what it left (HOST-NOTES §6).
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopProcessesIn(ctx.root, { byArgv: true });
      for (const m of await mountsUnder(ctx.root)) if (!before.has(m)) await unmount(m);
    })());
  const handle = ctx.teardown.defer(`stop mmdebstrap and release its mounts in ${ctx.root}`, stop);
  let done = 0;
  let total = 0;
  // The profile by phase: mmdebstrap's lines, timed as they arrive.
  const clock = new PhaseClock(mmdebstrapLinePhase, Date.now());
  try {
    await run(mmdebstrapArgs(plan), {
      env: { TMPDIR: tmp },
      reason: `install Debian ${source.suite} into the image`,
      onStdoutLine: (line) => {
        clock.line(line, Date.now());
        ctx.onOutput?.(line);
      },
      onStderrLine: (line) => {
        clock.line(line, Date.now());
        ctx.onOutput?.(line);
        total += parseAptTotal(line) ?? 0;
        const phase = parseAptPhase(line);
        if (phase !== null) ctx.onPhase?.(phase);
        const pkg = parseAptProgress(line);
        if (pkg !== null) ctx.onProgress?.({ backend: "apt", phase: "configure", package: pkg, done: (done += 1), total: total > 0 ? total : null });
      },
    });
  } finally {
    for (const p of clock.finish(Date.now())) recordPhase(p.phase, p.seconds);
    await stop();
    handle.release();
  }
  const { stdout } = await run(dpkgQueryArgs(ctx.root), { reason: "list the installed packages" });
  return parseDpkgList(stdout);
}

// `apt-config dump` of the host, reduced to the settings worth copying.
async function hostAptOptions(): Promise<string[]> {
  try {
    const { stdout } = await run(["apt-config", "dump"], { reason: "read the host's apt settings", dryRun: false });
    return pickHostAptOptions(stdout);
  } catch (error) {
    getLogger().debug({ err: error }, "no host apt configuration");
    return [];
  }
}

// TMPDIR in the work directory; the build-time files; cache directories. The work directory is owner-only, so apt's
// _apt user cannot reach the root: mmdebstrap then downloads as root (it says so in the log). The packages are
// verified against the archive's signatures either way; a work directory that others can read would not be owner-only.
async function prepareDirs(plan: MmdebstrapPlan, files: { dir: string; tmp: string; aptConf: string | null }): Promise<void> {
  await mkdir(files.dir, { recursive: true });
  await mkdir(files.tmp, { recursive: true, mode: 0o755 });
  if (plan.pinFile !== null) await writeFile(plan.pinFile, aptPinText(plan.source.selection.excludes));
  // Mode 0600 when a host proxy setting carries a password; apt's helpers running as _apt may need to read it otherwise.
  if (plan.aptConf !== null && files.aptConf !== null) await writeFile(plan.aptConf, files.aptConf, { mode: files.aptConf.includes("@") ? 0o600 : 0o644 });
  if (plan.dpkgCfg !== null) await writeFile(plan.dpkgCfg, DPKG_BUILD_SETTINGS);
  if (plan.cache !== null) {
    // Bound into the root, so only these directories themselves must let _apt in, not their host parents.
    for (const d of [plan.cache.archives, plan.cache.lists]) {
      await mkdir(path.join(d, "partial"), { recursive: true });
      await chmod(d, 0o755);
    }
  }
  if (plan.fileMirrorHooks !== null && !existsSync(plan.fileMirrorHooks)) {
    getLogger().warn({ hooks: plan.fileMirrorHooks }, `${plan.fileMirrorHooks} is missing: file:// mirrors may not be reachable inside the chroot`);
  }
}

/** The host tools the apt backend runs, and why. */
export function aptTools(): { tool: string; reason: string }[] {
  return [
    { tool: "mmdebstrap", reason: "install a Debian system into the image" },
    { tool: "dpkg-query", reason: "list the packages installed in the image" },
  ];
}
