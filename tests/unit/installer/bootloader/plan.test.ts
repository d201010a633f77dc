// planBootloader: every firmware case, the bootloader options, errors, and the "why" text the user sees.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../../src/errors.js";
import { describeBootloader, planBootloader, type BootloaderPlanOptions } from "../../../../src/installer/bootloader/plan.js";
import { planLayout } from "../../../../src/partition/layout.js";
import { parseOk } from "../../../helpers/ks.js";

const MSDOS = "part /boot --fstype=ext4 --size=256\npart / --fstype=ext4 --size=1024\n";
const HYBRID = "part biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=100\npart / --fstype=ext4 --size=1024\n";
const GPT_ESP_ONLY = "clearpart --all --disklabel=gpt\npart /boot/efi --fstype=efi --size=100\npart / --fstype=ext4 --size=1024\n";
const GPT_BIOSBOOT_ONLY = "part biosboot --fstype=biosboot --size=1\npart / --fstype=ext4 --size=1024\n";
const GPT_NEITHER = "clearpart --all --disklabel=gpt\npart / --fstype=ext4 --size=1024\n";
const MSDOS_ESP = "part /boot/efi --fstype=efi --size=100\npart / --fstype=ext4 --size=1024\n";

function plan(text: string, opts: BootloaderPlanOptions = {}) {
  const ks = parseOk(text);
  return planBootloader(ks, planLayout(ks, { seed: "42" }), opts);
}

