// Booting from LVM: root= the root LV's /dev/mapper path with rd.lvm.lv, GRUB's lvm module and partition maps when /boot is in the VG, lvm2 added.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { biosCoreModules, grubInstallArgs } from "../../../src/installer/bootloader/bios.js";
import { assertNoHostDevices, rewriteRootDevice, rootSpec } from "../../../src/installer/bootloader/grub-cfg-fix.js";
import { kernelCommandLine, renderGrubCfg } from "../../../src/installer/bootloader/grub-cfg.js";
import { grubConfigSource } from "../../../src/installer/bootloader/grub-config.js";
import { planBootloader } from "../../../src/installer/bootloader/plan.js";
import { withLvmPackage } from "../../../src/installer/lvm-guest.js";
import type { AptSource } from "../../../src/installer/types.js";
import { planLayout } from "../../../src/partition/layout.js";
import { parseOk } from "../../helpers/ks.js";

const LVM_KS = "part /boot --size=256\npart pv.01 --size=1 --grow\nvolgroup my-vg pv.01\nlogvol / --vgname=my-vg --name=root --size=1024\n";
const BOOT_IN_VG = "part pv.01 --size=1 --grow\nvolgroup vg0 pv.01\nlogvol / --vgname=vg0 --name=root --size=1024\n";
const BOOT_LV = `${BOOT_IN_VG}logvol /boot --vgname=vg0 --name=boot --size=256 --fstype=xfs\n`;

