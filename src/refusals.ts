// Refuse, at plan time and with file:line, what a kickstart asks that ksimage cannot build faithfully.
import { PlanError, type SourcePos } from "./errors.js";
import type { Kickstart } from "./kickstart/model.js";

/** The LUKS options of part, logvol, raid and autopart, as pykickstart names their attributes. */
const LUKS_KEYS: [key: string, option: string][] = [
  ["encrypted", "--encrypted"], ["passphrase", "--passphrase"], ["escrowcert", "--escrowcert"], ["backuppassphrase", "--backuppassphrase"],
  ["cipher", "--cipher"], ["luks_version", "--luks-version"], ["pbkdf", "--pbkdf"], ["pbkdf_memory", "--pbkdf-memory"],
  ["pbkdf_time", "--pbkdf-time"], ["pbkdf_iterations", "--pbkdf-iterations"],
];

/** Why encryption is refused, in one sentence (the same on every host: see the README). */
export const NO_ENCRYPTION =
  "ksimage does not build encrypted devices: LUKS needs dm-crypt (device-mapper) and cryptsetup on the build host, this host has neither, " +
  "and LUKS support is not implemented for hosts that have them; ksimage refuses rather than write the data unencrypted";

const given = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && v !== false && v !== 0;

function pos(ks: Kickstart, at: { file?: unknown; lineno?: unknown } | undefined): SourcePos {
  const file = typeof at?.file === "string" ? at.file : ks.file;
  return { file, line: typeof at?.lineno === "number" ? at.lineno : 0, includeStack: [file] };
}

// The LUKS options given on one record (part, logvol, raid or autopart), by option name.
export function luksOptionsOf(record: Record<string, unknown>): string[] {
  return LUKS_KEYS.filter(([key]) => given(record[key])).map(([, option]) => option);
}

// Every device that asks for encryption: never built as plaintext.
export function refuseEncryption(ks: Kickstart): void {
  for (const p of ks.partitions) {
    const options = [...luksOptionsOf({ encrypted: p.encrypted, passphrase: p.passphrase, cipher: p.cipher, luks_version: p.luksVersion }), ...(p.luksOptions ?? [])];
    if (options.length > 0) throw new PlanError(`part ${p.mountpoint}: ${options.join(", ")}: ${NO_ENCRYPTION}`, pos(ks, p), "remove the LUKS options, or encrypt the device at first boot");
  }
  const lists: [command: string, records: Record<string, unknown>[]][] = [
    ["logvol", (ks.other.logvol as { lvList?: Record<string, unknown>[] } | undefined)?.lvList ?? []],
    ["raid", (ks.other.raid as { raidList?: Record<string, unknown>[] } | undefined)?.raidList ?? []],
    ["autopart", ks.other.autopart ? [ks.other.autopart as Record<string, unknown>] : []],
  ];
  for (const [command, records] of lists) {
    for (const r of records) {
      const options = luksOptionsOf(r);
      const what = command === "autopart" ? "autopart" : `${command} ${String(r.mountpoint)}`;
      if (options.length > 0) throw new PlanError(`${what}: ${options.join(", ")}: ${NO_ENCRYPTION}`, pos(ks, r), "remove the LUKS options, or encrypt the device at first boot");
    }
  }
}

// A Linux root needs owners, modes, symlinks and device nodes, which FAT cannot hold.
export function refuseVfatRoot(ks: Kickstart): void {
  const root = ks.partitions.find((p) => p.mountpoint === "/" && (p.fstype === "vfat" || p.fstype === "efi"));
  if (root) {
    throw new PlanError(
      `part / --fstype=${root.fstype}: a FAT filesystem cannot hold a Linux root (no owners, permissions, symlinks or device nodes)`,
      pos(ks, root),
      "use ext4, xfs or btrfs for /; vfat works for other mount points (e.g. /data), filled from the installed tree",
    );
  }
}

// %certificate needs --dir: Anaconda writes DIR/FILENAME in the image, and there is no default directory.
export function refuseCertificateWithoutDir(ks: Kickstart): void {
  for (const c of ks.certificates) {
    if (typeof c.dir !== "string" || c.dir === "") {
      throw new PlanError(`%certificate --filename=${String(c.filename)} has no --dir: ksimage would not know where in the image to write it`, pos(ks, c), "add --dir=/etc/pki/ca-trust/source/anchors (Fedora) or --dir=/usr/local/share/ca-certificates (Debian)");
    }
    if (String(c.filename).includes("/")) throw new PlanError(`%certificate --filename=${String(c.filename)} must be a file name, without '/'`, pos(ks, c));
  }
}

// network --bindto=mac binds a connection to the MAC address of its device: known only when --device is that address.
export function refuseBindtoWithoutMac(ks: Kickstart): void {
  for (const n of ks.network) {
    if (n.bindto === null) continue;
    if (n.bindto !== "mac") throw new PlanError(`network --bindto=${n.bindto}: only --bindto=mac exists`, pos(ks, n));
    if (n.device === null || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(n.device)) {
      throw new PlanError(
        `network --bindto=mac --device=${n.device ?? "(none)"}: an image is built without its target's hardware, so the MAC address to bind to is unknown`,
        pos(ks, n),
        "give the MAC address as --device=52:54:00:12:34:56; the connection is then bound to it",
      );
    }
  }
}

// %packages --default means the installer's default package set, which an image builder does not have.
export function refuseDefaultPackages(ks: Kickstart): void {
  if (!ks.packages.default) return;
  const at = ks.other.packagesHeader as { file?: string; lineno?: number } | undefined;
  throw new PlanError(
    "%packages --default asks for the installer's default package set (its product configuration), which ksimage has no equivalent of",
    pos(ks, at),
    "list the packages or @groups to install; on Debian choose the base set with %addon org_ksimage_debian --variant",
  );
}

// All of the above, in the order a user meets them; called by buildPlan before the layout is planned.
export function refuseUnbuildable(ks: Kickstart): void {
  refuseEncryption(ks);
  refuseVfatRoot(ks);
  refuseCertificateWithoutDir(ks);
  refuseBindtoWithoutMac(ks);
  refuseDefaultPackages(ks);
}