function planError(text: string, opts: BootloaderPlanOptions = {}): PlanError {
  try {
    plan(text, opts);
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("expected a PlanError");
}

describe("planBootloader: firmware from the layout", () => {
  it("msdos without ESP: GRUB for BIOS into the MBR gap, /boot separate", () => {
    const p = plan(`${MSDOS}bootloader --location=mbr\n`);
    expect(p).toMatchObject({
      loader: "grub2",
      firmware: "bios",
      disk: "sda",
      bios: { disk: "sda", target: "mbr-gap", partition: null },
      uefi: null,
      separateBoot: true,
      boot: { disk: "sda", partition: 1, fstype: "ext4", subvol: null },
      root: { disk: "sda", partition: 2, fstype: "ext4" },
    });
    expect(p.why).toEqual([
      "the bootloader line asks for GRUB 2",
      "disk sda is msdos without an EFI system partition: GRUB is installed for BIOS",
      "BIOS: GRUB's boot code (grub-install --target=i386-pc) goes into the MBR and the gap before the first partition of disk sda",
      `root=UUID=${p.root!.uuid}; kernel and initrd are read from the /boot filesystem (UUID ${p.boot!.uuid})`,
    ]);
  });

  it("gpt with biosboot and ESP: hybrid by default, both targets, ESP offset in bytes", () => {
    const p = plan(HYBRID);
    expect(p).toMatchObject({
      loader: "grub2",
      firmware: "hybrid",
      bios: { disk: "sda", target: "biosboot", partition: 1 },
      uefi: { disk: "sda", partition: 2, offsetBytes: 4096 * 512, path: "EFI/BOOT/BOOTX64.EFI" },
      separateBoot: false,
      boot: { partition: 3 },
    });
    expect(p.why[0]).toBe("the kickstart has no bootloader line: GRUB 2 is installed, as anaconda does by default");
    expect(p.why[1]).toBe("disk sda is gpt with a biosboot partition and an EFI system partition: hybrid, it boots with BIOS and with UEFI (the default for gpt)");
    expect(p.why[3]).toMatch(/^UEFI: a GRUB image \(grub-mkimage -O x86_64-efi\) is written as EFI\/BOOT\/BOOTX64.EFI on the EFI system partition 2 of disk sda with mtools/);
    expect(p.why[4]).toBe(`root=UUID=${p.root!.uuid}; kernel and initrd are read from /boot on the root filesystem`);
  });

  it("gpt with only an ESP: UEFI only, and says how to add BIOS", () => {
    const p = plan(GPT_ESP_ONLY);
    expect(p).toMatchObject({ firmware: "uefi", bios: null, uefi: { partition: 1 } });
    expect(p.why[1]).toBe("disk sda is gpt with an EFI system partition but no biosboot partition: UEFI only (add: part biosboot --fstype=biosboot --size=1 to boot with BIOS too)");
  });

  it("gpt with only biosboot: BIOS only, and says how to add UEFI", () => {
    const p = plan(GPT_BIOSBOOT_ONLY);
    expect(p).toMatchObject({ firmware: "bios", bios: { target: "biosboot", partition: 1 }, uefi: null });
    expect(p.why[1]).toMatch(/gpt with a biosboot partition but no EFI system partition: BIOS only \(add: part \/boot\/efi/);
  });

  it("msdos with an ESP: hybrid (MBR gap + ESP)", () => {
    const p = plan(MSDOS_ESP);
    expect(p).toMatchObject({ firmware: "hybrid", bios: { target: "mbr-gap" }, uefi: { partition: 1, offsetBytes: 2048 * 512 } });
  });

  it("gpt with neither: a PlanError that suggests both", () => {
    const e = planError(GPT_NEITHER);
    expect(e.message).toBe("disk sda is gpt but has neither a biosboot partition (for BIOS) nor an EFI system partition (for UEFI): nothing could boot it");
    expect(e.hint).toMatch(/part biosboot .* and part \/boot\/efi/);
  });
});

describe("planBootloader: an explicit firmware target", () => {
  it("uefi on a hybrid layout: only the ESP gets a loader", () => {
    const p = plan(HYBRID, { firmware: "uefi" });
    expect(p).toMatchObject({ firmware: "uefi", bios: null, uefi: { partition: 2 } });
    expect(p.why[1]).toBe("the firmware target uefi was asked for");
  });

  it.each([
    [GPT_ESP_ONLY, "bios", /firmware bios: gpt disk sda has no biosboot partition/],
    [GPT_BIOSBOOT_ONLY, "uefi", /firmware uefi: no disk has an EFI system partition/],
    [GPT_BIOSBOOT_ONLY, "hybrid", /firmware hybrid: no disk has an EFI system partition/],
    [MSDOS, "uefi", /firmware uefi: no disk has an EFI system partition/],
  ] as const)("refuses what the layout cannot do (%#)", (ks, firmware, message) => {
    expect(planError(ks, { firmware }).message).toMatch(message);
  });
});

describe("planBootloader: bootloader options", () => {
  it("--location=none and --disabled: no loader, and says the image cannot boot", () => {
    expect(plan(`${MSDOS}bootloader --location=none\n`)).toMatchObject({
      loader: "none",
      firmware: null,
      bios: null,
      uefi: null,
      why: ["bootloader --location=none: no boot loader is installed, so the image cannot boot by itself"],
    });
    expect(plan(`${MSDOS}bootloader --disabled\n`).why).toEqual(["bootloader --disabled: no boot loader is installed or configured, so the image cannot boot by itself"]);
  });

  it("--append, --timeout, --default: kernel arguments split, serial console found", () => {
    const p = plan(`${MSDOS}bootloader --timeout=1 --default=0 --append="console=tty0 console=ttyS0,115200n8 quiet"\n`);
    expect(p).toMatchObject({
      kernelArgs: ["console=tty0", "console=ttyS0,115200n8", "quiet"],
      timeout: 1,
      defaultEntry: "0",
      serial: { unit: 0, speed: 115200, parity: "no", word: 8 },
    });
    expect(p.why).toContain("--append names console=ttyS0: GRUB's own menu goes to serial port 0 at 115200 baud too");
  });

  it("no serial console in --append: GRUB stays on the screen", () => {
    expect(plan(`${MSDOS}bootloader --append="console=tty0 quiet"\n`).serial).toBeNull();
  });

  it("--password: the plan says a password is set but never holds it", () => {
    const p = plan(`${MSDOS}bootloader --password=s3cret\n`);
    expect(p.password).toEqual({ hashed: false });
    expect(JSON.stringify(p)).not.toContain("s3cret");
    expect(p.why).toContain("--password: editing entries and the GRUB command line need the superuser root; the entries boot without it");
  });

  it("--iscrypted needs a grub.pbkdf2 hash", () => {
    const hash = "grub.pbkdf2.sha512.10000.ABCDEF.012345";
    expect(plan(`${MSDOS}bootloader --iscrypted --password=${hash}\n`).password).toEqual({ hashed: true });
    expect(planError(`${MSDOS}bootloader --md5pass=$1$abc$def\n`).message).toMatch(/GRUB 2 accepts only a grub.pbkdf2.sha512... hash/);
  });

  it("--nombr: no BIOS boot code; a hybrid layout still boots with UEFI", () => {
    expect(plan(`${MSDOS}bootloader --nombr\n`)).toMatchObject({ loader: "grub2", firmware: null, bios: null });
    const p = plan(`${HYBRID}bootloader --nombr\n`);
    expect(p).toMatchObject({ firmware: "uefi", bios: null, uefi: { partition: 2 } });
    expect(p.why).toContain("--nombr: no boot code is written for BIOS (biosboot partition left empty); the configuration is still written");
  });

  it("--location=partition: a warning, and the boot code still goes to the MBR", () => {
    const p = plan(`${MSDOS}bootloader --location=partition\n`);
    expect(p.bios).toMatchObject({ target: "mbr-gap" });
    expect(p.warnings).toEqual(["bootloader --location=partition: GRUB 2's boot code goes into the MBR instead (an appliance disk has no other boot loader to chain from)"]);
  });

  it("--leavebootorder is explained for UEFI", () => {
    expect(plan(`${HYBRID}bootloader --leavebootorder\n`).why).toContain("--leavebootorder: nothing to leave, the removable path needs no NVRAM boot entry");
  });

  it("--sdboot is refused with a hint", () => {
    const e = planError(`${HYBRID}bootloader --sdboot\n`);
    expect([e.message, e.hint]).toEqual(["bootloader --sdboot: ksimage does not install systemd-boot", "remove --sdboot to get GRUB 2 for BIOS and UEFI"]);
  });

  it("--boot-drive picks the disk; an unknown one is an error", () => {
    const two = "part / --fstype=ext4 --size=1024 --ondisk=sda\npart /srv --fstype=ext4 --size=100 --ondisk=sdb\n";
    expect(plan(`${two}bootloader --boot-drive=sdb\n`)).toMatchObject({ disk: "sdb", bios: { disk: "sdb", target: "mbr-gap" } });
    expect(plan(`${two}bootloader\n`).disk).toBe("sda");
    expect(planError(`${two}bootloader --boot-drive=vdz\n`).message).toBe("bootloader --boot-drive=vdz: no partition is on that disk (disks: sda, sdb)");
  });

  it("btrfs root subvolume: boot and root carry the subvolume", () => {
    const p = plan("part btrfs.01 --size=2048\nbtrfs none --label=fs btrfs.01\nbtrfs / --subvol --name=root LABEL=fs\n");
    expect(p.root).toMatchObject({ fstype: "btrfs", subvol: "root" });
    expect(p.boot).toMatchObject({ fstype: "btrfs", subvol: "root" });
  });
});

describe("planBootloader: extlinux", () => {
  it("msdos: extlinux for BIOS, serial console too", () => {
    const p = plan(`${MSDOS}bootloader --extlinux --append="console=ttyS1,9600"\n`);
    expect(p).toMatchObject({ loader: "extlinux", firmware: "bios", bios: { target: "mbr-gap" }, uefi: null, serial: { unit: 1, speed: 9600 } });
    expect(p.why.slice(0, 2)).toEqual([
      "the bootloader line asks for extlinux (--extlinux)",
      "extlinux boots only with BIOS: its boot code goes into the MBR of disk sda, extlinux itself into /boot/extlinux",
    ]);
  });

  it("warns that the ESP stays empty and the password is not applied", () => {
    expect(plan(`${MSDOS_ESP}bootloader --extlinux --password=x\n`).warnings).toEqual([
      "bootloader --extlinux: the EFI system partition stays empty (extlinux has no UEFI loader)",
      "bootloader --password is not applied to extlinux: its menu stays unprotected",
    ]);
  });

  it("refuses gpt and UEFI targets", () => {
    expect(planError(`${HYBRID}bootloader --extlinux\n`).message).toBe("bootloader --extlinux: disk sda is gpt; ksimage installs extlinux only on msdos disks");
    expect(planError(`${MSDOS}bootloader --extlinux\n`, { firmware: "uefi" }).message).toBe("bootloader --extlinux boots only with BIOS, not uefi");
  });
});

describe("describeBootloader", () => {
  it("a headline, the reasons, then the warnings", () => {
    const lines = describeBootloader(plan(`${HYBRID}bootloader --location=partition\n`));
    expect(lines[0]).toBe("boot loader: grub2 for BIOS and UEFI (hybrid) on disk sda");
    expect(lines[1]).toBe("  - the bootloader line asks for GRUB 2");
    expect(lines.at(-1)).toMatch(/^ {2}warning: bootloader --location=partition/);
    expect(describeBootloader(plan(`${MSDOS}bootloader --location=none\n`))[0]).toBe("boot loader: none");
  });
});
