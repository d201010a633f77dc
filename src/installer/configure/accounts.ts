// Make groups and accounts and set password hashes with shadow-utils: the guest's in chroot, else the host's with --root.
import { KsimageError } from "../../errors.js";
import { which } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";
import { filesAccounts } from "./accounts-files.js";
import { guestExecutable, note, runTool, toolArgv, type ConfigureContext, type ToolPlace } from "./guest.js";

/** A new account as useradd takes it; null means "useradd's default". */
export interface NewUser {
  name: string;
  uid: number | null;
  /** Primary group: an existing GID. */
  gid: number | null;
  /** Supplementary groups, by name; they exist already. */
  groups: string[];
  home: string | null;
  shell: string | null;
  gecos: string | null;
  /** Create the home directory from /etc/skel (false when it exists already). */
  createHome: boolean;
}

/** The account operations configuration needs, whatever carries them out. */
export interface Accounts {
  method: "guest" | "host" | "files";
  addGroup(name: string, gid: number | null): Promise<void>;
  addUser(user: NewUser): Promise<void>;
  /** HASH is a crypt(3) string; it never appears on a command line. */
  setPasswordHash(name: string, hash: string): Promise<void>;
  lock(name: string): Promise<void>;
}

const SHADOW_TOOLS = ["useradd", "groupadd", "usermod", "chpasswd"] as const;
type ShadowTool = (typeof SHADOW_TOOLS)[number];

// groupadd argv: a fixed GID when the kickstart gives one.
export function groupaddArgs(name: string, gid: number | null): string[] {
  return ["groupadd", ...(gid === null ? [] : ["-g", String(gid)]), name];
}

// useradd argv for one account; options left out keep the guest's /etc/default/useradd and login.defs defaults.
export function useraddArgs(u: NewUser): string[] {
  const argv = ["useradd", u.createHome ? "-m" : "-M"];
  if (u.home !== null) argv.push("-d", u.home);
  if (u.shell !== null) argv.push("-s", u.shell);
  if (u.uid !== null) argv.push("-u", String(u.uid));
  if (u.gid !== null) argv.push("-g", String(u.gid));
  if (u.gecos !== null) argv.push("-c", u.gecos);
  if (u.groups.length > 0) argv.push("-G", u.groups.join(","));
  argv.push(u.name);
  return argv;
}

// usermod argv that locks an account (a "!" before the hash).
export function usermodLockArgs(name: string): string[] {
  return ["usermod", "-L", name];
}

// chpasswd argv that reads "name:hash" lines on stdin: the hash never reaches the process list.
export function chpasswdArgs(): string[] {
  return ["chpasswd", "-e"];
}

// A shadow-utils argv aimed at ROOT: as the guest runs it, or the host's tool with --root.
export function shadowToolArgv(place: ToolPlace, root: string, argv: readonly string[]): string[] {
  return toolArgv(place, argv.slice(1), ["--root", root]);
}

// Account operations through shadow-utils found at PLACES.
function toolAccounts(method: "guest" | "host", places: Record<ShadowTool, ToolPlace>, guest: GuestSession): Accounts {
  const exec = (tool: ShadowTool, argv: string[], reason: string, input?: string, secrets?: string[]) =>
    runTool(guest, places[tool], argv.slice(1), ["--root", guest.root], { reason, input, secrets });
  return {
    method,
    addGroup: async (name, gid) => void (await exec("groupadd", groupaddArgs(name, gid), `create group ${name}`)),
    addUser: async (u) => void (await exec("useradd", useraddArgs(u), `create user ${u.name}`)),
    setPasswordHash: async (name, hash) =>
      void (await exec("chpasswd", chpasswdArgs(), `set the password of ${name}`, `${name}:${hash}\n`, [hash])),
    lock: async (name) => void (await exec("usermod", usermodLockArgs(name), `lock the account ${name}`)),
  };
}

// Pick how accounts are made: the guest's shadow-utils, else the host's with --root, else direct file edits.
// ctx.accountTools forces one way; a forced way that is not available is an error.
export async function chooseAccounts(ctx: ConfigureContext): Promise<Accounts> {
  const wanted = ctx.accountTools ?? "auto";
  if (wanted === "auto" || wanted === "guest") {
    const inGuest = await allPlaces(async (tool) => {
      const p = await guestExecutable(ctx.root, tool);
      return p === undefined ? undefined : { where: "guest", path: p };
    });
    if (inGuest !== undefined) return announce(ctx, toolAccounts("guest", inGuest, ctx.guest), "the guest's shadow-utils in the guest session");
  }
  if (wanted === "auto" || wanted === "host") {
    const onHost = await allPlaces(async (tool) => {
      const p = await which(tool);
      return p === undefined ? undefined : { where: "host", path: p };
    });
    if (onHost !== undefined) return announce(ctx, toolAccounts("host", onHost, ctx.guest), "the host's shadow-utils with --root");
  }
  if (wanted !== "auto" && wanted !== "files") throw new KsimageError(`accounts: the ${wanted} has no ${SHADOW_TOOLS.join(", ")}`);
  return announce(ctx, filesAccounts(ctx.root), "direct edits of passwd, group and shadow (no shadow-utils in the guest or on the host)");
}

async function allPlaces(find: (tool: ShadowTool) => Promise<ToolPlace | undefined>): Promise<Record<ShadowTool, ToolPlace> | undefined> {
  const places: Partial<Record<ShadowTool, ToolPlace>> = {};
  for (const tool of SHADOW_TOOLS) {
    const place = await find(tool);
    if (place === undefined) return undefined;
    places[tool] = place;
  }
  return places as Record<ShadowTool, ToolPlace>;
}

function announce(ctx: ConfigureContext, accounts: Accounts, how: string): Accounts {
  note(ctx, `accounts are made with ${how}`);
  return accounts;
}
