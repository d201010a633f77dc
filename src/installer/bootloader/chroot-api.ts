// Mount /proc, /sys and /dev into the install root for the guest's own tools (grub-install, grub-mkconfig) to run chrooted.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { mountArgs, unmount } from "../../partition/mount.js";
import { isDryRun, run, type Teardown } from "../../run/index.js";

/** The API filesystems, in mount order: type, source, target below the root. */
export const API_FILESYSTEMS = [
  { fstype: "proc", source: "proc", target: "proc" },
  { fstype: "sysfs", source: "sysfs", target: "sys" },
  // devtmpfs shows the loop device and its partitions, which grub-probe resolves; no udev runs on these hosts.
  { fstype: "devtmpfs", source: "devtmpfs", target: "dev" },
] as const;

/** The environment chrooted tools run with: the guest's PATH and a neutral locale. */
export const CHROOT_ENV = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C", LANG: "C" };

/** The argv that runs ARGV inside ROOT. */
export function chrootArgs(root: string, argv: readonly string[]): string[] {
  return ["chroot", root, ...argv];
}

// Mount proc, sysfs and devtmpfs under ROOT; each unmount is registered on TEARDOWN before its mount.
export async function mountApiFilesystems(root: string, teardown: Teardown): Promise<void> {
  for (const fs of API_FILESYSTEMS) {
    const target = path.join(root, fs.target);
    teardown.defer(`unmount ${target}`, () => unmount(target));
    if (!isDryRun()) await mkdir(target, { recursive: true });
    await run(mountArgs(fs.source, target, fs.fstype), { reason: `give the guest's boot loader tools ${"/" + fs.target}` });
  }
}
