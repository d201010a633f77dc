// network: the host name (/etc/hostname, /etc/hosts) and each device, written for the guest's own network stack.
import { guestExecutable, guestExists, note, readGuestFile, writeGuestFile, type ConfigureContext } from "./guest.js";
import { interfacesText, keyfileText, lastHostname, networkdText, networkIfaces } from "./network-files.js";

/** appliance-creator's host name when the kickstart sets none. */
export const DEFAULT_HOSTNAME = "localhost.localdomain";

/** The stacks ksimage can configure, in the order they are looked for. */
export type NetStack = "NetworkManager" | "ifupdown" | "systemd-networkd" | "none";

const LOCAL_NAMES = new Set(["localhost", "localhost.localdomain"]);

// /etc/hosts with HOSTNAME on a 127.0.1.1 line (Debian's convention) and every trace of the previous name removed.
export function hostsText(existing: string | undefined, hostname: string, previous?: string): string {
  const stale = new Set<string>();
  if (previous !== undefined && !LOCAL_NAMES.has(previous)) stale.add(previous).add(previous.split(".")[0] as string);
  const base = existing ?? "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n";
  const lines: string[] = [];
  for (const line of base.replace(/\n$/, "").split("\n")) {
    const [addr, ...names] = line.split("#")[0]?.trim().split(/\s+/) ?? [];
    if (addr === undefined || addr === "") {
      lines.push(line);
      continue;
    }
    if (addr === "127.0.1.1") continue;
    const kept = names.filter((n) => !stale.has(n));
    if (kept.length === names.length) lines.push(line);
    else if (kept.length > 0) lines.push(`${addr}\t${kept.join(" ")}`);
  }
  if (!lines.some((l) => /^127\.0\.0\.1\s/.test(l))) lines.unshift("127.0.0.1\tlocalhost");
  if (!LOCAL_NAMES.has(hostname)) {
    const short = hostname.split(".")[0] as string;
    const entry = `127.0.1.1\t${short === hostname ? hostname : `${hostname} ${short}`}`;
    lines.splice(lines.findIndex((l) => /^127\.0\.0\.1\s/.test(l)) + 1, 0, entry);
  }
  return `${lines.join("\n")}\n`;
}

// The guest's network stack: NetworkManager if installed, ifupdown if installed (chosen on purpose, since every
// systemd Debian also ships networkd), systemd-networkd if present, else none.
export async function detectNetStack(root: string): Promise<NetStack> {
  if ((await guestExists(root, "/usr/lib/NetworkManager")) || (await guestExecutable(root, "NetworkManager")) !== undefined) {
    return "NetworkManager";
  }
  if ((await guestExecutable(root, "ifup")) !== undefined) return "ifupdown";
  for (const dir of ["/usr/lib/systemd", "/lib/systemd"]) if (await guestExists(root, `${dir}/systemd-networkd`)) return "systemd-networkd";
  return "none";
}

// Always write the host name: mmdebstrap copies the build host's, which must never reach the image.
export async function configureHostname(ctx: ConfigureContext): Promise<string[]> {
  const previous = (await readGuestFile(ctx.root, "/etc/hostname"))?.trim();
  // Without `network --hostname` a liveimg tree keeps the name it comes with; a tree a
  // package manager made gets the default (mmdebstrap copies the build host's name).
  if (lastHostname(ctx.ks.network) === null && previous && ctx.ks.other.liveimg) return [];
  const hostname = lastHostname(ctx.ks.network) ?? DEFAULT_HOSTNAME;
  await writeGuestFile(ctx.root, "/etc/hostname", `${hostname}\n`);
  await writeGuestFile(ctx.root, "/etc/hosts", hostsText(await readGuestFile(ctx.root, "/etc/hosts"), hostname, previous));
  note(ctx, `host name ${hostname} (/etc/hostname, /etc/hosts)`);
  return [];
}

/** What configuring the devices did: warnings, and units the services step must enable. */
export interface NetworkResult {
  warnings: string[];
  enable: string[];
}

// Write each device's configuration in the guest's stack; networkd also needs its service enabled.
export async function configureNetwork(ctx: ConfigureContext): Promise<NetworkResult> {
  const { ifaces, warnings } = networkIfaces(ctx.ks.network, ctx.ks.file);
  if (ifaces.length === 0) return { warnings, enable: [] };
  const stack = await detectNetStack(ctx.root);
  const names = ifaces.map((f) => f.id).join(", ");
  switch (stack) {
    case "NetworkManager":
      for (const f of ifaces) await writeGuestFile(ctx.root, `/etc/NetworkManager/system-connections/${f.id}.nmconnection`, keyfileText(f), 0o600);
      note(ctx, `network ${names}: NetworkManager keyfiles`);
      return { warnings, enable: [] };
    case "ifupdown":
      await writeGuestFile(ctx.root, "/etc/network/interfaces", interfacesText(ifaces));
      note(ctx, `network ${names}: ifupdown (/etc/network/interfaces)`);
      return { warnings, enable: [] };
    case "systemd-networkd": {
      for (const f of ifaces) await writeGuestFile(ctx.root, `/etc/systemd/network/10-ksimage-${f.id}.network`, networkdText(f));
      note(ctx, `network ${names}: systemd-networkd (/etc/systemd/network)`);
      const resolved = (await guestExists(ctx.root, "/usr/lib/systemd/systemd-resolved")) || (await guestExists(ctx.root, "/lib/systemd/systemd-resolved"));
      if (!resolved && ifaces.some((f) => f.dns.length > 0)) {
        warnings.push("network --nameserver: systemd-networkd hands DNS servers to systemd-resolved, which the guest does not have");
      }
      return { warnings, enable: ["systemd-networkd.service", ...(resolved ? ["systemd-resolved.service"] : [])] };
    }
    case "none":
      warnings.push(`network ${names}: the guest has no NetworkManager, ifupdown or systemd-networkd; devices not configured`);
      return { warnings, enable: [] };
  }
}
