// The exact argv of every tool the boot loader step runs, whose tools it picks (guest or host), and its preflight list.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { biosGrubDir, chooseBiosInstaller, grubInstallArgs } from "../../../../src/installer/bootloader/bios.js";
import { extlinuxInstallArgs, mbrWriteArgs } from "../../../../src/installer/bootloader/extlinux.js";
import { forwardingConfig, grubMkconfigArgs } from "../../../../src/installer/bootloader/grub-config.js";
import { probeGuestGrub, type GuestGrub } from "../../../../src/installer/bootloader/guest-grub.js";
import { mkpasswdArgs } from "../../../../src/installer/bootloader/password.js";
import { planBootloader } from "../../../../src/installer/bootloader/plan.js";
import { bootloaderTools } from "../../../../src/installer/bootloader/tools.js";
import { chooseEfiImageMaker, earlyConfig, efiDir, grubMkimageArgs, mcopyArgs, mdirArgs, mmdArgs, mtoolsImage } from "../../../../src/installer/bootloader/uefi.js";
import { planLayout } from "../../../../src/partition/layout.js";
import { parseOk } from "../../../helpers/ks.js";

const debian: GuestGrub = { flavour: "grub", install: "/usr/sbin/grub-install", mkconfig: "/usr/sbin/grub-mkconfig", mkimage: "/usr/bin/grub-mkimage", biosModules: true, efiModules: true, extlinux: null };
const bare: GuestGrub = { flavour: "grub", install: null, mkconfig: null, mkimage: null, biosModules: false, efiModules: false, extlinux: null };
const plan = (text: string) => {
  const ks = parseOk(text);
  return planBootloader(ks, planLayout(ks, { seed: "42" }));
};

describe("BIOS: grub-install", () => {
  it("the guest's (run by the guest session) when it has the tool and the i386-pc modules", () => {
    const installer = chooseBiosInstaller(debian);
    expect(installer).toEqual({ kind: "guest", command: "/usr/sbin/grub-install" });
    expect(grubInstallArgs(installer, "/w/root", "/dev/loop7")).toEqual(["/usr/sbin/grub-install", "--target=i386-pc", "/dev/loop7"]);
    expect(biosGrubDir(installer, { ...debian, flavour: "grub2" })).toBe("grub2");
  });

  it("the host's with the guest's modules when the guest has modules but no grub-install (grub-pc-bin without grub2-common)", () => {
    const installer = chooseBiosInstaller({ ...debian, install: null });
    expect(installer).toEqual({ kind: "host", modules: "guest" });
    expect(grubInstallArgs(installer, "/w/root", "/dev/loop7")).toEqual([
      "grub-install",
      "--target=i386-pc",
      "--boot-directory=/w/root/boot",
      "--directory=/w/root/usr/lib/grub/i386-pc",
      "/dev/loop7",
    ]);
  });

  it("the host's with its own modules when the guest has no GRUB at all", () => {
    const installer = chooseBiosInstaller(bare);
    expect(grubInstallArgs(installer, "/w/root", "/dev/loop7")).toEqual(["grub-install", "--target=i386-pc", "--boot-directory=/w/root/boot", "/dev/loop7"]);
    expect(biosGrubDir(installer, { ...bare, flavour: "grub2" })).toBe("grub");
  });
});

describe("UEFI: grub-mkimage and mtools", () => {
  it("chooses the guest's grub-mkimage only with its x86_64-efi modules", () => {
    expect(chooseEfiImageMaker(debian)).toEqual({ kind: "guest", command: "/usr/bin/grub-mkimage" });
    expect(chooseEfiImageMaker({ ...debian, mkimage: null })).toEqual({ kind: "host", modules: "guest" });
    expect(chooseEfiImageMaker({ ...debian, efiModules: false })).toEqual({ kind: "host", modules: "host" });
  });

  it("grub-mkimage argv and the early config that finds /boot by UUID", () => {
    expect(grubMkimageArgs({ command: "grub-mkimage", moddir: "/usr/lib/grub/x86_64-efi", output: "/o/core.efi", prefix: "/boot/grub", config: "/o/load.cfg", modules: ["part_gpt", "fat"] })).toEqual([
      "grub-mkimage", "-d", "/usr/lib/grub/x86_64-efi", "-O", "x86_64-efi", "-o", "/o/core.efi", "-p", "/boot/grub", "-c", "/o/load.cfg", "part_gpt", "fat",
    ]);
    const boot = { disk: "sda", partition: 3, uuid: "aaaa-bbbb", fstype: "ext4" as const, subvol: null, volume: null };
    expect(earlyConfig(boot, "/boot/grub")).toBe("search --no-floppy --fs-uuid --set=root aaaa-bbbb\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n");
    expect(efiDir("grub2")).toBe("/boot/grub2/x86_64-efi");
  });

  it("mtools addresses the ESP in the raw file at its byte offset, else through its partition device", () => {
    const target = plan("part biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=100\npart / --size=1024\n").uefi!;
    expect(mtoolsImage(target, "/out/a.raw", "/dev/loop3p2")).toBe(`/out/a.raw@@${4096 * 512}`);
    expect(mtoolsImage(target, undefined, "/dev/loop3p2")).toBe("/dev/loop3p2");
    expect(mdirArgs("/out/a.raw@@2097152", "EFI/BOOT")).toEqual(["mdir", "-b", "-i", "/out/a.raw@@2097152", "::/EFI/BOOT"]);
    expect(mmdArgs("/out/a.raw@@2097152", "EFI")).toEqual(["mmd", "-i", "/out/a.raw@@2097152", "::/EFI"]);
    expect(mcopyArgs("/out/a.raw@@2097152", "/r/boot/grub/x86_64-efi/core.efi", "EFI/BOOT/BOOTX64.EFI")).toEqual([
      "mcopy", "-o", "-i", "/out/a.raw@@2097152", "/r/boot/grub/x86_64-efi/core.efi", "::/EFI/BOOT/BOOTX64.EFI",
    ]);
  });
});

