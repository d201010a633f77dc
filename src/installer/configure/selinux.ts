// selinux: the mode in /etc/selinux/config, and a relabel with setfiles whenever the guest has a policy.
import path from "node:path";
import { getLogger } from "../../run/index.js";
import { findTool, guestExists, note, readGuestFile, resolveInRoot, runTool, writeGuestFile, type ConfigureContext } from "./guest.js";

type Mode = "enforcing" | "permissive" | "disabled";

/** Paths the relabel leaves alone: what the guest session mounts. */
export const RELABEL_EXCLUDES = ["/proc", "/sys", "/dev", "/run"];

// /etc/selinux/config with SELINUX=MODE; other settings of an existing file are kept (a new one gets targeted).
export function selinuxConfigText(mode: Mode, existing?: string): string {
  if (existing === undefined) return `SELINUX=${mode}\nSELINUXTYPE=targeted\n`;
  const lines = existing.replace(/\n$/, "").split("\n");
  const at = lines.findIndex((l) => /^\s*SELINUX=/.test(l));
  if (at === -1) lines.unshift(`SELINUX=${mode}`);
  else lines[at] = `SELINUX=${mode}`;
  return `${lines.join("\n")}\n`;
}

// A setting (SELINUX, SELINUXTYPE) of an /etc/selinux/config text.
export function selinuxSetting(config: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}=\\s*"?([^"\\s]+)"?\\s*$`, "m").exec(config)?.[1];
}

// The guest path of the file contexts of policy TYPE.
export function fileContextsPath(type: string): string {
  return `/etc/selinux/${type}/contexts/files/file_contexts`;
}

// setfiles argv run inside the guest session: relabel / from its file contexts (libselinux needs the session's /proc).
export function setfilesArgs(fileContexts: string): string[] {
  return ["setfiles", "-F", ...RELABEL_EXCLUDES.flatMap((e) => ["-e", e]), fileContexts, "/"];
}

// setfiles argv run on the host against ROOT (-r: paths in the contexts are relative to ROOT).
export function hostSetfilesArgs(root: string, fileContexts: string): string[] {
  return ["setfiles", "-F", "-r", root, ...RELABEL_EXCLUDES.flatMap((e) => ["-e", path.join(root, e)]), path.join(root, fileContexts), root];
}

// selinux --enforcing/--permissive/--disabled: write the mode where the guest has SELinux, warn where it has none.
export async function configureSelinux(ctx: ConfigureContext): Promise<string[]> {
  const mode = ctx.ks.selinux.mode;
  if (!ctx.ks.selinux.seen || mode === null) return [];
  if (!(await guestExists(ctx.root, "/etc/selinux"))) {
    return mode === "disabled" ? [] : [`selinux --${mode}: the guest has no SELinux (/etc/selinux); nothing configured`];
  }
  await writeGuestFile(ctx.root, "/etc/selinux/config", selinuxConfigText(mode, await readGuestFile(ctx.root, "/etc/selinux/config")));
  note(ctx, `SELinux ${mode} (/etc/selinux/config)`);
  return [];
}

// Label every file from the guest's policy (unlike appliance-creator, even without a selinux line); skip without one.
export async function relabelSystem(ctx: ConfigureContext): Promise<string[]> {
  const log = getLogger();
  const config = await readGuestFile(ctx.root, "/etc/selinux/config");
  const mode = ctx.ks.selinux.mode ?? (config === undefined ? undefined : selinuxSetting(config, "SELINUX"));
  if (config === undefined || mode === "disabled") {
    log.info(`SELinux relabel skipped: ${config === undefined ? "the guest has no /etc/selinux/config" : "SELinux is disabled"}`);
    return [];
  }
  const fileContexts = fileContextsPath(selinuxSetting(config, "SELINUXTYPE") ?? "targeted");
  if ((await resolveInRoot(ctx.root, fileContexts)) === undefined) {
    log.info(`SELinux relabel skipped: the guest has no policy (${fileContexts})`);
    return [];
  }
  const setfiles = await findTool(ctx.root, "setfiles", "relabel the image for SELinux");
  if (setfiles === undefined) return [`SELinux relabel skipped: neither the guest nor the host has setfiles (policycoreutils)`];
  const args = setfiles.where === "host" ? hostSetfilesArgs(ctx.root, fileContexts) : setfilesArgs(fileContexts);
  await runTool(ctx.guest, setfiles, args.slice(1), [], { reason: "relabel the image for SELinux" });
  note(ctx, `SELinux labels set from ${fileContexts}`);
  return [];
}
