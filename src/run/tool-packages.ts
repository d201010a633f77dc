// Which distribution package provides each host tool, so "tool not found" can say what to install.
import path from "node:path";

/** The package to install on each distribution family. */
export interface ToolPackage {
  debian: string;
  fedora: string;
}

const both = (name: string): ToolPackage => ({ debian: name, fedora: name });
const utilLinux = both("util-linux");
const mountPkg: ToolPackage = { debian: "mount", fedora: "util-linux" };

// Host tools ksimage runs, mapped to the Debian and Fedora packages that provide them.
export const toolPackages: Readonly<Record<string, ToolPackage>> = {
  parted: both("parted"),
  losetup: mountPkg,
  partx: utilLinux,
  kpartx: both("kpartx"),
  pvcreate: both("lvm2"),
  vgcreate: both("lvm2"),
  lvcreate: both("lvm2"),
  lvs: both("lvm2"),
  pvs: both("lvm2"),
  vgs: both("lvm2"),
  vgchange: both("lvm2"),
  "mkfs.ext2": both("e2fsprogs"),
  "mkfs.ext3": both("e2fsprogs"),
  "mkfs.ext4": both("e2fsprogs"),
  e2fsck: both("e2fsprogs"),
  tune2fs: both("e2fsprogs"),
  "mkfs.xfs": both("xfsprogs"),
  "mkfs.btrfs": both("btrfs-progs"),
  "mkfs.vfat": both("dosfstools"),
  "mkfs.fat": both("dosfstools"),
  mkswap: utilLinux,
  blkid: utilLinux,
  sfdisk: { debian: "fdisk", fedora: "util-linux" },
  mount: mountPkg,
  umount: mountPkg,
  findmnt: utilLinux,
  fstrim: utilLinux,
  blockdev: utilLinux,
  dnf: both("dnf"),
  rpm: both("rpm"),
  rpmbuild: { debian: "rpm", fedora: "rpm-build" },
  createrepo_c: { debian: "createrepo-c", fedora: "createrepo_c" },
  mmdebstrap: both("mmdebstrap"),
  "dpkg-deb": both("dpkg"),
  "grub-install": { debian: "grub2-common", fedora: "grub2-tools" },
  "grub-mkimage": { debian: "grub-common", fedora: "grub2-tools" },
  mcopy: both("mtools"),
  mmd: both("mtools"),
  mksquashfs: { debian: "squashfs-tools", fedora: "squashfs-tools" },
  unsquashfs: { debian: "squashfs-tools", fedora: "squashfs-tools" },
  xorriso: both("xorriso"),
  "qemu-img": { debian: "qemu-utils", fedora: "qemu-img" },
  "qemu-system-x86_64": { debian: "qemu-system-x86", fedora: "qemu-system-x86-core" },
  xmllint: { debian: "libxml2-utils", fedora: "libxml2" },
  "virt-xml-validate": { debian: "libvirt-clients", fedora: "libvirt-client" },
  virsh: { debian: "libvirt-clients", fedora: "libvirt-client" },
  tar: both("tar"),
  zstd: both("zstd"),
  xz: { debian: "xz-utils", fedora: "xz" },
  sync: both("coreutils"),
  chroot: both("coreutils"),
  openssl: both("openssl"),
  "systemd-firstboot": both("systemd"),
};

// Say how to install a missing tool, e.g. "install it: apt-get install e2fsprogs (Fedora: dnf install e2fsprogs)".
export function installHint(tool: string): string {
  const name = path.basename(tool);
  const pkg = Object.hasOwn(toolPackages, name) ? toolPackages[name] : undefined;
  if (pkg === undefined) return `install the package that provides ${name}, or check PATH`;
  return `install it: apt-get install ${pkg.debian} (Fedora: dnf install ${pkg.fedora})`;
}