describe("boot from LVM", () => {
  it("root= names /dev/mapper/VG-LV (dashes doubled) and rd.lvm.lv=VG/LV is added for dracut", () => {
    const ks = parseOk(LVM_KS);
    const plan = planBootloader(ks, planLayout(ks));
    expect(plan.root!.volume).toEqual({ vg: "my-vg", lv: "root" });
    expect(plan.boot!.volume).toBeNull();
    expect(rootSpec(plan.root!)).toBe("/dev/mapper/my--vg-root");
    expect(kernelCommandLine(plan)).toBe("root=/dev/mapper/my--vg-root ro rd.lvm.lv=my-vg/root");
  });

  it("grub-mkconfig's root=/dev/loopN becomes the mapper path, which the host-device check then accepts", () => {
    const fixed = rewriteRootDevice("linux /vmlinuz root=/dev/loop7 ro", "u", "/dev/mapper/vg0-root");
    expect(fixed).toBe("linux /vmlinuz root=/dev/mapper/vg0-root ro");
    expect(() => assertNoHostDevices(fixed, "grub.cfg", "/dev/mapper/vg0-root")).not.toThrow();
    expect(() => assertNoHostDevices(`${fixed} resume=/dev/loop3`, "grub.cfg", "/dev/mapper/vg0-root")).toThrow(/names a device of the build host/);
    expect(() => assertNoHostDevices("root=/dev/mapper/other-root", "grub.cfg", "/dev/mapper/vg0-root")).toThrow(/build host/);
  });

  it("/boot inside the VG (on the root LV, or its own LV) is planned for GRUB: the BIOS core image gets lvm, the partition maps and the filesystem", () => {
    const inRoot = planBootloader(parseOk(BOOT_IN_VG), planLayout(parseOk(BOOT_IN_VG)));
    expect(inRoot.boot!.volume).toEqual({ vg: "vg0", lv: "root" });
    expect(inRoot.separateBoot).toBe(false);
    expect(inRoot.why.join("\n")).toMatch(/\/boot \(on the root filesystem\) is in logical volume vg0\/root: GRUB's core image gets lvm, part_gpt, part_msdos and ext2/);
    const ks = parseOk(BOOT_LV);
    const own = planBootloader(ks, planLayout(ks));
    expect(own.boot!.volume).toEqual({ vg: "vg0", lv: "boot" });
    expect(own.separateBoot).toBe(true);
    expect(biosCoreModules(own.boot)).toEqual(["lvm", "part_gpt", "part_msdos", "xfs"]);
    expect(biosCoreModules(inRoot.boot)).toEqual(["lvm", "part_gpt", "part_msdos", "ext2"]);
    expect(biosCoreModules(planBootloader(parseOk(LVM_KS), planLayout(parseOk(LVM_KS))).boot)).toEqual([]);
    const mods = biosCoreModules(inRoot.boot);
    expect(grubInstallArgs({ kind: "host", modules: "host" }, "/r", "/dev/loop1", mods)).toEqual(["grub-install", "--target=i386-pc", "--modules=lvm part_gpt part_msdos ext2", "--boot-directory=/r/boot", "/dev/loop1"]);
    expect(grubInstallArgs({ kind: "guest", command: "grub-install" }, "/r", "/dev/loop1", mods)).toEqual(["grub-install", "--target=i386-pc", "--modules=lvm part_gpt part_msdos ext2", "/dev/loop1"]);
    expect(grubInstallArgs({ kind: "guest", command: "grub-install" }, "/r", "/dev/loop1")).toEqual(["grub-install", "--target=i386-pc", "/dev/loop1"]);
  });

  it("/boot or / in a LV: grub.cfg comes from the template (grub-mkconfig would name the host's loop device), with insmod lvm", () => {
    const guest = { mkconfig: "/usr/sbin/grub-mkconfig" };
    const own = planBootloader(parseOk(BOOT_LV), planLayout(parseOk(BOOT_LV)));
    const bootPart = planBootloader(parseOk(LVM_KS), planLayout(parseOk(LVM_KS)));
    const plain = planBootloader(parseOk("part /boot --size=256\npart / --size=1024\n"), planLayout(parseOk("part /boot --size=256\npart / --size=1024\n")));
    expect(grubConfigSource(own, guest)).toBe("template");
    expect(grubConfigSource(bootPart, guest)).toBe("template");
    expect(grubConfigSource(plain, guest)).toBe("guest grub-mkconfig");
    expect(grubConfigSource(plain, { mkconfig: null })).toBe("template");
    const kernel = { version: "6.1.0-1", kernel: "vmlinuz-6.1.0-1", initrd: "initrd.img-6.1.0-1" };
    const text = renderGrubCfg({ plan: own, kernels: [kernel], osName: "Debian", passwordHash: null });
    expect(text).toContain("insmod part_gpt\ninsmod lvm\ninsmod xfs\n");
    expect(text).toContain(`search --no-floppy --fs-uuid --set=root ${own.boot!.uuid}\n`);
    expect(text).toContain("linux /vmlinuz-6.1.0-1 root=/dev/mapper/vg0-root ro rd.lvm.lv=vg0/root");
    expect(renderGrubCfg({ plan: bootPart, kernels: [kernel], osName: "Debian", passwordHash: null })).not.toContain("insmod lvm");
  });

  it("bootloader --extlinux with /boot inside the VG is refused at the logical volume's line (extlinux reads no LVM)", () => {
    const ks = parseOk(`clearpart --all --disklabel=msdos\n${BOOT_IN_VG}bootloader --extlinux\n`);
    expect(() => planBootloader(ks, planLayout(ks))).toThrow(/^bootloader --extlinux: \/ \(which holds \/boot, as there is no \/boot partition\) is on logical volume vg0\/root, and extlinux cannot read a volume group/);
    try {
      planBootloader(ks, planLayout(ks));
      expect.unreachable();
    } catch (e) {
      expect((e as PlanError).pos).toMatchObject({ line: 4 });
    }
  });

  it("lvm2 is added to %packages with a warning when LVM is used and it is missing; left alone otherwise", () => {
    const layout = planLayout(parseOk(LVM_KS));
    const source = { backend: "apt", selection: { packages: ["linux-image-amd64"] } } as unknown as AptSource;
    const r = withLvmPackage(source, layout);
    expect(r.source.selection.packages).toEqual(["linux-image-amd64", "lvm2"]);
    expect(r.warning).toMatch(/%packages lacks lvm2: added, because the image's initramfs must activate volume group my-vg/);
    expect(withLvmPackage(r.source, layout).warning).toBeNull();
    expect(withLvmPackage(source, planLayout(parseOk("part / --size=100\n"))).source).toBe(source);
  });
});
