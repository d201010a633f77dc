// Turn `network` lines into interface settings and render them: NetworkManager keyfile, systemd-networkd, ifupdown.
import { createHash } from "node:crypto";
import path from "node:path";
import { PlanError } from "../../errors.js";
import type { Network } from "../../kickstart/model.js";

/** Which interface a configuration applies to: one name, one MAC address, or any Ethernet device. */
export type IfaceMatch = { kind: "name"; name: string } | { kind: "mac"; mac: string } | { kind: "any" };
type Static = { method: "static"; address: string; prefix: number; gateway: string | null };

/** One interface's settings, independent of the network stack that applies them. */
export interface NetIface {
  /** File and connection name: the device name, or ksimage-link / ksimage-<mac>. */
  id: string;
  /** Where it came from, for comments and messages. */
  source: string;
  match: IfaceMatch;
  ipv4: { method: "dhcp" | "off" } | Static;
  /** "default" leaves the stack's own IPv6 default (router advertisements). */
  ipv6: { method: "auto" | "dhcp" | "off" | "default" } | Static;
  dns: string[];
  dnsSearch: string[];
  ignoreAutoDns: boolean;
  mtu: number | null;
  onboot: boolean;
  defroute: boolean;
}

/** The interface names `--device=link` (or no device) matches: what udev names Ethernet devices. */
export const ANY_ETHERNET = ["en*", "eth*"];

const UNSUPPORTED: [keyof Network, string][] = [
  ["bondslaves", "--bondslaves"], ["teamslaves", "--teamslaves"], ["bridgeslaves", "--bridgeslaves"], ["vlanid", "--vlanid"],
  ["essid", "--essid"], ["wepkey", "--wepkey"], ["wpakey", "--wpakey"], ["ethtool", "--ethtool"], ["dhcpclass", "--dhcpclass"],
];

const list = (v: string | null): string[] => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

// The prefix length of a netmask ("255.255.255.0" or "24"); undefined when it is not a contiguous mask.
export function netmaskPrefix(mask: string): number | undefined {
  if (/^\d{1,2}$/.test(mask)) return Number(mask) <= 32 ? Number(mask) : undefined;
  const octets = mask.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  const bits = octets.map((o) => o.toString(2).padStart(8, "0")).join("");
  return /^1*0*$/.test(bits) ? bits.replace(/0+$/, "").length : undefined;
}

// A `network --hostname=NAME` line that configures no device (Anaconda treats it the same way).
export function isHostnameOnly(n: Network): boolean {
  const untouched = [n.device, n.ip, n.ipv6, n.gateway, n.nameserver, n.netmask, n.mtu].every((v) => v === null);
  return n.hostname !== null && untouched && n.bootProto === "dhcp" && !n.noipv4 && !n.noipv6;
}

// The host name of the last network line that sets one.
export function lastHostname(lines: readonly Network[]): string | null {
  return lines.reduce<string | null>((name, n) => n.hostname ?? name, null);
}

function matchOf(device: string | null): IfaceMatch {
  if (device === null || device === "link" || device === "bootif") return { kind: "any" };
  if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(device)) return { kind: "mac", mac: device.toLowerCase() };
  return { kind: "name", name: device };
}

function ipv4Of(n: Network, where: string): NetIface["ipv4"] {
  if (n.noipv4 || n.bootProto === null) return { method: "off" };
  if (n.bootProto !== "static") return { method: "dhcp" };
  const [address, slash] = (n.ip ?? "").split("/");
  if (!address) throw new PlanError(`${where}: --bootproto=static needs --ip`);
  const prefix = netmaskPrefix(slash ?? n.netmask ?? "");
  if (prefix === undefined) throw new PlanError(`${where}: --bootproto=static needs a valid --netmask (got ${n.netmask ?? "none"})`);
  return { method: "static", address, prefix, gateway: n.gateway };
}

function ipv6Of(n: Network): NetIface["ipv6"] {
  if (n.noipv6) return { method: "off" };
  if (n.ipv6 === null) return { method: "default" };
  if (n.ipv6 === "auto" || n.ipv6 === "dhcp") return { method: n.ipv6 };
  const [address = "", prefix] = n.ipv6.split("/");
  return { method: "static", address, prefix: prefix === undefined ? 64 : Number(prefix), gateway: n.ipv6gateway };
}

// Where a network line came from, as the files written into the image name it: its line in the kickstart ENTRY, or its
// line in a %include'd file by that file's base name. Never a host path: the same kickstart built from another
// directory, or copied to a temporary file, must give the same image (a reproducible build compares the bytes).
export function lineInImage(file: string, lineno: number, entry: string | null): string {
  return entry === null || file === entry ? `line ${lineno}` : `line ${lineno} of ${path.basename(file)}`;
}

