// Make an install root fit to run its own programs: API filesystems bound in, a tmpfs /run, the host's resolv.conf, no service starts.
import { existsSync } from "node:fs";
import { chmod, lstat, mkdir, readFile, readlink, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { unmount } from "../partition/mount.js";
import { isDryRun, run, type DeferHandle, type RunOptions, type RunResult, type Teardown } from "../run/index.js";
import { stopProcessesIn } from "./processes.js";

/** The host directories bound into the root, in mount order (unmounted in reverse). */
export const BIND_MOUNTS = ["/proc", "/sys", "/dev", "/dev/pts", "/dev/shm"] as const;
/** PATH inside the chroot. */
export const CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Where a guest's tools are looked for, in order. */
export const GUEST_BIN_DIRS = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];
/** What policy-rc.d answers while ksimage works in a Debian root: 101, "action forbidden". */
export const POLICY_RC_D = "#!/bin/sh\n# Written by ksimage while it installs this image: no service may start.\nexit 101\n";
const SAVED = ".ksimage-saved";

/** How the root is prepared. */
export interface ChrootOptions {
  /** Copy the host's resolv.conf over the root's while prepared (default true; only when the root has /etc). */
  resolvConf?: boolean;
  /** The host file to copy (default /etc/resolv.conf). */
  hostResolvConf?: string;
  /** Install a policy-rc.d that forbids service starts (default: when the root is Debian-family, i.e. has /etc/debian_version). */
  policyRcD?: boolean;
}

/** A prepared root. Its undos are on the caller's Teardown until release() runs them. */
export interface PreparedChroot {
  readonly root: string;
  /** Run ARGV inside the root with a clean environment (PATH, HOME=/root, LANG=C.UTF-8, SYSTEMD_OFFLINE=1, DEBIAN_FRONTEND=noninteractive, proxies) plus opts.env. */
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** The guest's own copy of TOOL (its path inside the root), or undefined: use the guest's tools whenever they exist. */
  guestTool(tool: string): Promise<string | undefined>;
  /** Undo everything now, newest first: stop leftover processes, unmount, restore resolv.conf and policy-rc.d. Safe to call twice. */
  release(): Promise<void>;
}

/** The argv of a bind mount. */
export function bindMountArgs(source: string, target: string): string[] {
  return ["mount", "--bind", source, target];
}

/** The argv of the tmpfs mounted at the root's /run. */
export function runTmpfsArgs(target: string): string[] {
  return ["mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,nodev", "tmpfs", target];
}

/** The environment of programs run in the chroot, before the caller's additions. */
export function chrootEnv(host: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: CHROOT_PATH, HOME: "/root", LANG: "C.UTF-8", TERM: "dumb", DEBIAN_FRONTEND: "noninteractive", SYSTEMD_OFFLINE: "1" };
  for (const k of ["http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"]) if (host[k]) env[k] = host[k]!;
  return env;
}

// The argv that runs ARGV in ROOT with exactly ENV (env -i: nothing of ksimage's environment leaks in).
export function chrootArgs(root: string, argv: readonly string[], env: Record<string, string> = chrootEnv()): string[] {
  return ["env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "chroot", root, ...argv];
}

// Resolve P inside ROOT as the guest would, following symlinks (absolute ones relative to ROOT); undefined if it does not exist.
export async function resolveInRoot(root: string, p: string, hops = 40): Promise<string | undefined> {
  const parts = p.split("/").filter(Boolean);
  let resolved = "/";
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === "..") {
      resolved = path.posix.dirname(resolved);
      continue;
    }
    const candidate = path.posix.join(resolved, part);
    let info;
    try {
      info = await lstat(path.join(root, candidate));
    } catch {
      return undefined;
    }
    if (!info.isSymbolicLink()) {
      resolved = candidate;
      continue;
    }
    if (hops <= 0) return undefined;
    hops -= 1;
    const target = await readlink(path.join(root, candidate));
    parts.unshift(...target.split("/").filter(Boolean));
    if (target.startsWith("/")) resolved = "/";
  }
  return resolved;
}

// Find TOOL among the guest's bin directories; the path inside the root of an executable file, or undefined.
export async function findGuestTool(root: string, tool: string): Promise<string | undefined> {
  for (const dir of GUEST_BIN_DIRS) {
    const inGuest = await resolveInRoot(root, `${dir}/${tool}`);
    if (inGuest === undefined) continue;
    const info = await stat(path.join(root, inGuest)).catch(() => undefined);
    if (info?.isFile() && (info.mode & 0o111) !== 0) return `${dir}/${tool}`;
  }
  return undefined;
}

