// Refuse, at plan time and with file:line, what a kickstart asks that ksimage cannot build faithfully.
import { PlanError, type SourcePos } from "./errors.js";
import type { Kickstart } from "./kickstart/model.js";

const pos = (ks: Kickstart, at: { file?: unknown; lineno?: unknown } | undefined): SourcePos => {
  const file = typeof at?.file === "string" ? at.file : ks.file;
  return { file, line: typeof at?.lineno === "number" ? at.lineno : 0, includeStack: [file] };
};

// Refusals that depend on an option's value or on a combination of lines; an option that is refused whatever its
// value (--encrypted and every LUKS option, %packages --default, ...) is refused by the option-state registry (src/faithful).

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

// All of the above, in the order a user meets them; called by buildPlan before the layout is planned.
export function refuseUnbuildable(ks: Kickstart): void {
  refuseVfatRoot(ks);
  refuseCertificateWithoutDir(ks);
  refuseBindtoWithoutMac(ks);
}
