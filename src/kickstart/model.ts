// The typed kickstart model: zod schemas are the one source of truth for its types.
//
// Field names follow pykickstart's attribute names, the vocabulary release engineers
// already know, so `ksimage inspect --json` is a direct view of this model. Two
// deliberate differences: sizes are bytes (kickstart MiB are converted once, at parse
// time), and secrets are kept here but never printed (inspect shows only *Set flags).
import { z } from "zod";

const str = z.string();
const nstr = z.string().nullable();

/** Where an item came from: the physical file and line. */
export const SourceRef = z.object({
  file: str.describe("file the line was read from"),
  lineno: z.number().int().describe("line in that file (1-based)"),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const Partition = SourceRef.extend({
  mountpoint: str.describe("mount point, or swap, biosboot, prepboot, raid.*, pv.*, btrfs.*, none"),
  fstype: nstr.describe("filesystem type (--fstype)"),
  size: z.number().nullable().describe("size in bytes (--size, given in MiB)"),
  grow: z.boolean().describe("grow to fill free space (--grow)"),
  maxsize: z.number().nullable().describe("largest size in bytes when growing (--maxsize)"),
  recommended: z.boolean().describe("let the installer pick the size (--recommended)"),
  ondisk: nstr.describe("disk the partition lives on (--ondisk/--ondrive)"),
  onpart: nstr.describe("existing partition to use (--onpart/--usepart)"),
  onbiosdisk: nstr.describe("BIOS disk number (--onbiosdisk)"),
  asprimary: z.boolean().describe("force a primary partition (--asprimary)"),
  label: nstr.describe("filesystem label (--label)"),
  fsoptions: nstr.describe("mount options for fstab (--fsoptions)"),
  mkfsoptions: nstr.describe("extra options for mkfs (--mkfsoptions)"),
  fsprofile: nstr.describe("mkfs usage profile (--fsprofile)"),
  format: z.boolean().describe("make a filesystem (false with --noformat)"),
  resize: z.boolean().describe("resize an existing partition (--resize)"),
  hibernation: z.boolean().describe("size swap for hibernation (--hibernation)"),
  encrypted: z.boolean().describe("LUKS-encrypt (--encrypted)"),
  passphrase: nstr.describe("LUKS passphrase (secret, never printed)"),
  luksVersion: nstr.describe("LUKS version (--luks-version)"),
  cipher: nstr.describe("LUKS cipher (--cipher)"),
});
export type Partition = z.infer<typeof Partition>;

export const Bootloader = z.object({
  seen: z.boolean(),
  location: str.describe("mbr, partition, none or boot"),
  append: nstr.describe("kernel command line additions (--append)"),
  timeout: z.number().nullable().describe("menu timeout in seconds (--timeout)"),
  bootDrive: nstr.describe("drive holding the boot loader (--boot-drive)"),
  driveorder: z.array(str).describe("BIOS drive order (--driveorder)"),
  default: nstr.describe("default menu entry (--default)"),
  password: nstr.describe("boot loader password (secret, never printed)"),
  isCrypted: z.boolean().describe("password is already a hash (--iscrypted)"),
  disabled: z.boolean().describe("install no boot loader at all (--disabled)"),
  nombr: z.boolean().describe("do not write the MBR (--nombr)"),
  leavebootorder: z.boolean().describe("keep the EFI boot order (--leavebootorder)"),
  extlinux: z.boolean().describe("use extlinux instead of grub2 (--extlinux)"),
  sdboot: z.boolean().describe("use systemd-boot (--sdboot)"),
});
export type Bootloader = z.infer<typeof Bootloader>;

export const RootPw = z.object({
  seen: z.boolean(),
  password: nstr.describe("the root password or hash (secret, never printed)"),
  isCrypted: z.boolean(),
  lock: z.boolean(),
  allowSsh: z.boolean(),
});
export type RootPw = z.infer<typeof RootPw>;

export const User = SourceRef.extend({
  name: str,
  groups: z.array(str),
  homedir: nstr,
  shell: nstr,
  uid: z.number().int().nullable(),
  gid: z.number().int().nullable(),
  gecos: nstr,
  lock: z.boolean(),
  password: nstr.describe("secret, never printed"),
  isCrypted: z.boolean(),
});
export type User = z.infer<typeof User>;

export const Group = SourceRef.extend({ name: str, gid: z.number().int().nullable() });
export type Group = z.infer<typeof Group>;

export const SshKey = SourceRef.extend({ username: str, key: str });
export type SshKey = z.infer<typeof SshKey>;

export const Lang = z.object({ seen: z.boolean(), lang: nstr, addsupport: z.array(str) });
export const Keyboard = z.object({
  seen: z.boolean(),
  keyboard: nstr,
  vcKeymap: nstr,
  xLayouts: z.array(str),
  switchOptions: z.array(str),
});
export const Timezone = z.object({
  seen: z.boolean(),
  name: nstr,
  isUtc: z.boolean(),
  nontp: z.boolean(),
  ntpservers: z.array(str),
});
export const SELinux = z.object({ seen: z.boolean(), mode: z.enum(["enforcing", "permissive", "disabled"]).nullable() });
export const Firewall = z.object({
  seen: z.boolean(),
  enabled: z.boolean().nullable(),
  ports: z.array(str),
  services: z.array(str),
  trusts: z.array(str),
  remove_services: z.array(str),
  use_system_defaults: z.boolean().nullable(),
});
export const Services = z.object({ seen: z.boolean(), enabled: z.array(str), disabled: z.array(str) });

/** One `network` line; keys are pykickstart's attribute names (wepkey/wpakey are secrets). */
export const Network = SourceRef.extend({
  bootProto: nstr.describe("IPv4 method: dhcp, bootp, static, query or ibft (null with --noipv4)"),
  dhcpclass: nstr.describe("DHCP vendor class identifier (--dhcpclass)"),
  device: nstr.describe("interface name, MAC address, link or bootif (--device)"),
  essid: nstr.describe("wireless network ID (--essid)"),
  ethtool: nstr.describe("low-level ethtool settings (--ethtool)"),
  gateway: nstr.describe("IPv4 default gateway (--gateway)"),
  hostname: nstr.describe("host name of the installed system (--hostname)"),
  ip: nstr.describe("IPv4 address (--ip)"),
  mtu: nstr.describe("MTU, as written (--mtu)"),
  nameserver: nstr.describe("name servers, comma-separated as written (--nameserver)"),
  netmask: nstr.describe("IPv4 netmask (--netmask)"),
  nodns: z.boolean().describe("configure no DNS server (--nodns)"),
  onboot: z.boolean().describe("enable the device at boot (--onboot)"),
  wepkey: nstr.describe("WEP key (secret, never printed)"),
  notksdevice: z.boolean().describe("not the device kickstart came from (--notksdevice)"),
  noipv4: z.boolean().describe("no IPv4 configuration (--noipv4)"),
  noipv6: z.boolean().describe("no IPv6 configuration (--noipv6)"),
  ipv6: nstr.describe("IPv6 address[/prefix], auto or dhcp (--ipv6)"),
  activate: z.boolean().nullable().describe("activate in the installer (--activate true, --no-activate false, else null)"),
  nodefroute: z.boolean().describe("never the default route (--nodefroute)"),
  wpakey: nstr.describe("WPA key (secret, never printed)"),
  bondslaves: nstr.describe("bond members, comma-separated (--bondslaves)"),
  bondopts: nstr.describe("bond options (--bondopts)"),
  vlanid: nstr.describe("802.1q VLAN id on --device (--vlanid)"),
  ipv6gateway: nstr.describe("IPv6 default gateway (--ipv6gateway)"),
  teamslaves: z.array(z.tuple([str, str])).describe("team members with their JSON config ('' for none) (--teamslaves)"),
  teamconfig: nstr.describe("team JSON configuration (--teamconfig)"),
  interfacename: nstr.describe("custom VLAN interface name (--interfacename)"),
  bridgeslaves: nstr.describe("bridge members, comma-separated (--bridgeslaves)"),
  bridgeopts: nstr.describe("bridge options key=value,... (--bridgeopts)"),
  bindto: nstr.describe("bind the connection to the MAC address: mac (--bindto)"),
  ipv4_dns_search: nstr.describe("IPv4 DNS search domains, comma-separated (--ipv4-dns-search)"),
  ipv6_dns_search: nstr.describe("IPv6 DNS search domains, comma-separated (--ipv6-dns-search)"),
  ipv4_ignore_auto_dns: z.boolean().describe("ignore DNS from DHCPv4 (--ipv4-ignore-auto-dns)"),
  ipv6_ignore_auto_dns: z.boolean().describe("ignore automatic IPv6 DNS (--ipv6-ignore-auto-dns)"),
});
export type Network = z.infer<typeof Network>;

export const Repo = SourceRef.extend({
  name: str,
  baseurl: nstr,
  mirrorlist: nstr,
  metalink: nstr,
  cost: z.number().nullable(),
  excludepkgs: z.array(str),
  includepkgs: z.array(str),
  ignoregroups: z.boolean().nullable(),
  proxy: nstr,
  noverifyssl: z.boolean(),
  install: z.boolean(),
  sslcacert: nstr,
  sslclientcert: nstr,
  sslclientkey: nstr,
});
export type Repo = z.infer<typeof Repo>;

export const Url = z.object({
  seen: z.boolean(),
  url: nstr,
  mirrorlist: nstr,
  metalink: nstr,
  proxy: nstr,
  noverifyssl: z.boolean(),
  sslcacert: nstr,
  sslclientcert: nstr,
  sslclientkey: nstr,
});

export const GroupSelection = z.object({ name: str, include: z.enum(["default", "required", "all"]) });
export const Packages = z.object({
  seen: z.boolean(),
  default: z.boolean(),
  excludeDocs: z.boolean(),
  nobase: z.boolean(),
  nocore: z.boolean(),
  environment: nstr,
  instLangs: nstr,
  multiLib: z.boolean(),
  excludeWeakdeps: z.boolean(),
  ignoreMissing: z.boolean(),
  ignoreBroken: z.boolean(),
  timeout: z.number().nullable(),
  retries: z.number().nullable(),
  packageList: z.array(str),
  excludedPackageList: z.array(str),
  groupList: z.array(GroupSelection),
  excludedGroupList: z.array(GroupSelection),
});
export type Packages = z.infer<typeof Packages>;

export const Script = SourceRef.extend({
  type: z.enum(["pre", "pre-install", "post", "onerror", "traceback"]),
  interp: str,
  inChroot: z.boolean(),
  errorOnFail: z.boolean(),
  logfile: nstr,
  body: str,
});
export type Script = z.infer<typeof Script>;

export const Addon = SourceRef.extend({ section: str, args: z.array(str), body: str });
export type Addon = z.infer<typeof Addon>;

export const Warning = z.object({
  category: str,
  message: str,
  file: str,
  line: z.number().int(),
});
export type KsWarning = z.infer<typeof Warning>;

export const Kickstart = z.object({
  file: str.describe("the entry file"),
  includes: z.array(str),
  commandsSeen: z.array(str),
  partitions: z.array(Partition),
  bootloader: Bootloader,
  rootpw: RootPw,
  users: z.array(User),
  groups: z.array(Group),
  sshkeys: z.array(SshKey),
  lang: Lang,
  keyboard: Keyboard,
  timezone: Timezone,
  selinux: SELinux,
  firewall: Firewall,
  services: Services,
  network: z.array(Network),
  repos: z.array(Repo),
  url: Url,
  packages: Packages,
  scripts: z.array(Script),
  addons: z.array(Addon),
  certificates: z.array(z.record(z.string(), z.unknown())),
  /** Every other command, under pykickstart's name for it, with its attributes. */
  other: z.record(z.string(), z.unknown()),
  warnings: z.array(Warning),
});
export type Kickstart = z.infer<typeof Kickstart>;

/** The model of a kickstart with nothing in it: pykickstart's defaults. */
export function emptyKickstart(file: string): Kickstart {
  return {
    file,
    includes: [],
    commandsSeen: [],
    partitions: [],
    bootloader: {
      seen: false,
      location: "none",
      append: null,
      timeout: null,
      bootDrive: null,
      driveorder: [],
      default: null,
      password: null,
      isCrypted: false,
      disabled: false,
      nombr: false,
      leavebootorder: false,
      extlinux: false,
      sdboot: false,
    },
    rootpw: { seen: false, password: null, isCrypted: false, lock: false, allowSsh: false },
    users: [],
    groups: [],
    sshkeys: [],
    lang: { seen: false, lang: null, addsupport: [] },
    keyboard: { seen: false, keyboard: null, vcKeymap: null, xLayouts: [], switchOptions: [] },
    timezone: { seen: false, name: null, isUtc: false, nontp: false, ntpservers: [] },
    selinux: { seen: false, mode: null },
    firewall: { seen: false, enabled: null, ports: [], services: [], trusts: [], remove_services: [], use_system_defaults: null },
    services: { seen: false, enabled: [], disabled: [] },
    network: [],
    repos: [],
    url: {
      seen: false,
      url: null,
      mirrorlist: null,
      metalink: null,
      proxy: null,
      noverifyssl: false,
      sslcacert: null,
      sslclientcert: null,
      sslclientkey: null,
    },
    packages: {
      seen: false,
      default: false,
      excludeDocs: false,
      nobase: false,
      nocore: false,
      environment: null,
      instLangs: null,
      multiLib: false,
      excludeWeakdeps: false,
      ignoreMissing: false,
      ignoreBroken: false,
      timeout: null,
      retries: null,
      packageList: [],
      excludedPackageList: [],
      groupList: [],
      excludedGroupList: [],
    },
    scripts: [],
    addons: [],
    certificates: [],
    other: {},
    warnings: [],
  };
}

export const MiB = 1024 * 1024;
