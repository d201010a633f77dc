// Apply rootpw, group and user: SHA-512 crypt hashes, locks, accounts with their groups and home directories.
import { createHash } from "node:crypto";
import path from "node:path";
import { KsimageError, PlanError, type SourcePos } from "../../errors.js";
import type { SourceRef } from "../../kickstart/model.js";
import { run } from "../../run/index.js";
import type { Accounts } from "./accounts.js";
import { guestDir, guestExists, note, readGuestFile, type ConfigureContext } from "./guest.js";
import { groupEntries, parseGroupItem, passwdEntries } from "./passwd-db.js";
import { allowRootSshLogin } from "./ssh.js";

// The openssl argv that prints the SHA-512 crypt hash of the password it reads on stdin (a random salt unless given).
export function opensslPasswdArgs(salt?: string): string[] {
  return ["openssl", "passwd", "-6", ...(salt === undefined ? [] : ["-salt", salt]), "-stdin"];
}

// Reproducible builds (SOURCE_DATE_EPOCH): a salt derived from the epoch and the account, never from the password, so
// the same kickstart gives the same /etc/shadow and two accounts with one password still get different hashes.
export function reproducibleSalt(env: NodeJS.ProcessEnv, account: string): string | undefined {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || !/^\d+$/.test(epoch)) return undefined;
  return createHash("sha256").update(`ksimage:${epoch}:salt:${account}`).digest("base64").replace(/\+/g, ".").replace(/=+$/, "").slice(0, 16);
}

// Hash PLAIN with SHA-512 crypt ($6$); the password goes on stdin only and is masked in every log.
export async function cryptSha512(plain: string, account = ""): Promise<string> {
  const { stdout } = await run(opensslPasswdArgs(reproducibleSalt(process.env, account)), { input: `${plain}\n`, secrets: [plain], secretOutput: true, reason: "hash a password with SHA-512 crypt" });
  const hash = stdout.trim();
  if (!/^\$6\$[^:\n]+$/.test(hash)) throw new KsimageError("openssl passwd -6 did not print a SHA-512 crypt hash");
  return hash;
}

// The hash to store: an --iscrypted value as written (checked to fit in shadow), else the SHA-512 crypt of the text.
export async function passwordHash(password: string, isCrypted: boolean, what: string, pos?: SourcePos): Promise<string> {
  if (!isCrypted) return cryptSha512(password, what);
  if (/[:\n]/.test(password)) throw new PlanError(`${what}: an --iscrypted password cannot contain ':' or a newline`, pos);
  return password;
}

function posOf(ref: SourceRef): SourcePos {
  return { file: ref.file, line: ref.lineno, includeStack: [ref.file] };
}

async function groupsNow(root: string) {
  return groupEntries((await readGuestFile(root, "/etc/group")) ?? "");
}

// rootpw: set root's hash, lock it with --lock, and let root log in over SSH with --allow-ssh.
export async function configureRootPassword(ctx: ConfigureContext, accounts: Accounts): Promise<string[]> {
  const r = ctx.ks.rootpw;
  if (!r.seen) return [];
  if (r.password !== null) {
    await accounts.setPasswordHash("root", await passwordHash(r.password, r.isCrypted, "rootpw"));
    note(ctx, `root password set (${r.isCrypted ? "hash as given" : "SHA-512 crypt"})`);
  }
  if (r.lock) {
    await accounts.lock("root");
    note(ctx, "root account locked");
  }
  return r.allowSsh ? allowRootSshLogin(ctx) : [];
}

// group: create each group with its GID; one that exists already is left as it is, with a warning.
export async function configureGroups(ctx: ConfigureContext, accounts: Accounts): Promise<string[]> {
  const warnings: string[] = [];
  for (const g of ctx.ks.groups) {
    const groups = await groupsNow(ctx.root);
    const same = groups.find((e) => e.name === g.name);
    if (same !== undefined) {
      warnings.push(`group ${g.name} already exists in the guest (GID ${same.gid}); left as it is`);
      continue;
    }
    const clash = g.gid === null ? undefined : groups.find((e) => e.gid === g.gid);
    if (clash !== undefined) throw new PlanError(`group ${g.name}: GID ${g.gid} is already used by group ${clash.name}`, posOf(g));
    await accounts.addGroup(g.name, g.gid);
    note(ctx, `group ${g.name} created`);
  }
  return warnings;
}

// Create the supplementary groups of `user --groups` that do not exist yet; returns their names.
async function ensureGroups(ctx: ConfigureContext, accounts: Accounts, items: string[], ref: SourceRef): Promise<string[]> {
  const names: string[] = [];
  for (const item of items) {
    const { name, gid } = parseGroupItem(item);
    names.push(name);
    const groups = await groupsNow(ctx.root);
    if (groups.some((e) => e.name === name)) continue;
    const clash = gid === null ? undefined : groups.find((e) => e.gid === gid);
    if (clash !== undefined) throw new PlanError(`user --groups: GID ${gid} of group ${name} is already used by group ${clash.name}`, posOf(ref));
    await accounts.addGroup(name, gid);
    note(ctx, `group ${name} created for user --groups`);
  }
  return names;
}

// The primary GID of `user --gid`: an existing group with that GID, else a new group named after the user.
async function primaryGid(ctx: ConfigureContext, accounts: Accounts, name: string, gid: number | null, ref: SourceRef): Promise<number | null> {
  if (gid === null) return null;
  const groups = await groupsNow(ctx.root);
  if (groups.some((e) => e.gid === gid)) return gid;
  const named = groups.find((e) => e.name === name);
  if (named !== undefined) throw new PlanError(`user ${name} --gid=${gid}: a group ${name} exists with GID ${named.gid}`, posOf(ref));
  await accounts.addGroup(name, gid);
  return gid;
}

// user: create each account with its groups, home, shell, ids and GECOS; then its password and lock.
export async function configureUsers(ctx: ConfigureContext, accounts: Accounts): Promise<string[]> {
  const warnings: string[] = [];
  for (const u of ctx.ks.users) {
    const users = passwdEntries((await readGuestFile(ctx.root, "/etc/passwd")) ?? "");
    if (users.some((e) => e.name === u.name)) {
      warnings.push(`user ${u.name} already exists in the guest: not created, its password and groups left as they are`);
      continue;
    }
    const owner = u.uid === null ? undefined : users.find((e) => e.uid === u.uid);
    if (owner !== undefined) throw new PlanError(`user ${u.name}: UID ${u.uid} is already used by ${owner.name}`, posOf(u));
    const groups = await ensureGroups(ctx, accounts, u.groups, u);
    const gid = await primaryGid(ctx, accounts, u.name, u.gid, u);
    const home = u.homedir ?? `/home/${u.name}`;
    const createHome = !(await guestExists(ctx.root, home));
    // useradd -m makes only the last component of the home directory.
    if (createHome) await guestDir(ctx.root, path.posix.dirname(home));
    await accounts.addUser({ name: u.name, uid: u.uid, gid, groups, home: u.homedir, shell: u.shell, gecos: u.gecos, createHome });
    if (u.password !== null) await accounts.setPasswordHash(u.name, await passwordHash(u.password, u.isCrypted, `user ${u.name}`, posOf(u)));
    if (u.lock) await accounts.lock(u.name);
    note(ctx, `user ${u.name} created${u.password === null ? " (no password: locked)" : ""}${u.lock ? " and locked" : ""}`);
  }
  return warnings;
}