/** Whether ROOT is a Debian-family tree. */
export function isDebianRoot(root: string): boolean {
  return existsSync(path.join(root, "etc/debian_version"));
}

// Prepare ROOT. Every acquisition registers its undo on TEARDOWN as it happens; a failure half-way undoes what was done and rethrows.
export async function prepareChroot(root: string, teardown: Teardown, opts: ChrootOptions = {}): Promise<PreparedChroot> {
  const undos: { handle: DeferHandle; undo: () => Promise<void> }[] = [];
  const acquire = (label: string, undo: () => Promise<void>): void => {
    undos.push({ handle: teardown.defer(label, undo), undo });
  };
  let releasing: Promise<void> | undefined;
  const release = (): Promise<void> => (releasing ??= releaseAll(undos));
  try {
    for (const source of BIND_MOUNTS) {
      // Never create anything in the host's /dev: a host without /dev/shm gets none in the chroot either.
      if (!isDryRun() && !existsSync(source)) continue;
      await mountInto(root, path.join(root, source), bindMountArgs(source, path.join(root, source)), acquire);
    }
    await mountInto(root, path.join(root, "run"), runTmpfsArgs(path.join(root, "run")), acquire);
    if (opts.resolvConf !== false) await borrowFile(root, "etc/resolv.conf", async () => readFile(opts.hostResolvConf ?? "/etc/resolv.conf"), 0o644, acquire);
    if (opts.policyRcD ?? isDebianRoot(root)) await borrowFile(root, "usr/sbin/policy-rc.d", async () => POLICY_RC_D, 0o755, acquire);
    // Registered last so it runs first: a daemon a script left behind would keep every mount busy.
    acquire(`stop processes still running in ${root}`, async () => void (await stopProcessesIn(root)));
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return {
    root,
    run: (argv, runOpts = {}) => run(chrootArgs(root, argv, { ...chrootEnv(), ...definedOnly(runOpts.env) }), { ...runOpts, env: undefined }),
    guestTool: (tool) => findGuestTool(root, tool),
    release,
  };
}

// Prepare ROOT, run FN with it, and release it whatever happens (the undos stay on TEARDOWN until then, for a signal).
export async function withChroot<T>(root: string, teardown: Teardown, fn: (chroot: PreparedChroot) => Promise<T>, opts: ChrootOptions = {}): Promise<T> {
  const chroot = await prepareChroot(root, teardown, opts);
  try {
    return await fn(chroot);
  } finally {
    await chroot.release();
  }
}

function definedOnly(env: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
}

async function releaseAll(undos: { handle: DeferHandle; undo: () => Promise<void> }[]): Promise<void> {
  const failures: string[] = [];
  for (const { handle, undo } of [...undos].reverse()) {
    try {
      await undo();
    } catch (error) {
      failures.push(`${handle.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
    handle.release();
  }
  if (failures.length > 0) throw new KsimageError(`could not release the chroot: ${failures.join("; ")}`);
}

type Acquire = (label: string, undo: () => Promise<void>) => void;

async function mountInto(root: string, target: string, argv: string[], acquire: Acquire): Promise<void> {
  acquire(`unmount ${target}`, () => unmount(target));
  if (!isDryRun()) await mkdir(target, { recursive: true });
  await run(argv, { reason: `prepare ${root} for running its own programs` });
}

// Put CONTENT at REL inside ROOT for the time being: the root's own file (even a symlink) is moved aside and put back at release.
async function borrowFile(root: string, rel: string, content: () => Promise<string | Buffer>, mode: number, acquire: Acquire): Promise<void> {
  const file = path.join(root, rel);
  const saved = `${file}${SAVED}`;
  if (isDryRun() || !existsSync(path.dirname(file))) return;
  let data: string | Buffer;
  try {
    data = await content();
  } catch {
    return; // The host has no such file (e.g. no resolv.conf): leave the root's alone.
  }
  let moved = false;
  let written = false;
  acquire(`restore ${file}`, async () => {
    if (written) await rm(file, { force: true });
    if (moved) await rename(saved, file);
    written = moved = false;
  });
  if (await lstat(file).catch(() => undefined)) {
    await rename(file, saved);
    moved = true;
  }
  await writeFile(file, data, { mode });
  written = true;
  await chmod(file, mode);
}
