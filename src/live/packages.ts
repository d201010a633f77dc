// The package a live boot method needs in the guest: added to the planned set, with a warning, when %packages lacks it.
import type { PackageSource } from "../installer/types.js";
import type { LiveBoot } from "./types.js";

/** The guest package that puts each live boot method into the initramfs. */
export const LIVE_BOOT_PACKAGE: Record<LiveBoot, string> = { "live-boot": "live-boot", "dmsquash-live": "dracut-live" };

// SOURCE with the live boot package added when %packages does not name it; the warning says so.
export function withLiveBootPackage(source: PackageSource, boot: LiveBoot): { source: PackageSource; warning: string | null } {
  const pkg = LIVE_BOOT_PACKAGE[boot];
  if (source.selection.packages.includes(pkg)) return { source, warning: null };
  const selection = { ...source.selection, packages: [...source.selection.packages, pkg] };
  const warning = `%packages lacks ${pkg}: it is added, since the ISO's initramfs needs ${boot} to find and mount the squashfs`;
  return { source: { ...source, selection } as PackageSource, warning };
}
