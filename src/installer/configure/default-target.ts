// skipx and xconfig: the default systemd target (multi-user or graphical) and the default desktop, as Anaconda sets them.
import { symlink, unlink } from "node:fs/promises";
import type { Kickstart } from "../../kickstart/model.js";
import { getLogger, isDryRun } from "../../run/index.js";
import { guestDir, guestExists, writeGuestFile } from "./guest.js";

export type DefaultTarget = "multi-user.target" | "graphical.target";

// The target KS asks for; skipx wins over xconfig --startxonboot (Anaconda's services module); null: leave the packages' default.
export function defaultTarget(ks: Kickstart): DefaultTarget | null {
  if (ks.other.skipx) return "multi-user.target";
  if ((ks.other.xconfig as { startX?: boolean } | undefined)?.startX) return "graphical.target";
  return null;
}

// Where the guest keeps TARGET: /usr/lib/systemd/system, else /lib/systemd/system; undefined when it has no such unit.
export async function targetUnitPath(root: string, target: DefaultTarget): Promise<string | undefined> {
  for (const dir of ["/usr/lib/systemd/system", "/lib/systemd/system"]) if (await guestExists(root, `${dir}/${target}`)) return `${dir}/${target}`;
  return undefined;
}

// Point /etc/systemd/system/default.target at the target; a warning when the image has no such target (no systemd).
export async function configureDefaultTarget(ks: Kickstart, root: string): Promise<string[]> {
  const target = defaultTarget(ks);
  if (target === null || isDryRun()) return [];
  const what = target === "graphical.target" ? "xconfig --startxonboot" : "skipx";
  const unit = await targetUnitPath(root, target);
  if (unit === undefined) return [`${what}: the image has no ${target} (no systemd), so the default target is left as it is`];
  const link = `${await guestDir(root, "/etc/systemd/system")}/default.target`;
  await unlink(link).catch(() => undefined);
  await symlink(unit, link);
  getLogger().info({ target: unit }, `default target: ${unit} (${what})`);
  return [];
}

// xconfig --defaultdesktop: /etc/sysconfig/desktop, DESKTOP=NAME (Anaconda's ConfigureDefaultDesktopTask; read on Fedora-like systems).
export async function configureDefaultDesktop(ks: Kickstart, root: string): Promise<void> {
  const desktop = (ks.other.xconfig as { defaultdesktop?: string | null } | undefined)?.defaultdesktop;
  if (!desktop || isDryRun()) return;
  await writeGuestFile(root, "/etc/sysconfig/desktop", `DESKTOP=${desktop}\n`, 0o644);
}
