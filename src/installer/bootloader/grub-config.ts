// Write grub.cfg: the guest's grub-mkconfig chrooted (then made UUID-clean), or the template when the guest has none.
import { existsSync, readdirSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getLogger, isDryRun } from "../../run/index.js";
import type { GuestSession } from "../guest/session.js";
import { assertNoHostDevices, fixBlsEntry, rewriteRootDevice, rootSpec, unrestrictEntries } from "./grub-cfg-fix.js";
import { renderGrubCfg } from "./grub-cfg.js";
import type { GuestGrub } from "./guest-grub.js";
import { findKernels, guestOsName } from "./kernels.js";
import type { BootloaderPlan } from "./types.js";

/** How grub.cfg was made. */
export type GrubConfigSource = "guest grub-mkconfig" | "template";

/** The grub-mkconfig argv, as the guest runs it, writing /boot/<grubDir>/grub.cfg. */
export function grubMkconfigArgs(command: string, grubDir: "grub" | "grub2"): string[] {
  return [command, "-o", `/boot/${grubDir}/grub.cfg`];
}

async function rewriteFile(file: string, edit: (text: string) => string): Promise<string> {
  const text = edit(await readFile(file, "utf8"));
  await writeFile(file, text);
  return text;
}

// Fix the BLS entries Fedora-family kernels install (grub2-mkconfig reads their options lines).
async function fixBlsEntries(root: string, plan: BootloaderPlan): Promise<void> {
  const dir = path.join(root, "boot/loader/entries");
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".conf"))) {
    const file = path.join(dir, name);
    const spec = rootSpec(plan.root!);
    const text = await rewriteFile(file, (t) => fixBlsEntry(t, plan.root!.uuid, plan.kernelArgs, spec));
    assertNoHostDevices(text, file, spec.startsWith("/dev/") ? spec : undefined);
  }
}

/**
 * Who writes grub.cfg: the guest's grub-mkconfig when it has one, else the template. A root or /boot LV is a bare loop
 * device here: the guest's 10_linux writes no entry for a root LV and names a /boot LV by its host loop device
 * (hostdisk//dev/loopN), so the template writes grub.cfg for both.
 */
export function grubConfigSource(plan: BootloaderPlan, guest: Pick<GuestGrub, "mkconfig">): GrubConfigSource {
  return guest.mkconfig !== null && plan.root?.volume == null && plan.boot?.volume == null ? "guest grub-mkconfig" : "template";
}

/**
 * Write ROOT/boot/<grubDir>/grub.cfg. The guest's grub-mkconfig runs in the guest session; its root=/dev/loopNpM is
 * rewritten to root=UUID=, and a file still naming a host device is refused.
 */
export async function writeGrubConfig(o: {
  plan: BootloaderPlan;
  guest: GuestGrub;
  root: string;
  guestSession: GuestSession;
  grubDir: "grub" | "grub2";
  passwordHash: string | null;
}): Promise<GrubConfigSource> {
  const file = path.join(o.root, "boot", o.grubDir, "grub.cfg");
  if (!isDryRun()) await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  let source: GrubConfigSource;
  const mkconfig = o.guest.mkconfig;
  if (mkconfig !== null && grubConfigSource(o.plan, o.guest) === "guest grub-mkconfig") {
    await o.guestSession.run(grubMkconfigArgs(mkconfig, o.grubDir), { reason: "generate grub.cfg with the image's own grub-mkconfig" });
    source = "guest grub-mkconfig";
    if (isDryRun()) return source;
    await fixBlsEntries(o.root, o.plan);
    await rewriteFile(file, (t) => {
      const fixed = rewriteRootDevice(t, o.plan.root!.uuid, rootSpec(o.plan.root!));
      return o.passwordHash ? unrestrictEntries(fixed) : fixed;
    });
  } else {
    source = "template";
    getLogger().info({ file }, "grub.cfg comes from templates/grub.cfg.hbs (the image has no grub-mkconfig, or / or /boot is a logical volume)");
    if (isDryRun()) return source;
    const text = renderGrubCfg({ plan: o.plan, kernels: findKernels(o.root), osName: guestOsName(o.root), passwordHash: o.passwordHash });
    await writeFile(file, text, { mode: 0o644 });
  }
  const spec = rootSpec(o.plan.root!);
  assertNoHostDevices(await readFile(file, "utf8"), file, spec.startsWith("/dev/") ? spec : undefined);
  // The file holds the password hash: root only.
  await chmod(file, o.passwordHash ? 0o600 : 0o644);
  return source;
}

/** A grub.cfg in DIR that hands over to the real one, for a core image that looks in a different directory. */
export function forwardingConfig(target: string): string {
  return `# Written by ksimage: the configuration is in ${target}.\nconfigfile ${target}\n`;
}
