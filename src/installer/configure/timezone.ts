// timezone: /etc/localtime → ../usr/share/zoneinfo/NAME (checked in the guest), /etc/timezone on Debian, /etc/adjtime.
import { lstat, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { PlanError } from "../../errors.js";
import { guestDir, note, osFamily, readGuestFile, resolveInRoot, writeGuestFile, type ConfigureContext } from "./guest.js";

// Whether NAME can be a zoneinfo path: relative, no "..", only the characters tz names use.
export function isZoneName(name: string): boolean {
  return /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && !name.split("/").includes("..");
}

// The target of the /etc/localtime symlink for NAME (relative, so it resolves inside the image).
export function localtimeTarget(name: string): string {
  return `../usr/share/zoneinfo/${name}`;
}

// /etc/adjtime: UTC or LOCAL on line 3; the drift and last-adjust lines of an existing file are kept.
export function adjtimeText(isUtc: boolean, existing?: string): string {
  const lines = (existing ?? "").split("\n");
  const keep = lines.length >= 3 && /^-?[\d.]+ \d+ -?[\d.]+$/.test(lines[0] ?? "") && /^\d+$/.test(lines[1] ?? "");
  const head = keep ? [lines[0], lines[1]] : ["0.0 0 0.0", "0"];
  return `${head.join("\n")}\n${isUtc ? "UTC" : "LOCAL"}\n`;
}

// timezone NAME [--utc]: link /etc/localtime, write /etc/timezone (Debian) and /etc/adjtime.
export async function configureTimezone(ctx: ConfigureContext): Promise<string[]> {
  const tz = ctx.ks.timezone;
  if (!tz.seen) return [];
  const warnings: string[] = [];
  if (tz.ntpservers.length > 0 || tz.nontp) warnings.push("timezone --ntpservers/--nontp are not applied: configure the time service in %post");
  if (tz.name !== null) warnings.push(...(await linkZone(ctx, tz.name)));
  const old = await readGuestFile(ctx.root, "/etc/adjtime");
  await writeGuestFile(ctx.root, "/etc/adjtime", adjtimeText(tz.isUtc, old));
  note(ctx, `hardware clock keeps ${tz.isUtc ? "UTC" : "local time"} (/etc/adjtime)`);
  return warnings;
}

async function linkZone(ctx: ConfigureContext, name: string): Promise<string[]> {
  if (!isZoneName(name)) throw new PlanError(`timezone ${name}: not a time zone name (e.g. Europe/Prague, Etc/UTC)`);
  if ((await resolveInRoot(ctx.root, "/usr/share/zoneinfo")) === undefined) {
    return [`timezone ${name}: the guest has no /usr/share/zoneinfo (add tzdata to %packages); /etc/localtime not set`];
  }
  const zone = await resolveInRoot(ctx.root, `/usr/share/zoneinfo/${name}`);
  const info = zone === undefined ? undefined : await lstat(zone);
  if (!info?.isFile()) throw new PlanError(`timezone ${name}: the guest's tzdata has no such zone (/usr/share/zoneinfo/${name})`, undefined, "see `timedatectl list-timezones` for the names");
  const etc = await guestDir(ctx.root, "/etc");
  const link = path.join(etc, "localtime");
  await rm(link, { force: true });
  await symlink(localtimeTarget(name), link);
  if ((await osFamily(ctx.root)) === "debian") await writeGuestFile(ctx.root, "/etc/timezone", `${name}\n`);
  note(ctx, `time zone ${name} (/etc/localtime)`);
  return [];
}