// The interfaces the network lines configure (hostname-only lines skipped), with warnings for what is not applied.
// ENTRY: the kickstart's entry file (its lines are named by number alone in the image).
export function networkIfaces(lines: readonly Network[], entry: string | null = null): { ifaces: NetIface[]; warnings: string[] } {
  const ifaces: NetIface[] = [];
  const warnings: string[] = [];
  for (const n of lines) {
    if (isHostnameOnly(n)) continue;
    const where = `network${n.device === null ? "" : ` --device=${n.device}`} (${n.file}:${n.lineno})`;
    for (const [key, option] of UNSUPPORTED) {
      const v = n[key];
      if (v !== null && !(Array.isArray(v) && v.length === 0)) warnings.push(`${where}: ${option} is not supported; configured as a plain Ethernet device`);
    }
    if (n.bootProto === "query" || n.bootProto === "ibft") warnings.push(`${where}: --bootproto=${n.bootProto} is not supported; DHCP is used`);
    const match = matchOf(n.device);
    let id = match.kind === "name" ? match.name : match.kind === "mac" ? `ksimage-${match.mac.replace(/:/g, "")}` : "ksimage-link";
    for (let i = 2; ifaces.some((f) => f.id === id); i += 1) id = `${id.replace(/-\d+$/, "")}-${i}`;
    ifaces.push({
      id,
      source: lineInImage(n.file, n.lineno, entry),
      match,
      ipv4: ipv4Of(n, where),
      ipv6: ipv6Of(n),
      dns: n.nodns ? [] : list(n.nameserver),
      dnsSearch: [...list(n.ipv4_dns_search), ...list(n.ipv6_dns_search)],
      ignoreAutoDns: n.nodns || n.ipv4_ignore_auto_dns,
      mtu: n.mtu === null ? null : Number(n.mtu),
      onboot: n.onboot,
      defroute: !n.nodefroute,
    });
  }
  return { ifaces, warnings };
}

