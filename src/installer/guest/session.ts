// The one way into the guest: API filesystems, a private /dev, the host's resolv.conf, no service starts, a clean environment.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../../errors.js";
import { unmount } from "../../partition/mount.js";
import { getLogger, isDryRun, run, type DeferHandle, type RunOptions, type RunResult, type Teardown } from "../../run/index.js";
import { guestExecutable } from "../configure/guest.js";
import { stopProcessesIn } from "../processes.js";
import { borrowFile, type Acquire } from "./borrow.js";
import { copyNodesArgs, devNodes, devptsArgs, devTmpfsArgs, linkDevEntries, shmArgs } from "./dev.js";

/** PATH inside the guest: the host's PATH means nothing there. */
export const GUEST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** What policy-rc.d answers while ksimage works in a Debian guest: 101, "action forbidden". */
export const POLICY_RC_D = "#!/bin/sh\n# Written by ksimage while it builds this image: no service may start.\nexit 101\n";
/** Where the session mounts, below the root, in mount order (unmounted in reverse). */
export const SESSION_MOUNTS = ["proc", "sys", "dev", "dev/pts", "dev/shm", "run"] as const;

/** How a session is opened. */
export interface GuestSessionOptions {
  /** Block devices the guest's tools may see (the build's loop devices and partitions), copied into its /dev. */
  devices?: readonly string[];
  /** Lend the guest the host's resolv.conf (default true). */
  resolvConf?: boolean;
  /** The host file lent (default /etc/resolv.conf). */
  hostResolvConf?: string;
  /** Install a policy-rc.d that forbids service starts (default: when the guest is Debian-family, i.e. has /etc/debian_version). */
  policyRcD?: boolean;
}

/** An open session. Its undos are on the build's Teardown until release() runs them. */
export interface GuestSession {
  readonly root: string;
  /** Run ARGV inside the guest with the session's environment plus opts.env (nothing of ksimage's own leaks in). */
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** The guest path of an executable on the guest's PATH, or undefined. */
  guestTool(tool: string): Promise<string | undefined>;
  /** Lend resolv.conf and policy-rc.d if not done yet: a session opened before a dnf install meets a root without /etc. */
  provideFiles(): Promise<void>;
  /** Paths below the root whose content is the session's, not the tree's (a tree archive leaves them out). */
  readonly mounts: readonly string[];
  /** Undo everything now, newest first: stop leftover processes, restore the files, unmount. Safe to call twice. */
  release(): Promise<void>;
}

/** The environment of every program run in the guest, before the caller's additions. */
export function guestEnv(host: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: GUEST_PATH, HOME: "/root", LANG: "C.UTF-8", TERM: "dumb", DEBIAN_FRONTEND: "noninteractive", SYSTEMD_OFFLINE: "1" };
  for (const k of ["http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"]) if (host[k]) env[k] = host[k]!;
  return env;
}

