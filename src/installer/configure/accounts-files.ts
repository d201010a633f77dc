// The last resort when neither guest nor host has shadow-utils: make accounts by editing passwd, group and shadow.
import { chown, cp, lchown, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../../errors.js";
import type { Accounts, NewUser } from "./accounts.js";
import { guestExists, readGuestFile, resolveInRoot, writeGuestFile } from "./guest.js";
import {
  addMember,
  appendLine,
  groupEntries,
  lockedPassword,
  nextFreeId,
  passwdEntries,
  passwdLine,
  passwordField,
  setField,
  shadowDays,
  shadowLine,
} from "./passwd-db.js";

const DB_MODES: Record<string, number> = { "/etc/passwd": 0o644, "/etc/group": 0o644, "/etc/shadow": 0o640, "/etc/gshadow": 0o640 };

async function writeDb(root: string, file: string, text: string): Promise<void> {
  await writeGuestFile(root, file, text, DB_MODES[file] ?? 0o644);
}

// The default login shell from the guest's /etc/default/useradd, as useradd would pick it.
async function defaultShell(root: string): Promise<string> {
  const text = (await readGuestFile(root, "/etc/default/useradd")) ?? "";
  return /^SHELL=(.+)$/m.exec(text)?.[1]?.trim() ?? "/bin/sh";
}

// Copy /etc/skel into a new home and give the tree to the account (mode 0700, as useradd's HOME_MODE default).
async function makeHome(root: string, home: string, uid: number, gid: number): Promise<void> {
  const dir = path.join(root, home);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const skel = await resolveInRoot(root, "/etc/skel");
  if (skel !== undefined) await cp(skel, dir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  await chownTree(dir, uid, gid);
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, uid, gid);
    else await lchown(p, uid, gid);
  }
}

async function addGroup(root: string, name: string, gid: number | null): Promise<number> {
  const group = (await readGuestFile(root, "/etc/group")) ?? "";
  const taken = groupEntries(group);
  if (taken.some((g) => g.name === name)) throw new KsimageError(`group ${name} already exists in the guest`);
  const id = gid ?? nextFreeId(taken.map((g) => g.gid));
  await writeDb(root, "/etc/group", appendLine(group, `${name}:x:${id}:`));
  const gshadow = await readGuestFile(root, "/etc/gshadow");
  if (gshadow !== undefined) await writeDb(root, "/etc/gshadow", appendLine(gshadow, `${name}:!::`));
  return id;
}

async function addUser(root: string, u: NewUser): Promise<void> {
  const passwd = (await readGuestFile(root, "/etc/passwd")) ?? "";
  const users = passwdEntries(passwd);
  if (users.some((e) => e.name === u.name)) throw new KsimageError(`user ${u.name} already exists in the guest`);
  const uid = u.uid ?? nextFreeId(users.map((e) => e.uid));
  // Like USERGROUPS_ENAB: without a primary group, a group named after the user (same id if free).
  let gid = u.gid;
  if (gid === null) {
    const used = groupEntries((await readGuestFile(root, "/etc/group")) ?? "").map((g) => g.gid);
    gid = await addGroup(root, u.name, used.includes(uid) ? null : uid);
  }
  const home = u.home ?? `/home/${u.name}`;
  const entry = { name: u.name, uid, gid, gecos: u.gecos ?? "", home, shell: u.shell ?? (await defaultShell(root)) };
  await writeDb(root, "/etc/passwd", appendLine(passwd, passwdLine(entry)));
  const shadow = await readGuestFile(root, "/etc/shadow");
  if (shadow !== undefined) await writeDb(root, "/etc/shadow", appendLine(shadow, shadowLine(u.name, shadowDays())));
  let group = (await readGuestFile(root, "/etc/group")) ?? "";
  for (const g of u.groups) group = addMember(group, g, u.name);
  await writeDb(root, "/etc/group", group);
  if (u.createHome && !(await guestExists(root, home))) await makeHome(root, home, uid, gid);
}

// Set field 1 (the password) in shadow, or in passwd for a guest without shadow passwords.
async function editPassword(root: string, name: string, edit: (old: string) => string): Promise<void> {
  for (const file of ["/etc/shadow", "/etc/passwd"]) {
    const text = await readGuestFile(root, file);
    if (text === undefined) continue;
    const old = passwordField(text, name);
    if (old === undefined) continue;
    await writeDb(root, file, setField(text, name, 1, edit(old)) as string);
    return;
  }
  throw new KsimageError(`no account ${name} in the guest's /etc/shadow or /etc/passwd`);
}

// Account operations as file edits under ROOT.
export function filesAccounts(root: string): Accounts {
  return {
    method: "files",
    addGroup: async (name, gid) => void (await addGroup(root, name, gid)),
    addUser: (u) => addUser(root, u),
    setPasswordHash: (name, hash) => editPassword(root, name, () => hash),
    lock: (name) => editPassword(root, name, lockedPassword),
  };
}
