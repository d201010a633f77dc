// What the guest needs to boot from LVM: lvm2 (initramfs-tools' lvm hook, dracut's lvm module) and dracut told to add it.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LayoutPlan } from "../partition/types.js";
import { getLogger, isDryRun } from "../run/index.js";
import type { PackageSource } from "./types.js";

/** The package that brings LVM into the guest's initramfs, on Debian and RPM distributions alike. */
export const LVM_PACKAGE = "lvm2";

// SOURCE with lvm2 added when the layout has volume groups and %packages lacks it, and the warning that says so.
export function withLvmPackage(source: PackageSource, layout: LayoutPlan): { source: PackageSource; warning: string | null } {
  if (layout.volumeGroups.length === 0 || source.selection.packages.includes(LVM_PACKAGE)) return { source, warning: null };
  const selection = { ...source.selection, packages: [...source.selection.packages, LVM_PACKAGE] };
  const vgs = layout.volumeGroups.map((v) => v.name).join(", ");
  const warning = `%packages lacks ${LVM_PACKAGE}: added, because the image's initramfs must activate volume group ${vgs} to boot`;
  return { source: { ...source, selection } as PackageSource, warning };
}

/** dracut's configuration that puts the lvm module into every initramfs, even one built "host-only" in a chroot. */
export const DRACUT_LVM_CONF = 'add_dracutmodules+=" lvm "\n';

// Before the install (the kernel's initramfs is built during it): ROOT/etc/dracut.conf.d/ksimage-lvm.conf.
export async function writeDracutLvmConf(root: string, layout: LayoutPlan): Promise<void> {
  if (layout.volumeGroups.length === 0) return;
  const file = path.join(root, "etc/dracut.conf.d/ksimage-lvm.conf");
  getLogger().info({ file }, "dracut: add the lvm module (the root or another mount point is an LVM logical volume)");
  if (isDryRun()) return;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await writeFile(file, DRACUT_LVM_CONF, { mode: 0o644 });
}
