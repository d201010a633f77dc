// Lend the guest a file for the session (the host's resolv.conf, a policy-rc.d): the guest's own is moved aside and put back.
import { existsSync } from "node:fs";
import { chmod, lstat, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { isDryRun } from "../../run/index.js";

/** Suffix of the guest's own file while a borrowed one stands in its place. */
export const SAVED_SUFFIX = ".ksimage-saved";

/** Registers an undo on the build's Teardown the moment something is acquired. */
export type Acquire = (label: string, undo: () => Promise<void>) => void;

// Put CONTENT at REL inside ROOT; the undo is registered before anything changes. False when nothing was put there
// (no such directory in the guest yet, or no CONTENT on the host).
export async function borrowFile(root: string, rel: string, content: () => Promise<string | Buffer>, mode: number, acquire: Acquire): Promise<boolean> {
  const file = path.join(root, rel);
  const saved = `${file}${SAVED_SUFFIX}`;
  if (isDryRun() || !existsSync(path.dirname(file))) return false;
  let data: string | Buffer;
  try {
    data = await content();
  } catch {
    return false; // The host has no such file (e.g. no resolv.conf): leave the guest's alone.
  }
  let moved = false;
  let written = false;
  acquire(`restore ${file}`, async () => {
    if (written) await rm(file, { force: true });
    if (moved) await rename(saved, file);
    written = moved = false;
  });
  // Even a symlink (systemd-resolved's into /run) is moved aside, never written through.
  if (await lstat(file).catch(() => undefined)) {
    await rename(file, saved);
    moved = true;
  }
  await writeFile(file, data, { mode });
  written = true;
  await chmod(file, mode);
  return true;
}
