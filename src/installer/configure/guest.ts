// Look inside the guest tree: its OS family, its files (symlinks resolved inside the root) and which tool does a job.
import { constants } from "node:fs";
import { access, chmod, lstat, mkdir, readFile, readlink, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Kickstart } from "../../kickstart/model.js";
import { getLogger, run, which, type RunOptions, type RunResult, type Teardown } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";

/** What every configuration step gets: the parsed kickstart, the mounted root and the build's undo stack. */
export interface ConfigureContext {
  ks: Kickstart;
  /** The root of the installed tree (the mounted image root, or any directory holding one). */
  root: string;
  /** The session open on root: the only way to run the guest's own tools. */
  guest: GuestSession;
  teardown: Teardown;
  /** One human line per notable action (the CLI's progress display); optional. */
  log?: (line: string) => void;
  /** Force how accounts are made (default "auto": the guest's tools, else the host's with --root, else file edits). */
  accountTools?: "auto" | "guest" | "host" | "files";
}

/** The distribution family, which decides file locations (e.g. /etc/default/locale against /etc/locale.conf). */
export type OsFamily = "debian" | "fedora" | "unknown";

const DEBIAN_IDS = new Set(["debian", "ubuntu"]);
const FEDORA_IDS = new Set(["fedora", "rhel", "centos", "rocky", "almalinux", "ol", "amzn"]);

// The family named by an os-release text: ID first, then each ID_LIKE word.
export function familyFromOsRelease(text: string): OsFamily {
  const field = (key: string): string[] => {
    const m = new RegExp(`^${key}=(.*)$`, "m").exec(text);
    return (m?.[1] ?? "").replace(/^["']|["']$/g, "").split(/\s+/).filter(Boolean);
  };
  for (const id of [...field("ID"), ...field("ID_LIKE")]) {
    if (DEBIAN_IDS.has(id)) return "debian";
    if (FEDORA_IDS.has(id)) return "fedora";
  }
  return "unknown";
}

// The guest's family from its os-release, else from /etc/debian_version or /etc/redhat-release.
export async function osFamily(root: string): Promise<OsFamily> {
  for (const file of ["/etc/os-release", "/usr/lib/os-release"]) {
    const text = await readGuestFile(root, file);
    if (text !== undefined) {
      const family = familyFromOsRelease(text);
      if (family !== "unknown") return family;
    }
  }
  if (await guestExists(root, "/etc/debian_version")) return "debian";
  if (await guestExists(root, "/etc/redhat-release")) return "fedora";
  return "unknown";
}

// The host path of GUESTPATH inside ROOT, following symlinks as the guest would (absolute targets stay in ROOT);
// undefined when some component does not exist.
export async function resolveInRoot(root: string, guestPath: string): Promise<string | undefined> {
  let pending = guestPath.split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift() as string;
    if (part === "..") {
      done.pop();
      continue;
    }
    const host = path.join(root, ...done, part);
    const info = await lstat(host).catch(() => undefined);
    if (info === undefined) return undefined;
    if (!info.isSymbolicLink()) {
      done.push(part);
      continue;
    }
    if ((hops += 1) > 40) return undefined;
    const target = await readlink(host);
    if (target.startsWith("/")) done.length = 0;
    pending = [...target.split("/").filter((p) => p !== "" && p !== "."), ...pending];
  }
  return path.join(root, ...done);
}

// Whether GUESTPATH exists in the guest (after resolving symlinks inside it).
export async function guestExists(root: string, guestPath: string): Promise<boolean> {
  return (await resolveInRoot(root, guestPath)) !== undefined;
}

// The text of a guest file, or undefined when it does not exist.
export async function readGuestFile(root: string, guestPath: string): Promise<string | undefined> {
  const host = await resolveInRoot(root, guestPath);
  if (host === undefined) return undefined;
  return readFile(host, "utf8").catch(() => undefined);
}

// Write a guest file (parents created), replacing a symlink rather than writing through it.
export async function writeGuestFile(root: string, guestPath: string, text: string, mode = 0o644): Promise<void> {
  const dir = await guestDir(root, path.posix.dirname(guestPath));
  const file = path.join(dir, path.posix.basename(guestPath));
  const old = await lstat(file).catch(() => undefined);
  if (old?.isSymbolicLink()) await unlink(file);
  await writeFile(file, text, { mode });
  // writeFile keeps the mode of a file that already exists.
  await chmod(file, mode);
}

// The host path of a guest directory, created (with its parents) when missing.
export async function guestDir(root: string, guestPath: string): Promise<string> {
  const existing = await resolveInRoot(root, guestPath);
  if (existing !== undefined) return existing;
  const parent = await guestDir(root, path.posix.dirname(guestPath));
  const dir = path.join(parent, path.posix.basename(guestPath));
  await mkdir(dir, { mode: 0o755 });
  return dir;
}

const GUEST_BIN_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

// The guest path of an executable NAME on the guest's standard PATH (e.g. /usr/sbin/useradd), or undefined.
export async function guestExecutable(root: string, name: string): Promise<string | undefined> {
  for (const dir of GUEST_BIN_DIRS) {
    const host = await resolveInRoot(root, `${dir}/${name}`);
    if (host !== undefined && (await isExecutableFile(host))) return `${dir}/${name}`;
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Where a tool runs: inside the guest (through the session), or on the host pointed at the root. */
export type ToolPlace = { where: "guest"; path: string } | { where: "host"; path: string };

// Find NAME in the guest, else on the host; log which one does PURPOSE. Undefined when neither has it.
export async function findTool(root: string, name: string, purpose: string): Promise<ToolPlace | undefined> {
  const log = getLogger();
  const inGuest = await guestExecutable(root, name);
  if (inGuest !== undefined) {
    log.info({ tool: name, where: "guest", path: inGuest }, `${purpose}: using the guest's ${inGuest}`);
    return { where: "guest", path: inGuest };
  }
  const onHost = await which(name);
  if (onHost !== undefined) {
    log.info({ tool: name, where: "host", path: onHost }, `${purpose}: the guest has no ${name}, using the host's ${onHost}`);
    return { where: "host", path: onHost };
  }
  log.info({ tool: name }, `${purpose}: neither the guest nor the host has ${name}`);
  return undefined;
}

// The argv of a tool at PLACE: `TOOL ARGS` as the guest runs it, `TOOL ROOTARGS ARGS` on the host.
export function toolArgv(place: ToolPlace, args: readonly string[], rootArgs: readonly string[]): string[] {
  if (place.where === "guest") return [place.path, ...args];
  return [place.path, ...rootArgs, ...args];
}

// Run a tool at PLACE: in the guest session, or on the host aimed at the root with ROOTARGS.
export function runTool(guest: GuestSession, place: ToolPlace, args: readonly string[], rootArgs: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const argv = toolArgv(place, args, rootArgs);
  return place.where === "guest" ? guest.run(argv, opts) : run(argv, opts);
}

// Log a notable action both to the build log and to the human progress display.
export function note(ctx: ConfigureContext, message: string): void {
  getLogger().info(message);
  ctx.log?.(message);
}
