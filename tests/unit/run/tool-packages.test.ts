// toolPackages covers every host tool the pipeline runs, so no "tool not found" lacks a package.
import { describe, it, expect } from "vitest";
import { installHint, toolPackages } from "../../../src/run/index.js";

const REQUIRED = [
  "parted", "losetup", "partx", "kpartx", "mkfs.ext2", "mkfs.ext3", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs",
  "mkfs.vfat", "mkswap", "blkid", "sfdisk", "mount", "umount", "findmnt", "dnf", "rpm", "rpmbuild",
  "createrepo_c", "mmdebstrap", "grub-install", "grub-mkimage", "mcopy", "mmd", "qemu-img",
  "qemu-system-x86_64", "xmllint", "virt-xml-validate", "virsh", "tar", "zstd", "xz", "fstrim", "blockdev",
  "sync", "openssl", "systemd-firstboot", "chroot",
];

describe("toolPackages", () => {
  it.each(REQUIRED)("names Debian and Fedora packages for %s", (tool) => {
    const pkg = toolPackages[tool];
    expect(pkg?.debian).toMatch(/^[a-z0-9][a-z0-9+._-]*$/);
    expect(pkg?.fedora).toMatch(/^[a-z0-9][a-z0-9+._-]*$/);
  });

  it("installHint names both packages, and works from a full path", () => {
    expect(installHint("/usr/bin/qemu-img")).toBe("install it: apt-get install qemu-utils (Fedora: dnf install qemu-img)");
  });

  it("installHint does not trip over Object.prototype names", () => {
    expect(installHint("constructor")).toMatch(/install the package that provides constructor/);
  });
});
