// Make an installed tree reproducible: remove what records when or where it was built, clamp every time to SOURCE_DATE_EPOCH.
import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Files that differ between two builds of the same packages, and why they can go.
 * Directories are kept (services expect them); only what is inside goes.
 */
export const VOLATILE: { path: string; contentsOnly: boolean; why: string }[] = [
  { path: "var/log", contentsOnly: true, why: "install logs (dpkg, apt, alternatives, dnf) with build times" },
  { path: "var/cache/apt", contentsOnly: true, why: "apt's package caches (*.bin, archives)" },
  { path: "var/lib/apt/lists", contentsOnly: true, why: "the archive's index files as downloaded at build time" },
  { path: "var/cache/dnf", contentsOnly: true, why: "dnf's metadata cache" },
  { path: "var/cache/ldconfig/aux-cache", contentsOnly: false, why: "ldconfig's cache of file times and inodes" },
  { path: "var/cache/fontconfig", contentsOnly: true, why: "fontconfig caches (remade on demand)" },
  { path: "var/lib/systemd/random-seed", contentsOnly: false, why: "the random seed: every machine must get its own" },
  { path: "var/cache/debconf/config.dat-old", contentsOnly: false, why: "debconf's backup copies" },
  { path: "var/cache/debconf/templates.dat-old", contentsOnly: false, why: "debconf's backup copies" },
  { path: "tmp", contentsOnly: true, why: "temporary files of the install" },
  { path: "var/tmp", contentsOnly: true, why: "temporary files of the install" },
];

// Remove every VOLATILE path under ROOT that exists; returns what went (relative to ROOT).
export async function removeVolatile(root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const v of VOLATILE) {
    const target = path.join(root, v.path);
    const info = await lstat(target).catch(() => undefined);
    if (info === undefined) continue;
    if (v.contentsOnly && info.isDirectory()) {
      for (const entry of await removeFilesBelow(target)) removed.push(path.posix.join(v.path, entry));
    } else {
      await rm(target, { recursive: true, force: true });
      removed.push(v.path);
    }
  }
  return removed;
}

// Remove every non-directory below DIR, keeping the directories themselves (log directories must stay).
async function removeFilesBelow(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await removeFilesBelow(path.join(dir, e.name), rel)));
    else {
      await rm(path.join(dir, e.name), { force: true });
      out.push(rel);
    }
  }
  return out;
}

// The find argv that sets every time newer than EPOCH to EPOCH (touch -h: a symlink itself), in the file systems mounted at
// MOUNTPOINTS under ROOT (-xdev per starting point: never into /proc, /sys or /dev). Older times stay: a package's file keeps its
// date. Access times need no care here: the rebuilt ext file systems set them all to the epoch.
// The guest session's /proc, /sys and /dev are still mounted: -xdev keeps find out of them, and FSTYPES (the image's own)
// keeps it from touching their mount points.
export function clampTimesArgs(root: string, mountpoints: readonly string[], epoch: number, fstypes: readonly string[] = ["ext4"]): string[] {
  const starts = [...new Set(mountpoints)].sort().map((m) => (m === "/" ? root : path.join(root, m)));
  const types = [...new Set(fstypes)].sort().flatMap((t, i) => (i === 0 ? ["-fstype", t] : ["-o", "-fstype", t]));
  return ["find", ...starts, "-xdev", "(", ...types, ")", "-newermt", `@${epoch}`, "-exec", "touch", "-h", "-d", `@${epoch}`, "{}", "+"];
}
