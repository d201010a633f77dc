// firewall: firewall-offline-cmd in the guest when it has firewalld; otherwise a clear warning for the caller.
import type { Kickstart } from "../../kickstart/model.js";
import { guestExecutable, note, type ConfigureContext } from "./guest.js";

// firewall-offline-cmd argv for a firewall line, in Anaconda's order: mode, trusted devices, ports, removals, services.
export function firewallOfflineArgs(fw: Kickstart["firewall"]): string[] {
  if (fw.enabled === false) return ["firewall-offline-cmd", "--disabled"];
  return [
    "firewall-offline-cmd",
    "--enabled",
    ...fw.trusts.map((t) => `--trust=${t}`),
    ...fw.ports.map((p) => `--port=${p}`),
    ...fw.remove_services.map((s) => `--remove-service=${s}`),
    ...fw.services.map((s) => `--service=${s}`),
  ];
}

// Apply the firewall line with the guest's firewall-offline-cmd (it edits firewalld's files and its service links).
export async function configureFirewall(ctx: ConfigureContext): Promise<string[]> {
  const fw = ctx.ks.firewall;
  if (!fw.seen) return [];
  if (fw.use_system_defaults) {
    note(ctx, "firewall --use-system-defaults: the firewall is left as the packages set it up");
    return [];
  }
  const tool = await guestExecutable(ctx.root, "firewall-offline-cmd");
  if (tool === undefined) {
    if (fw.enabled === false) {
      note(ctx, "firewall --disabled: the guest has no firewalld, nothing to disable");
      return [];
    }
    return [
      "firewall --enabled: the guest has no firewalld (no firewall-offline-cmd), so NO firewall was configured; " +
        "add firewalld to %packages, or set up nftables/iptables in %post",
    ];
  }
  const argv = firewallOfflineArgs(fw);
  await ctx.guest.run([tool, ...argv.slice(1)], { reason: "configure firewalld in the guest" });
  note(ctx, `firewall ${fw.enabled === false ? "disabled" : "enabled"} with the guest's ${tool}`);
  return [];
}
