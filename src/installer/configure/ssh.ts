// sshkey → ~/.ssh/authorized_keys (right owner, 0700/0600), and rootpw --allow-ssh → an sshd_config.d drop-in.
import { appendFile, chmod, chown, readFile } from "node:fs/promises";
import path from "node:path";
import { PlanError } from "../../errors.js";
import { guestDir, guestExists, note, readGuestFile, resolveInRoot, writeGuestFile, type ConfigureContext } from "./guest.js";
import { passwdEntries } from "./passwd-db.js";

/** Where `rootpw --allow-ssh` is written: the file name Anaconda uses, so a later Anaconda-aware tool finds it. */
export const ROOT_LOGIN_DROPIN = "/etc/ssh/sshd_config.d/01-permitrootlogin.conf";

// The drop-in that lets root log in over SSH with a password.
export function permitRootLoginText(): string {
  return "# Written by ksimage for `rootpw --allow-ssh`: root may log in over SSH. Remove this file to opt out.\nPermitRootLogin yes\n";
}

// Whether an sshd_config reads the drop-in directory (OpenSSH >= 8.2 configs have `Include /etc/ssh/sshd_config.d/*.conf`).
export function includesDropIns(sshdConfig: string): boolean {
  return /^\s*Include\s+\S*sshd_config\.d\//im.test(sshdConfig);
}

// Write the PermitRootLogin drop-in; warn when the guest's sshd would not read it.
export async function allowRootSshLogin(ctx: ConfigureContext): Promise<string[]> {
  const config = await readGuestFile(ctx.root, "/etc/ssh/sshd_config");
  const warnings: string[] = [];
  if (config === undefined) {
    warnings.push(`rootpw --allow-ssh: the guest has no /etc/ssh/sshd_config (no OpenSSH server?); ${ROOT_LOGIN_DROPIN} written anyway`);
  } else if (!includesDropIns(config)) {
    warnings.push(`rootpw --allow-ssh: the guest's sshd_config does not include sshd_config.d/*.conf, so ${ROOT_LOGIN_DROPIN} has no effect`);
  }
  await writeGuestFile(ctx.root, ROOT_LOGIN_DROPIN, permitRootLoginText(), 0o644);
  note(ctx, `root may log in over SSH (${ROOT_LOGIN_DROPIN})`);
  return warnings;
}

// One authorized_keys line for a kickstart key (surrounding blanks dropped).
export function authorizedKeysLine(key: string): string {
  return `${key.trim()}\n`;
}

// sshkey: append each key to its user's ~/.ssh/authorized_keys, creating the directory; owner and modes as sshd wants.
export async function installSshKeys(ctx: ConfigureContext): Promise<string[]> {
  for (const k of ctx.ks.sshkeys) {
    const users = passwdEntries((await readGuestFile(ctx.root, "/etc/passwd")) ?? "");
    const user = users.find((e) => e.name === k.username);
    if (user === undefined) {
      const pos = { file: k.file, line: k.lineno, includeStack: [k.file] };
      throw new PlanError(`sshkey --username=${k.username}: the guest has no such user`, pos, "create it with a user line before the key can be installed");
    }
    const home = user.home === "" ? "/" : user.home;
    const newHome = !(await guestExists(ctx.root, home));
    const homeDir = await guestDir(ctx.root, home);
    if (newHome) await ownAndMode(homeDir, user.uid, user.gid, 0o700);
    const sshDir = await guestDir(ctx.root, path.posix.join(home, ".ssh"));
    await ownAndMode(sshDir, user.uid, user.gid, 0o700);
    const file = (await resolveInRoot(ctx.root, path.posix.join(home, ".ssh/authorized_keys"))) ?? path.join(sshDir, "authorized_keys");
    const old = await readFile(file, "utf8").catch(() => "");
    const separator = old !== "" && !old.endsWith("\n") ? "\n" : "";
    await appendFile(file, separator + authorizedKeysLine(k.key), { mode: 0o600 });
    await ownAndMode(file, user.uid, user.gid, 0o600);
    note(ctx, `SSH key added to ${path.posix.join(home, ".ssh/authorized_keys")} of ${k.username}`);
  }
  return [];
}

async function ownAndMode(file: string, uid: number, gid: number, mode: number): Promise<void> {
  await chown(file, uid, gid);
  await chmod(file, mode);
}
