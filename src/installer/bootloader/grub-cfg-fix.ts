// Make a grub.cfg (or BLS entry) written by the guest's grub-mkconfig safe to ship: root by UUID, no build-host device.
import { KsimageError } from "../../errors.js";

/** Block device paths that exist only on the build host while the image is mapped. */
const HOST_DEVICE = /\/dev\/(loop\d+(p\d+)?|mapper\/[^\s'"]+|nbd\d+(p\d+)?)/;

/**
 * Replace `root=/dev/loopNpM` (or a mapper or nbd path) by `root=UUID=<uuid>`: without udev there are no
 * /dev/disk/by-uuid links, so grub-mkconfig's 10_linux falls back to the device it saw (HOST-NOTES pitfall 8).
 */
export function rewriteRootDevice(text: string, rootUuid: string, spec: string = `UUID=${rootUuid}`): string {
  return text.replace(new RegExp(`root=${HOST_DEVICE.source}`, "g"), (match) => (match === `root=${spec}` ? match : `root=${spec}`));
}

/** What root= names: the filesystem UUID, or for a root LV its /dev/mapper path (the initramfs activates the VG from it). */
export function rootSpec(root: { uuid: string; volume: { vg: string; lv: string } | null }): string {
  if (root.volume === null) return `UUID=${root.uuid}`;
  return `/dev/mapper/${root.volume.vg.replace(/-/g, "--")}-${root.volume.lv.replace(/-/g, "--")}`;
}

/** Throw if TEXT still names a build-host block device: such an image would boot only on this host, this minute. */
export function assertNoHostDevices(text: string, file: string, allowed?: string): void {
  const lines = text.split("\n");
  const hostDevice = (l: string) => [...l.matchAll(new RegExp(HOST_DEVICE.source, "g"))].some((m) => m[0] !== allowed);
  const at = lines.findIndex(hostDevice);
  if (at < 0) return;
  throw new KsimageError(
    `${file} line ${at + 1} names a device of the build host (${HOST_DEVICE.exec(lines[at]!)![0]}): "${lines[at]!.trim()}"`,
    "the boot loader configuration must name filesystems by UUID; this is a ksimage bug if it came from its own rewrite",
  );
}

/**
 * Add --unrestricted to every menuentry and submenu: with a GRUB superuser set, only editing and the command line
 * need the password, and the appliance still boots unattended (Debian's 10_linux does not add it itself).
 */
export function unrestrictEntries(text: string): string {
  return text.replace(/^(\s*(?:menuentry|submenu)\s.*?)\s*\{\s*$/gm, (line: string, head: string) =>
    head.includes("--unrestricted") ? line : `${head} --unrestricted {`,
  );
}

/**
 * A BLS entry (/boot/loader/entries/*.conf) with its `options` line fixed: root by UUID, and every --append
 * argument present once (Fedora's grub2-mkconfig reads kernel arguments from these entries).
 */
export function fixBlsEntry(text: string, rootUuid: string, kernelArgs: readonly string[], spec?: string): string {
  const fixed = rewriteRootDevice(text, rootUuid, spec);
  return fixed.replace(/^options[ \t]+(.*)$/m, (_line, opts: string) => {
    const have = opts.split(/\s+/).filter(Boolean);
    const missing = kernelArgs.filter((a) => !have.includes(a));
    return `options ${[...have, ...missing].join(" ")}`;
  });
}
