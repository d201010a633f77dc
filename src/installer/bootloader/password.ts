// bootloader --password: hash a plain password with grub-mkpasswd-pbkdf2 (never logged) and declare GRUB's superuser.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../../errors.js";
import { isDryRun, run } from "../../run/index.js";
import { GRUB_PBKDF2 } from "./plan.js";

/** The argv of the hashing tool; the password goes to its stdin, twice (it asks to confirm). */
export function mkpasswdArgs(): string[] {
  return ["grub-mkpasswd-pbkdf2"];
}

/** The hash in grub-mkpasswd-pbkdf2's output ("PBKDF2 hash of your password is grub.pbkdf2..."). */
export function parseMkpasswdOutput(stdout: string): string {
  const m = /(grub\.pbkdf2\.sha512\.\S+)/.exec(stdout);
  if (!m || !GRUB_PBKDF2.test(m[1]!)) throw new KsimageError("grub-mkpasswd-pbkdf2 printed no grub.pbkdf2.sha512 hash");
  return m[1]!;
}

// The GRUB hash for the kickstart's password: as given with --iscrypted, else made by grub-mkpasswd-pbkdf2.
export async function grubPasswordHash(password: string, hashed: boolean): Promise<string> {
  if (hashed) return password;
  const { stdout } = await run(mkpasswdArgs(), { input: `${password}\n${password}\n`, secrets: [password], reason: "hash the boot loader password" });
  if (isDryRun()) return "grub.pbkdf2.sha512.10000.DRYRUN.DRYRUN";
  return parseMkpasswdOutput(stdout);
}

/** The /etc/grub.d script that makes grub-mkconfig declare the superuser (readable by root only: it holds the hash). */
export function usersScript(hash: string): string {
  return [
    "#!/bin/sh",
    "# Written by ksimage from the kickstart's bootloader --password: GRUB's superuser.",
    "cat <<'EOF'",
    'set superusers="root"',
    `password_pbkdf2 root ${hash}`,
    "EOF",
    "",
  ].join("\n");
}

/** Where the users script goes: run early, right after 00_header. */
export const USERS_SCRIPT = "etc/grub.d/01_ksimage_users";

// Install the users script into ROOT so that every later grub-mkconfig in the guest keeps the password.
export async function writeUsersScript(root: string, hash: string): Promise<void> {
  if (isDryRun()) return;
  const file = path.join(root, USERS_SCRIPT);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await writeFile(file, usersScript(hash), { mode: 0o700 });
  await chmod(file, 0o700);
}