// A stable UUID for a NetworkManager connection, derived from its id (same kickstart, same image).
export function connectionUuid(id: string): string {
  const h = createHash("sha1").update(`ksimage-connection:${id}`).digest("hex");
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

function section(name: string, entries: (string | false | null | undefined)[]): string[] {
  const kept = entries.filter((e): e is string => typeof e === "string");
  return kept.length === 0 ? [] : ["", `[${name}]`, ...kept];
}

// A NetworkManager keyfile (/etc/NetworkManager/system-connections/ID.nmconnection, mode 0600).
export function keyfileText(f: NetIface): string {
  const v4dns = f.dns.filter((d) => !d.includes(":"));
  const v6dns = f.dns.filter((d) => d.includes(":"));
  const v4method = { dhcp: "auto", off: "disabled", static: "manual" }[f.ipv4.method];
  const v6method = { auto: "auto", dhcp: "dhcp", off: "disabled", default: "auto", static: "manual" }[f.ipv6.method];
  const lines = [
    `# Written by ksimage from the kickstart's network line (${f.source}).`,
    "[connection]",
    `id=${f.id}`,
    `uuid=${connectionUuid(f.id)}`,
    "type=ethernet",
    ...(f.match.kind === "name" ? [`interface-name=${f.match.name}`] : []),
    ...(f.onboot ? [] : ["autoconnect=false"]),
    ...section("ethernet", [f.match.kind === "mac" && `mac-address=${f.match.mac.toUpperCase()}`, f.mtu !== null && `mtu=${f.mtu}`]),
    ...section("match", [f.match.kind === "any" && `interface-name=${ANY_ETHERNET.join(";")};`]),
    ...section("ipv4", [
      `method=${v4method}`,
      f.ipv4.method === "static" && `address1=${f.ipv4.address}/${f.ipv4.prefix}${f.ipv4.gateway ? `,${f.ipv4.gateway}` : ""}`,
      v4dns.length > 0 && `dns=${v4dns.join(";")};`,
      f.dnsSearch.length > 0 && `dns-search=${f.dnsSearch.join(";")};`,
      f.ignoreAutoDns && "ignore-auto-dns=true",
      !f.defroute && "never-default=true",
    ]),
    ...section("ipv6", [
      `method=${v6method}`,
      f.ipv6.method === "static" && `address1=${f.ipv6.address}/${f.ipv6.prefix}${f.ipv6.gateway ? `,${f.ipv6.gateway}` : ""}`,
      v6dns.length > 0 && `dns=${v6dns.join(";")};`,
      !f.defroute && "never-default=true",
    ]),
  ];
  return `${lines.join("\n")}\n`;
}

// A systemd-networkd unit (/etc/systemd/network/10-ksimage-ID.network).
export function networkdText(f: NetIface): string {
  const dhcp4 = f.ipv4.method === "dhcp";
  const dhcp6 = f.ipv6.method === "dhcp";
  const dhcp = dhcp4 && dhcp6 ? "yes" : dhcp4 ? "ipv4" : dhcp6 ? "ipv6" : null;
  const match =
    f.match.kind === "name" ? `Name=${f.match.name}` : f.match.kind === "mac" ? `MACAddress=${f.match.mac}` : `Name=${ANY_ETHERNET.join(" ")}`;
  const ra = { auto: "yes", dhcp: "yes", off: "no", static: "no", default: null }[f.ipv6.method];
  const lines = [
    `# Written by ksimage from the kickstart's network line (${f.source}).`,
    "[Match]",
    match,
    ...section("Link", [f.mtu !== null && `MTUBytes=${f.mtu}`, !f.onboot && "ActivationPolicy=manual"]),
    ...section("Network", [
      dhcp !== null && `DHCP=${dhcp}`,
      f.ipv4.method === "static" && `Address=${f.ipv4.address}/${f.ipv4.prefix}`,
      f.ipv4.method === "static" && f.ipv4.gateway !== null && f.defroute && `Gateway=${f.ipv4.gateway}`,
      f.ipv6.method === "static" && `Address=${f.ipv6.address}/${f.ipv6.prefix}`,
      f.ipv6.method === "static" && f.ipv6.gateway !== null && f.defroute && `Gateway=${f.ipv6.gateway}`,
      ...f.dns.map((d) => `DNS=${d}`),
      f.dnsSearch.length > 0 && `Domains=${f.dnsSearch.join(" ")}`,
      ra !== null && `IPv6AcceptRA=${ra}`,
      f.ipv6.method === "off" && `LinkLocalAddressing=${f.ipv4.method === "off" ? "no" : "ipv4"}`,
    ]),
    ...section("DHCPv4", [dhcp4 && f.ignoreAutoDns && "UseDNS=no", dhcp4 && !f.defroute && "UseGateway=no"]),
  ];
  return `${lines.join("\n")}\n`;
}

// ifupdown's name for an interface: the device itself, or a logical name its allow-hotplug pattern maps to.
function ifupdownAllow(f: NetIface): { allow: string; name: string } {
  if (f.match.kind === "name") return { allow: f.match.name, name: f.match.name };
  if (f.match.kind === "mac") return { allow: `mac/${f.match.mac}/=${f.id}`, name: f.id };
  return { allow: ANY_ETHERNET.map((p) => `/${p}=${f.id}`).join(" "), name: f.id };
}

// /etc/network/interfaces for ifupdown (patterns as in interfaces(5), "PATTERN MATCHING INTERFACES").
export function interfacesText(ifaces: readonly NetIface[]): string {
  const out = ["# Written by ksimage from the kickstart's network lines; see interfaces(5).", "source /etc/network/interfaces.d/*", "", "auto lo", "iface lo inet loopback"];
  for (const f of ifaces) {
    const { allow, name } = ifupdownAllow(f);
    out.push("", `# ${f.source}`);
    if (f.onboot) out.push(`allow-hotplug ${allow}`);
    const v4 = f.ipv4.method === "off" ? "manual" : f.ipv4.method;
    out.push(`iface ${name} inet ${v4}`);
    if (f.ipv4.method === "static") {
      out.push(`    address ${f.ipv4.address}/${f.ipv4.prefix}`);
      if (f.ipv4.gateway !== null && f.defroute) out.push(`    gateway ${f.ipv4.gateway}`);
    }
    if (f.dns.length > 0) out.push(`    dns-nameservers ${f.dns.join(" ")}`);
    if (f.dnsSearch.length > 0) out.push(`    dns-search ${f.dnsSearch.join(" ")}`);
    if (f.mtu !== null) out.push(`    mtu ${f.mtu}`);
    if (f.ipv6.method === "auto" || f.ipv6.method === "dhcp") out.push(`iface ${name} inet6 ${f.ipv6.method}`);
    if (f.ipv6.method === "static") {
      out.push(`iface ${name} inet6 static`, `    address ${f.ipv6.address}/${f.ipv6.prefix}`);
      if (f.ipv6.gateway !== null && f.defroute) out.push(`    gateway ${f.ipv6.gateway}`);
    }
  }
  return `${out.join("\n")}\n`;
}