describe("grub.cfg, password, extlinux", () => {
  it("grub-mkconfig runs in the guest and writes the flavour's directory", () => {
    expect(grubMkconfigArgs("/usr/sbin/grub2-mkconfig", "grub2")).toEqual(["/usr/sbin/grub2-mkconfig", "-o", "/boot/grub2/grub.cfg"]);
    expect(forwardingConfig("/boot/grub2/grub.cfg")).toBe("# Written by ksimage: the configuration is in /boot/grub2/grub.cfg.\nconfigfile /boot/grub2/grub.cfg\n");
  });

  it("the password goes to stdin, never into argv", () => {
    expect(mkpasswdArgs()).toEqual(["grub-mkpasswd-pbkdf2"]);
  });

  it("extlinux and the MBR boot code", () => {
    expect(extlinuxInstallArgs({ kind: "guest", command: "/usr/bin/extlinux" }, "/w/root")).toEqual(["/usr/bin/extlinux", "--install", "/boot/extlinux"]);
    expect(extlinuxInstallArgs({ kind: "host", command: "/usr/bin/extlinux" }, "/w/root")).toEqual(["/usr/bin/extlinux", "--install", "/w/root/boot/extlinux"]);
    expect(mbrWriteArgs("/usr/lib/syslinux/mbr/mbr.bin", "/dev/loop4")).toEqual(["dd", "if=/usr/lib/syslinux/mbr/mbr.bin", "of=/dev/loop4", "bs=440", "count=1", "conv=notrunc,fsync"]);
  });
});

describe("probeGuestGrub", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tree = (files: string[]) => {
    const root = mkdtempSync(path.join(os.tmpdir(), "ksimage-guest-"));
    dirs.push(root);
    for (const f of files) {
      mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      writeFileSync(path.join(root, f), "");
    }
    return root;
  };

  it("Debian: grub-* tools and both module directories", () => {
    const root = tree(["usr/sbin/grub-install", "usr/sbin/grub-mkconfig", "usr/bin/grub-mkimage", "usr/lib/grub/i386-pc/kernel.img", "usr/lib/grub/x86_64-efi/kernel.img"]);
    expect(probeGuestGrub(root)).toEqual(debian);
  });

  it("Fedora family: grub2-* tools, extlinux", () => {
    const root = tree(["usr/sbin/grub2-mkconfig", "usr/bin/grub2-mkimage", "usr/sbin/extlinux"]);
    expect(probeGuestGrub(root)).toEqual({ flavour: "grub2", install: null, mkconfig: "/usr/sbin/grub2-mkconfig", mkimage: "/usr/bin/grub2-mkimage", biosModules: false, efiModules: false, extlinux: "/usr/sbin/extlinux" });
  });

  it("an empty tree has nothing", () => {
    expect(probeGuestGrub(tree([]))).toEqual(bare);
  });
});

describe("bootloaderTools: the preflight list", () => {
  it("hybrid with a plain password: grub-install, grub-mkimage, mtools, grub-mkpasswd-pbkdf2", () => {
    const tools = bootloaderTools(plan("part biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=100\npart / --size=1024\nbootloader --password=x\n"));
    expect(tools.map((t) => t.tool)).toEqual(["grub-install", "grub-mkimage", "mdir", "mmd", "mcopy", "grub-mkpasswd-pbkdf2"]);
  });

  it("none needs nothing; extlinux needs dd", () => {
    expect(bootloaderTools(plan("part / --size=1024\nbootloader --location=none\n"))).toEqual([]);
    expect(bootloaderTools(plan("part / --size=1024\nbootloader --extlinux\n")).map((t) => t.tool)).toEqual(["dd"]);
  });
});
