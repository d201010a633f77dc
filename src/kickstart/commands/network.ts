// network: one device configuration per line (pykickstart F39_Network), appended to ks.network.
import { ksQuote, type CommandContext, type CommandDef } from "../command.js";
import type { Kickstart, Network } from "../model.js";
import type { OptionSpec } from "../options.js";
import { writeArgs, type ArgSpec } from "./shared.js";

/**
 * Read --teamslaves the way pykickstart does: "dev1,dev2'{json}',dev3" gives
 * [dev1, ""], [dev2, "{json}"], [dev3, ""]. A config is single-quoted and follows its device.
 */
export function parseTeamSlaves(value: string): [string, string][] {
  const out: [string, string][] = [];
  if (!value) return out;
  const parts = value.split("'");
  if (parts.length % 2 === 1) {
    if (parts[parts.length - 1] === "") parts.pop();
    else parts.push("");
  }
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const devs = (parts[i] as string).replace(/^,+|,+$/g, "").split(",");
    devs.slice(0, -1).forEach((d) => out.push([d, ""]));
    out.push([devs[devs.length - 1] as string, parts[i + 1] as string]);
  }
  return out;
}

/** Write team slaves back in the --teamslaves syntax. */
function teamSlavesArg(slaves: readonly [string, string][]): string {
  return slaves.map(([dev, cfg]) => (cfg ? `${dev}'${cfg}'` : dev)).join(",");
}

const options: OptionSpec[] = [
  { names: ["--bootproto"], dest: "bootProto", default: "dhcp", choices: ["dhcp", "bootp", "static", "query", "ibft"], description: "IPv4 method: dhcp (default), bootp, static, query or ibft" },
  { names: ["--dhcpclass"], dest: "dhcpclass", description: "DHCP vendor class identifier" },
  { names: ["--device"], dest: "device", description: "device to configure: interface name, MAC address, link or bootif" },
  { names: ["--essid"], dest: "essid", description: "wireless network ID" },
  { names: ["--ethtool"], dest: "ethtool", description: "low-level settings passed to ethtool" },
  { names: ["--gateway"], dest: "gateway", description: "IPv4 default gateway" },
  { names: ["--hostname"], dest: "hostname", description: "host name of the installed system" },
  { names: ["--ip"], dest: "ip", description: "IPv4 address (with --bootproto=static)" },
  { names: ["--mtu"], dest: "mtu", description: "MTU of the device" },
  { names: ["--nameserver"], dest: "nameserver", description: "name servers, comma-separated" },
  { names: ["--netmask"], dest: "netmask", description: "IPv4 netmask" },
  { names: ["--nodns"], dest: "nodns", action: "store_true", description: "configure no DNS server" },
  { names: ["--onboot"], dest: "onboot", type: "ksboolean", description: "enable the device at boot (yes/no)" },
  { names: ["--wepkey"], dest: "wepkey", description: "WEP key for wireless networks (secret)" },
  { names: ["--notksdevice"], dest: "notksdevice", action: "store_true", description: "this device is not the one kickstart came from" },
  { names: ["--noipv4"], dest: "noipv4", action: "store_true", description: "no IPv4 configuration" },
  { names: ["--noipv6"], dest: "noipv6", action: "store_true", description: "no IPv6 configuration" },
  { names: ["--ipv6"], dest: "ipv6", description: "IPv6 address[/prefix], auto or dhcp" },
  { names: ["--activate"], dest: "activate", action: "store_true", description: "activate the device in the installer" },
  { names: ["--nodefroute"], dest: "nodefroute", action: "store_true", description: "never use the device for the default route" },
  { names: ["--wpakey"], dest: "wpakey", default: "", description: "WPA key for wireless networks (secret)" },
  { names: ["--bondslaves"], dest: "bondslaves", default: "", description: "create a bond of these devices, comma-separated" },
  { names: ["--bondopts"], dest: "bondopts", default: "", description: "bond options, comma- or semicolon-separated" },
  { names: ["--vlanid"], dest: "vlanid", description: "create an 802.1q VLAN with this id on --device" },
  { names: ["--ipv6gateway"], dest: "ipv6gateway", default: "", description: "IPv6 default gateway" },
  { names: ["--teamslaves"], dest: "teamslaves", type: parseTeamSlaves, description: "create a team of these devices, each with an optional 'json' config" },
  { names: ["--teamconfig"], dest: "teamconfig", default: "", description: "team device JSON configuration" },
  { names: ["--interfacename"], dest: "interfacename", default: "", description: "custom name of the VLAN interface" },
  { names: ["--bridgeslaves"], dest: "bridgeslaves", default: "", description: "create a bridge of these devices, comma-separated" },
  { names: ["--bridgeopts"], dest: "bridgeopts", default: "", description: "bridge options, key=value comma-separated (needs --bridgeslaves)" },
  { names: ["--no-activate"], dest: "activate", action: "store_false", description: "do not activate the device in the installer" },
  { names: ["--bindto"], dest: "bindto", choices: ["mac"], description: "bind the connection to the device's MAC address (mac)" },
  { names: ["--ipv4-dns-search"], dest: "ipv4_dns_search", description: "IPv4 DNS search domains, comma-separated (needs --device)" },
  { names: ["--ipv6-dns-search"], dest: "ipv6_dns_search", description: "IPv6 DNS search domains, comma-separated (needs --device)" },
  { names: ["--ipv4-ignore-auto-dns"], dest: "ipv4_ignore_auto_dns", action: "store_true", description: "ignore DNS servers from DHCPv4 (needs --device)" },
  { names: ["--ipv6-ignore-auto-dns"], dest: "ipv6_ignore_auto_dns", action: "store_true", description: "ignore automatic IPv6 DNS servers (needs --device)" },
];