/** The argv that runs ARGV in ROOT with exactly ENV (env -i). The only chroot argv of ksimage. */
export function guestArgs(root: string, argv: readonly string[], env: Record<string, string> = guestEnv()): string[] {
  return ["env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "chroot", root, ...argv];
}

/** The argv of the guest's /proc. */
export function procArgs(target: string): string[] {
  return ["mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", target];
}

/** The argv of the guest's /sys: read-only, it is the host kernel's. */
export function sysArgs(target: string): string[] {
  return ["mount", "-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs", target];
}

/** The argv of the tmpfs mounted at the guest's /run. */
export function runTmpfsArgs(target: string): string[] {
  return ["mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,nodev", "tmpfs", target];
}

/** The host tools a session runs, and why (for the build's preflight check). */
export function guestSessionTools(): { tool: string; reason: string }[] {
  return [
    { tool: "chroot", reason: "run programs inside the image" },
    { tool: "env", reason: "give programs inside the image a clean environment" },
    { tool: "mount", reason: "give programs inside the image /proc, /sys, /dev and /run" },
    { tool: "cp", reason: "put the few device nodes the image's programs need into its private /dev" },
  ];
}

// Open a session on ROOT. Each mount and file registers its undo on TEARDOWN as it is made; a failure half-way undoes what was done.
export async function openGuestSession(root: string, teardown: Teardown, opts: GuestSessionOptions = {}): Promise<GuestSession> {
  const started = Date.now();
  const undos: { handle: DeferHandle; undo: () => Promise<void> }[] = [];
  const acquire: Acquire = (label, undo) => void undos.push({ handle: teardown.defer(label, undo), undo });
  let releasing: Promise<void> | undefined;
  const release = (): Promise<void> => (releasing ??= releaseAll(root, undos));
  const lent = { resolvConf: opts.resolvConf === false, policyRcD: false };
  const provideFiles = async (): Promise<void> => {
    if (!lent.resolvConf) lent.resolvConf = await borrowFile(root, "etc/resolv.conf", () => readFile(opts.hostResolvConf ?? "/etc/resolv.conf"), 0o644, acquire);
    const wantsPolicy = opts.policyRcD ?? existsSync(path.join(root, "etc/debian_version"));
    if (!lent.policyRcD && wantsPolicy) lent.policyRcD = await borrowFile(root, "usr/sbin/policy-rc.d", async () => POLICY_RC_D, 0o755, acquire);
  };
  try {
    await mountInto(root, "proc", procArgs, acquire);
    await mountInto(root, "sys", sysArgs, acquire);
    await mountInto(root, "dev", devTmpfsArgs, acquire);
    await run(copyNodesArgs(root, devNodes(opts.devices ?? [])), { reason: "give the image's programs the device nodes they need" });
    await linkDevEntries(path.join(root, "dev"));
    await mountInto(root, "dev/pts", devptsArgs, acquire);
    await mountInto(root, "dev/shm", shmArgs, acquire);
    await mountInto(root, "run", runTmpfsArgs, acquire);
    await provideFiles();
    // Registered last so it runs first: a daemon a script left behind would keep every mount busy.
    acquire(`stop processes still running in ${root}`, async () => void (await stopProcessesIn(root)));
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  getLogger().info({ root, ms: Date.now() - started }, `guest session open on ${root} in ${Date.now() - started} ms`);
  return {
    root,
    run: (argv, runOpts = {}) => run(guestArgs(root, argv, { ...guestEnv(), ...definedOnly(runOpts.env) }), { ...runOpts, env: undefined }),
    guestTool: (tool) => guestExecutable(root, tool),
    provideFiles,
    mounts: SESSION_MOUNTS,
    release,
  };
}

// Open a session on ROOT, run FN in it, and release it whatever happens (the undos stay on TEARDOWN until then, for a signal).
export async function withGuestSession<T>(root: string, teardown: Teardown, fn: (guest: GuestSession) => Promise<T>, opts: GuestSessionOptions = {}): Promise<T> {
  const guest = await openGuestSession(root, teardown, opts);
  try {
    return await fn(guest);
  } finally {
    await guest.release();
  }
}

// These filesystems hold no data to flush: one umount, and the careful unmount (check, sync, retry while busy) only when
// that fails (a leftover process, or a signal's unwind before the mount was made). Six mounts, six processes, not 24.
async function unmountSessionFs(target: string): Promise<void> {
  if (isDryRun()) return; // as unmount(): a dry run shows what is set up, nothing is mounted to undo
  const quick = await run(["umount", target], { reason: `unmount ${target}`, allowExitCodes: [1, 32] });
  if (quick.exitCode !== 0) await unmount(target);
}

function definedOnly(env: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
}

async function releaseAll(root: string, undos: { handle: DeferHandle; undo: () => Promise<void> }[]): Promise<void> {
  const started = Date.now();
  const failures: string[] = [];
  for (const { handle, undo } of [...undos].reverse()) {
    try {
      await undo();
    } catch (error) {
      failures.push(`${handle.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
    handle.release();
  }
  undos.length = 0;
  if (failures.length > 0) throw new KsimageError(`could not leave the guest ${root}: ${failures.join("; ")}`);
  getLogger().info({ root, ms: Date.now() - started }, `guest session on ${root} released in ${Date.now() - started} ms`);
}

// Mount at REL below ROOT with the argv MAKE gives; the unmount is registered before the mount.
async function mountInto(root: string, rel: string, make: (target: string) => string[], acquire: Acquire): Promise<void> {
  const target = path.join(root, rel);
  acquire(`unmount ${target}`, () => unmountSessionFs(target));
  if (!isDryRun()) await mkdir(target, { recursive: true });
  await run(make(target), { reason: `give the image's programs /${rel}` });
}
