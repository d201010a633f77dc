// services --enabled/--disabled: systemctl enable/disable offline (the guest's in the guest session, else the host's --root).
import { findTool, guestExists, note, runTool, type ConfigureContext } from "./guest.js";

const UNIT_DIRS = ["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];
const UNIT_SUFFIX = /\.(service|socket|target|timer|path|mount|automount|swap|slice|scope|device)$/;

// A kickstart service name as a unit name: "sshd" → "sshd.service".
export function unitName(service: string): string {
  return UNIT_SUFFIX.test(service) ? service : `${service}.service`;
}

// The unit files that can provide UNIT: itself and, for an instance "getty@tty1.service", its template.
export function unitCandidates(unit: string): string[] {
  const m = /^([^@]+)@[^.]+(\.\w+)$/.exec(unit);
  return m === null ? [unit] : [unit, `${m[1]}@${m[2]}`];
}

// systemctl argv for VERB on UNITS, offline on ROOT when run from the host.
export function systemctlArgs(verb: "enable" | "disable", units: readonly string[]): string[] {
  return ["systemctl", verb, ...units];
}

// Whether the guest has a unit file (or a SysV script, which systemctl enables through systemd-sysv-install) for UNIT.
export async function unitExists(root: string, unit: string): Promise<boolean> {
  for (const name of unitCandidates(unit)) {
    for (const dir of UNIT_DIRS) if (await guestExists(root, `${dir}/${name}`)) return true;
  }
  return unit.endsWith(".service") && guestExists(root, `/etc/init.d/${unit.slice(0, -".service".length)}`);
}

// Enable the kickstart's services plus EXTRA (e.g. systemd-networkd for the network files), then disable;
// an explicit --disabled wins over EXTRA. Units the guest does not have are warnings, not failures.
export async function configureServices(ctx: ConfigureContext, extra: readonly string[] = []): Promise<string[]> {
  const disabled = ctx.ks.services.disabled.map(unitName);
  const enabled = [...new Set([...ctx.ks.services.enabled.map(unitName), ...extra.map(unitName).filter((u) => !disabled.includes(u))])];
  if (enabled.length === 0 && disabled.length === 0) return [];
  const warnings: string[] = [];
  const systemctl = await findTool(ctx.root, "systemctl", "enable and disable services");
  if (systemctl === undefined) return [`services: neither the guest nor the host has systemctl; ${[...enabled, ...disabled].join(", ")} left as they are`];
  for (const [verb, units] of [["enable", enabled], ["disable", disabled]] as const) {
    const present: string[] = [];
    for (const unit of units) {
      if (await unitExists(ctx.root, unit)) present.push(unit);
      else warnings.push(`services --${verb}d: the guest has no unit ${unit}; not ${verb}d`);
    }
    if (present.length === 0) continue;
    await runTool(ctx.guest, systemctl, systemctlArgs(verb, present).slice(1), [`--root=${ctx.root}`], { reason: `${verb} ${present.join(", ")}` });
    note(ctx, `${verb}d ${present.join(", ")}`);
  }
  return warnings;
}
