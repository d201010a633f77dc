// firstboot: enable initial-setup (with /etc/reconfigSys for --reconfig) or mask it, from the host (systemctl --root).
import { symlink, unlink } from "node:fs/promises";
import type { Kickstart } from "../../kickstart/model.js";
import { getLogger, isDryRun, run } from "../../run/index.js";
import { guestDir, guestExists, writeGuestFile } from "./guest.js";

/** Anaconda's unit (pyanaconda ConfigureInitialSetupTask). Debian has no initial-setup package, so no such unit. */
export const INITIAL_SETUP_UNIT = "initial-setup.service";
const UNIT_DIRS = ["/usr/lib/systemd/system", "/lib/systemd/system", "/etc/systemd/system"];

/** What the firstboot line asks: enabled, reconfig, disabled; null without a firstboot line. */
export type FirstbootMode = "enabled" | "reconfig" | "disabled" | null;

// The mode of KS: a bare `firstboot` (pykickstart's None) is Anaconda's default, which disables initial-setup.
export function firstbootMode(ks: Kickstart): FirstbootMode {
  const f = ks.other.firstboot as { firstboot: string | null } | undefined;
  if (f === undefined) return null;
  return f.firstboot === "enabled" || f.firstboot === "reconfig" ? f.firstboot : "disabled";
}

// At plan time: firstboot --enable/--reconfig on Debian, which has no initial-setup, cannot have an effect.
export function firstbootPlanWarnings(ks: Kickstart, source: { backend: string } | null): string[] {
  const mode = firstbootMode(ks);
  if (source?.backend !== "apt" || (mode !== "enabled" && mode !== "reconfig")) return [];
  return [`firstboot --${mode === "enabled" ? "enable" : "reconfig"}: Debian has no initial-setup (no ${INITIAL_SETUP_UNIT}), so nothing runs at first boot`];
}

// The systemctl argv that enables UNIT offline in ROOT (the host's systemctl: nothing runs in the guest).
export function systemctlEnableArgs(root: string, unit: string): string[] {
  return ["systemctl", `--root=${root}`, "enable", unit];
}

// Whether the guest has a unit file for UNIT.
export async function guestHasUnit(root: string, unit: string): Promise<boolean> {
  for (const dir of UNIT_DIRS) if (await guestExists(root, `${dir}/${unit}`)) return true;
  return false;
}

// Apply firstboot to ROOT; returns warnings for what has no effect on this image.
export async function configureFirstboot(ks: Kickstart, root: string): Promise<string[]> {
  const mode = firstbootMode(ks);
  if (mode === null || isDryRun()) return [];
  if (mode === "disabled") {
    // Masked rather than only disabled: a package or preset installed later (or in %post) cannot turn it back on.
    await maskUnit(root, INITIAL_SETUP_UNIT);
    return [];
  }
  if (!(await guestHasUnit(root, INITIAL_SETUP_UNIT))) {
    return [`firstboot --${mode === "enabled" ? "enable" : "reconfig"}: the image has no ${INITIAL_SETUP_UNIT} (install initial-setup; Debian has no such package), so nothing runs at first boot`];
  }
  await run(systemctlEnableArgs(root, INITIAL_SETUP_UNIT), { reason: `enable ${INITIAL_SETUP_UNIT} (firstboot --${mode === "enabled" ? "enable" : "reconfig"})` });
  if (mode === "reconfig") await writeGuestFile(root, "/etc/reconfigSys", "", 0o644);
  return [];
}

// Mask UNIT in ROOT: /etc/systemd/system/UNIT -> /dev/null, replacing whatever was there.
export async function maskUnit(root: string, unit: string): Promise<void> {
  const dir = await guestDir(root, "/etc/systemd/system");
  const link = `${dir}/${unit}`;
  await unlink(link).catch(() => undefined);
  await symlink("/dev/null", link);
  getLogger().info({ unit }, `masked ${unit} (firstboot --disable)`);
}

// The host tools configureFirstboot runs for KS, and why.
export function firstbootTools(ks: Kickstart): { tool: string; reason: string }[] {
  const mode = firstbootMode(ks);
  return mode === "enabled" || mode === "reconfig" ? [{ tool: "systemctl", reason: `enable ${INITIAL_SETUP_UNIT} in the image (firstboot)` }] : [];
}