/** String attributes: pykickstart keeps "" for "not given", the model keeps null. */
const STRING_KEYS = [
  "bootProto", "dhcpclass", "device", "essid", "ethtool", "gateway", "hostname", "ip", "mtu", "nameserver", "netmask",
  "wepkey", "ipv6", "wpakey", "bondslaves", "bondopts", "vlanid", "ipv6gateway", "teamconfig", "interfacename",
  "bridgeslaves", "bridgeopts", "bindto", "ipv4_dns_search", "ipv6_dns_search",
] as const;

function toNetwork(ctx: CommandContext, ns: Record<string, unknown>, activateGiven: boolean): Network {
  const text = (k: string): string | null => (ns[k] === null || ns[k] === undefined || ns[k] === "" ? null : String(ns[k]));
  const strings = Object.fromEntries(STRING_KEYS.map((k) => [k, text(k)])) as Record<(typeof STRING_KEYS)[number], string | null>;
  return {
    file: ctx.file,
    lineno: ctx.lineno,
    ...strings,
    nodns: ns.nodns as boolean,
    onboot: (ns.onboot as boolean | null) ?? true,
    notksdevice: ns.notksdevice as boolean,
    noipv4: ns.noipv4 as boolean,
    noipv6: ns.noipv6 as boolean,
    activate: activateGiven ? (ns.activate as boolean) : null,
    nodefroute: ns.nodefroute as boolean,
    teamslaves: (ns.teamslaves as [string, string][] | null) ?? [],
    ipv4_ignore_auto_dns: ns.ipv4_ignore_auto_dns as boolean,
    ipv6_ignore_auto_dns: ns.ipv6_ignore_auto_dns as boolean,
  };
}

function handle(ctx: CommandContext): void {
  const { ns, seen } = ctx.parse(options);
  const nd = toNetwork(ctx, ns, seen.has("activate"));
  if (ctx.ks.network.some((other) => other.device === nd.device)) {
    ctx.warn(`A network device with the name ${nd.device ?? ""} has already been defined.`);
  }
  if (nd.bridgeopts) {
    if (!nd.bridgeslaves) ctx.error("Option --bridgeopts requires --bridgeslaves to be specified");
    for (const opt of nd.bridgeopts.split(",")) {
      const value = opt.includes("=") ? opt.slice(opt.indexOf("=") + 1) : "";
      if (!value || value.includes("=")) ctx.error("Bad format of --bridgeopts, expecting key=value options separated by ','");
    }
  }
  // --noipv4 leaves no IPv4 method at all.
  if (nd.noipv4) nd.bootProto = null;
  if (nd.bindto === "mac" && nd.vlanid && !nd.bondopts) ctx.error("--bindto=mac is not supported for this type of device");
  const dnsOptions = nd.ipv4_dns_search || nd.ipv6_dns_search || nd.ipv4_ignore_auto_dns || nd.ipv6_ignore_auto_dns;
  if (dnsOptions && !nd.device) {
    ctx.error("Options --ipv4-dns-search, --ipv6-dns-search, --ipv4-ignore-auto-dns and --ipv6-ignore-auto-dns require --device");
  }
  ctx.ks.network.push(nd);
}

const networkArgs: ArgSpec[] = [
  ["--dhcpclass", "dhcpclass", "value"],
  ["--device", "device", "value"],
  ["--essid", "essid", "value"],
  ["--ethtool", "ethtool", "value"],
  ["--gateway", "gateway", "value"],
  ["--hostname", "hostname", "value"],
  ["--ip", "ip", "value"],
  ["--mtu", "mtu", "value"],
  ["--nameserver", "nameserver", "value"],
  ["--netmask", "netmask", "value"],
  ["--nodns", "nodns", "flag"],
  ["--wepkey", "wepkey", "value"],
  ["--notksdevice", "notksdevice", "flag"],
  ["--noipv4", "noipv4", "flag"],
  ["--noipv6", "noipv6", "flag"],
  ["--ipv6", "ipv6", "value"],
  ["--activate", "activate", "flag"],
  ["--no-activate", "activate", "noflag"],
  ["--nodefroute", "nodefroute", "flag"],
  ["--wpakey", "wpakey", "value"],
  ["--bondslaves", "bondslaves", "value"],
  ["--bondopts", "bondopts", "value"],
  ["--vlanid", "vlanid", "value"],
  ["--ipv6gateway", "ipv6gateway", "value"],
  ["--teamconfig", "teamconfig", "value"],
  ["--interfacename", "interfacename", "value"],
  ["--bridgeslaves", "bridgeslaves", "value"],
  ["--bridgeopts", "bridgeopts", "value"],
  ["--bindto", "bindto", "value"],
  ["--ipv4-dns-search", "ipv4_dns_search", "value"],
  ["--ipv6-dns-search", "ipv6_dns_search", "value"],
  ["--ipv4-ignore-auto-dns", "ipv4_ignore_auto_dns", "flag"],
  ["--ipv6-ignore-auto-dns", "ipv6_ignore_auto_dns", "flag"],
];

function networkLine(nd: Network): string {
  let line = "network";
  if (nd.bootProto) line += ` --bootproto=${ksQuote(nd.bootProto)}`;
  if (!nd.onboot) line += " --onboot=off";
  line += writeArgs(nd as unknown as Record<string, unknown>, networkArgs);
  if (nd.teamslaves.length) line += ` --teamslaves=${ksQuote(teamSlavesArg(nd.teamslaves))}`;
  return line;
}

/** The `network` command: appends one device configuration per line to `ks.network`. */
export const networkCommand: CommandDef = {
  name: "network",
  summary: "configure a network device and the host name of the installed system",
  options,
  handle,
  toKickstart: (ks: Kickstart) => ks.network.map(networkLine),
};
