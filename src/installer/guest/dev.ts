// The guest's private /dev: a tmpfs with the few nodes programs need, its own devpts and /dev/shm, and the build's own disks.
import { existsSync } from "node:fs";
import { symlink } from "node:fs/promises";
import path from "node:path";
import { isDryRun } from "../../run/index.js";

/**
 * Character devices copied (as nodes, by cp -a) from the host. The host's /dev is never bound in: a script's
 * `rm -rf /dev/*` or a stray write to /dev/sda would reach the host, and a work directory with the host's /dev
 * inside is one careless rm away from losing it (HOST-NOTES §6).
 */
export const DEV_NODES = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"];

/** Symlinks of a standard /dev (name, target). */
export const DEV_LINKS: readonly (readonly [string, string])[] = [
  ["fd", "/proc/self/fd"],
  ["stdin", "/proc/self/fd/0"],
  ["stdout", "/proc/self/fd/1"],
  ["stderr", "/proc/self/fd/2"],
  ["ptmx", "pts/ptmx"],
];

/** The argv of the tmpfs that becomes the guest's /dev (not nodev: the nodes in it must work). */
export function devTmpfsArgs(target: string): string[] {
  return ["mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,size=4m", "tmpfs", target];
}

/** The argv of the guest's own devpts instance: its ptys are not the host's (tty group 5 on Debian and Fedora). */
export function devptsArgs(target: string): string[] {
  return ["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec", "devpts", target];
}

/** The argv of the guest's /dev/shm. */
export function shmArgs(target: string): string[] {
  return ["mount", "-t", "tmpfs", "-o", "mode=1777,nosuid,nodev", "tmpfs", target];
}

/**
 * The argv that copies NODES (host paths under /dev) into ROOT at the same paths, as device nodes. The build's loop
 * devices and partitions are among them: the guest's grub-install and grub-probe look their disk up in /dev.
 */
export function copyNodesArgs(root: string, nodes: readonly string[]): string[] {
  return ["cp", "-a", "--no-dereference", "--parents", ...nodes, root];
}

// The nodes the guest's /dev gets: the standard ones that exist on this host, then DEVICES (duplicates dropped).
export function devNodes(devices: readonly string[]): string[] {
  const wanted = [...DEV_NODES, ...devices.filter((d) => d.startsWith("/dev/"))];
  return [...new Set(wanted)].filter((n) => isDryRun() || existsSync(n));
}

// The symlinks of a standard /dev, in the tmpfs at DEV.
export async function linkDevEntries(dev: string): Promise<void> {
  if (isDryRun()) return;
  for (const [name, target] of DEV_LINKS) await symlink(target, path.join(dev, name));
}
