// Booting from LVM: root= the root LV's /dev/mapper path with rd.lvm.lv, GRUB's lvm module when /boot is in the VG, lvm2 added.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { grubInstallArgs } from "../../../src/installer/bootloader/bios.js";
import { assertNoHostDevices, rewriteRootDevice, rootSpec } from "../../../src/installer/bootloader/grub-cfg-fix.js";
import { kernelCommandLine } from "../../../src/installer/bootloader/grub-cfg.js";
import { planBootloader } from "../../../src/installer/bootloader/plan.js";
import { withLvmPackage } from "../../../src/installer/lvm-guest.js";
import type { AptSource } from "../../../src/installer/types.js";
import { planLayout } from "../../../src/partition/layout.js";
import { parseOk } from "../../helpers/ks.js";

const LVM_KS = "part /boot --size=256\npart pv.01 --size=1 --grow\nvolgroup my-vg pv.01\nlogvol / --vgname=my-vg --name=root --size=1024\n";
const BOOT_IN_VG = "part pv.01 --size=1 --grow\nvolgroup vg0 pv.01\nlogvol / --vgname=vg0 --name=root --size=1024\n";

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

  it("/boot inside the VG is refused at the logical volume's line (such an image did not boot); grub-install's lvm module argv", () => {
    const ks = parseOk(BOOT_IN_VG);
    expect(() => planBootloader(ks, planLayout(ks))).toThrow(/^\/ \(which holds \/boot, as there is no \/boot partition\) is on logical volume vg0\/root: booting GRUB from inside a volume group is not built yet/);
    try {
      planBootloader(ks, planLayout(ks));
    } catch (e) {
      expect((e as PlanError).pos).toMatchObject({ line: 3 });
    }
    expect(grubInstallArgs({ kind: "host", modules: "host" }, "/r", "/dev/loop1", ["lvm"])).toEqual(["grub-install", "--target=i386-pc", "--modules=lvm", "--boot-directory=/r/boot", "/dev/loop1"]);
    expect(grubInstallArgs({ kind: "guest", command: "grub-install" }, "/r", "/dev/loop1", ["lvm"])).toEqual(["grub-install", "--target=i386-pc", "--modules=lvm", "/dev/loop1"]);
    expect(grubInstallArgs({ kind: "guest", command: "grub-install" }, "/r", "/dev/loop1")).toEqual(["grub-install", "--target=i386-pc", "/dev/loop1"]);
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
