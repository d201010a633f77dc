// The image cache's secret salt. The image key depends on the kickstart's passwords (a changed root password must miss),
// but a plain hash of them would let anyone who sees a key (printed, or a directory name) test password guesses offline.
// So the key takes each secret only through an HMAC under a random salt kept in the cache, readable by its owner alone.
import { createHmac, randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** The salt's file in --cache DIR: 32 random bytes as hex, mode 0600. */
export const SALT_FILE = "image-salt";

const VALID = /^[0-9a-f]{64}$/;

async function readSalt(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    return VALID.test(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * The salt of the cache in DIR, made (with DIR) when there is none yet. Where it can be neither read nor made (another
 * user's cache, a read-only one), a salt of this run only: its keys match no entry, which is a miss, never a wrong hit.
 */
export async function cacheSalt(dir: string): Promise<string> {
  const file = path.join(dir, SALT_FILE);
  const existing = await readSalt(file);
  if (existing !== null) return existing;
  const salt = randomBytes(32).toString("hex");
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(tmp, `${salt}\n`, { mode: 0o600, flag: "wx" });
    // link() puts the whole file in place or fails with EEXIST: of two builds making the salt at once, one writes it
    // and the other reads that one, never a half-written file.
    await link(tmp, file);
    return salt;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return (await readSalt(file)) ?? salt;
    return salt;
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** What the key holds in place of SECRET: its HMAC-SHA256 under SALT. */
export function keyedSecret(salt: string, secret: string): string {
  return `hmac:${createHmac("sha256", salt).update(secret).digest("hex")}`;
}
