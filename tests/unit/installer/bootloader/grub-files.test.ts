// The files the boot loader step writes: /etc/default/grub, the grub.cfg template, extlinux.conf, and grub.cfg fixes.
import { describe, expect, it } from "vitest";
import { KsimageError } from "../../../../src/errors.js";
import { defaultGrubSettings, editDefaultGrub, shellDoubleQuote } from "../../../../src/installer/bootloader/default-grub.js";
import { renderExtlinuxConf } from "../../../../src/installer/bootloader/extlinux.js";
import { assertNoHostDevices, fixBlsEntry, rewriteRootDevice, unrestrictEntries } from "../../../../src/installer/bootloader/grub-cfg-fix.js";
import { bootPath, grubCfgData, kernelCommandLine, renderGrubCfg } from "../../../../src/installer/bootloader/grub-cfg.js";
import { grubSerialCommand, serialConsole, splitKernelArgs } from "../../../../src/installer/bootloader/kernel-args.js";
import { compareVersions, pickKernels } from "../../../../src/installer/bootloader/kernels.js";
import { parseMkpasswdOutput, usersScript } from "../../../../src/installer/bootloader/password.js";
import { planBootloader } from "../../../../src/installer/bootloader/plan.js";
import { planLayout } from "../../../../src/partition/layout.js";
import { parseOk } from "../../../helpers/ks.js";

const MSDOS = "part /boot --fstype=ext4 --size=256\npart / --fstype=ext4 --size=1024\n";
const ROOT_ONLY = "part / --fstype=xfs --size=1024\n";
const plan = (text: string) => {
  const ks = parseOk(text);
  return planBootloader(ks, planLayout(ks, { seed: "42" }));
};
const KERNEL = { version: "6.1.0-37-amd64", kernel: "vmlinuz-6.1.0-37-amd64", initrd: "initrd.img-6.1.0-37-amd64" };

describe("kernel arguments and the serial console", () => {
  it.each([
    [null, []],
    ["", []],
    ['console=ttyS0,115200n8  quiet foo="a b"', ["console=ttyS0,115200n8", "quiet", 'foo="a b"']],
  ] as const)("splitKernelArgs(%j)", (append, args) => {
    expect(splitKernelArgs(append)).toEqual(args);
  });

  it.each([
    [["console=ttyS0,115200n8"], { unit: 0, speed: 115200, parity: "no", word: 8 }],
    [["console=ttyS1"], { unit: 1, speed: 9600, parity: "no", word: 8 }],
    [["console=ttyS0,19200e7", "console=tty0"], { unit: 0, speed: 19200, parity: "even", word: 7 }],
    [["console=ttyS0,9600", "console=ttyS2,57600o"], { unit: 2, speed: 57600, parity: "odd", word: 8 }],
    [["console=tty0"], null],
    [["console=ttyAMA0"], null],
    [[], null],
  ] as const)("serialConsole(%j)", (args, serial) => {
    expect(serialConsole(args)).toEqual(serial);
  });

  it("grubSerialCommand", () => {
    expect(grubSerialCommand({ unit: 0, speed: 115200, parity: "no", word: 8 })).toBe("serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1");
  });
});

describe("/etc/default/grub", () => {
  it("settings from the plan: default, timeout, cmdline, serial terminal, no os-prober", () => {
    expect(defaultGrubSettings(plan(`${MSDOS}bootloader --default=0 --timeout=1 --append="console=tty0 console=ttyS0,115200n8"\n`))).toEqual([
      ["GRUB_DEFAULT", "0"],
      ["GRUB_TIMEOUT", "1"],
      ["GRUB_CMDLINE_LINUX", "console=tty0 console=ttyS0,115200n8"],
      ["GRUB_TERMINAL", "console serial"],
      ["GRUB_SERIAL_COMMAND", "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1"],
      ["GRUB_DISABLE_OS_PROBER", "true"],
    ]);
    expect(defaultGrubSettings(plan(MSDOS))).toEqual([["GRUB_DISABLE_OS_PROBER", "true"]]);
  });

  it("replaces existing keys in place, leaves comments, appends the rest", () => {
    const debian = '# If you change this file, run update-grub\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n#GRUB_TERMINAL=console\n';
    expect(editDefaultGrub(debian, [["GRUB_TIMEOUT", "1"], ["GRUB_CMDLINE_LINUX", "console=ttyS0"], ["GRUB_TERMINAL", "console serial"]])).toBe(
      '# If you change this file, run update-grub\nGRUB_DEFAULT=0\nGRUB_TIMEOUT="1"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="console=ttyS0"\n#GRUB_TERMINAL=console\n' +
        "# Set by ksimage from the kickstart's bootloader line.\n" +
        'GRUB_TERMINAL="console serial"\n',
    );
  });

  it("creates the file when the guest has none, and quotes for the shell", () => {
    expect(editDefaultGrub("", [["GRUB_CMDLINE_LINUX", 'a="b c" $x `y` \\']])).toBe(
      "# Set by ksimage from the kickstart's bootloader line.\n" + 'GRUB_CMDLINE_LINUX="a=\\"b c\\" \\$x \\`y\\` \\\\"\n',
    );
    expect(shellDoubleQuote("plain")).toBe('"plain"');
  });
});

describe("grub.cfg from the template", () => {
  it("separate /boot: kernel paths relative to it, root by UUID, serial terminal, one entry per kernel", () => {
    const p = plan(`${MSDOS}bootloader --timeout=1 --append="console=ttyS0,115200n8"\n`);
    const text = renderGrubCfg({ plan: p, kernels: [KERNEL], osName: "Debian GNU/Linux 12 (bookworm)", passwordHash: null });
    expect(text).toBe(
      [
        "# GRUB configuration written by ksimage from templates/grub.cfg.hbs,",
        "# because the image had no grub-mkconfig. Root and /boot are named by UUID.",
        "set default=0",
        "set timeout=1",
        "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1",
        "terminal_input console serial",
        "terminal_output console serial",
        "insmod part_msdos",
        "insmod part_gpt",
        "insmod ext2",
        'if [ "$grub_platform" = "efi" ]; then',
        "\tinsmod all_video",
        "fi",
        `search --no-floppy --fs-uuid --set=root ${p.boot!.uuid}`,
        "",
        "menuentry 'Debian GNU/Linux 12 (bookworm), with Linux 6.1.0-37-amd64' --unrestricted {",
        "\techo 'Loading /vmlinuz-6.1.0-37-amd64 ...'",
        `\tlinux /vmlinuz-6.1.0-37-amd64 root=UUID=${p.root!.uuid} ro console=ttyS0,115200n8`,
        "\tinitrd /initrd.img-6.1.0-37-amd64",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("root-only xfs: /boot paths, xfs module, default timeout 5, the password block", () => {
    const p = plan(ROOT_ONLY);
    const hash = "grub.pbkdf2.sha512.10000.AA.BB";
    const data = grubCfgData({ plan: p, kernels: [KERNEL, { version: "6.1.0-1", kernel: "vmlinuz-6.1.0-1", initrd: null }], osName: "It's Linux", passwordHash: hash });
    expect(data).toMatchObject({ default: "0", timeout: 5, fsModule: "xfs", serialCommand: null, passwordHash: hash });
    expect(data.entries.map((e) => [e.title, e.kernel, e.initrd])).toEqual([
      ["Its Linux, with Linux 6.1.0-37-amd64", "/boot/vmlinuz-6.1.0-37-amd64", "/boot/initrd.img-6.1.0-37-amd64"],
      ["Its Linux, with Linux 6.1.0-1", "/boot/vmlinuz-6.1.0-1", null],
    ]);
    const text = renderGrubCfg({ plan: p, kernels: [KERNEL], osName: "Linux", passwordHash: hash });
    expect(text).toContain(`set superusers="root"\npassword_pbkdf2 root ${hash}\n`);
    expect(text).not.toContain("terminal_output");
  });

  it("btrfs subvolume: paths inside the subvolume and rootflags", () => {
    const p = plan("part btrfs.01 --size=2048\nbtrfs none --label=fs btrfs.01\nbtrfs / --subvol --name=root LABEL=fs\n");
    expect(bootPath(p, "grub")).toBe("/root/boot/grub");
    expect(kernelCommandLine(p)).toBe(`root=UUID=${p.root!.uuid} ro rootflags=subvol=root`);
  });
});

describe("extlinux.conf", () => {
  it("serial first, timeout in tenths, root by UUID", () => {
    const p = plan(`${MSDOS}bootloader --extlinux --timeout=2 --append="console=ttyS0,115200"\n`);
    expect(renderExtlinuxConf(p, [KERNEL], "Debian", p.serial)).toBe(
      [
        "SERIAL 0 115200",
        "# extlinux configuration written by ksimage from templates/extlinux.conf.hbs.",
        "# Root is named by UUID, so the image boots from any disk controller.",
        "PROMPT 1",
        "TIMEOUT 20",
        "DEFAULT linux0",
        "",
        "LABEL linux0",
        "\tMENU LABEL Debian, with Linux 6.1.0-37-amd64",
        "\tLINUX /vmlinuz-6.1.0-37-amd64",
        "\tINITRD /initrd.img-6.1.0-37-amd64",
        `\tAPPEND root=UUID=${p.root!.uuid} ro console=ttyS0,115200`,
        "",
      ].join("\n"),
    );
  });

  it("--timeout=0 boots at once (PROMPT 0, no TIMEOUT: 0 would wait forever)", () => {
    const p = plan(`${MSDOS}bootloader --extlinux --timeout=0\n`);
    const text = renderExtlinuxConf(p, [KERNEL], "Debian", null);
    expect(text).toContain("PROMPT 0\nDEFAULT linux0\n");
    expect(text).not.toContain("TIMEOUT");
  });
});

describe("making grub-mkconfig's output safe", () => {
  const uuid = "70e05971-78f1-4c64-b302-417b011d73e6";

  it("rewrites root=/dev/loopNpM, mapper and nbd paths to root=UUID=", () => {
    expect(rewriteRootDevice("linux /vmlinuz root=/dev/loop12p2 ro quiet\nlinux /v root=/dev/mapper/loop0p2 ro\nroot=/dev/nbd0p1", uuid)).toBe(
      `linux /vmlinuz root=UUID=${uuid} ro quiet\nlinux /v root=UUID=${uuid} ro\nroot=UUID=${uuid}`,
    );
    expect(rewriteRootDevice(`root=UUID=${uuid} ro`, "other")).toBe(`root=UUID=${uuid} ro`);
  });

  it("refuses a file that still names a build-host device, with the line", () => {
    expect(() => assertNoHostDevices("set root='hd0,msdos2'\nsearch --set=root /dev/loop3p1\n", "/x/grub.cfg")).toThrow(KsimageError);
    expect(() => assertNoHostDevices("a\nsearch --set=root /dev/loop3p1\n", "/x/grub.cfg")).toThrow('/x/grub.cfg line 2 names a device of the build host (/dev/loop3p1): "search --set=root /dev/loop3p1"');
    expect(() => assertNoHostDevices(`linux /vmlinuz root=UUID=${uuid} ro\n`, "/x/grub.cfg")).not.toThrow();
  });

  it("adds --unrestricted to menu entries and submenus once", () => {
    const cfg = [
      "menuentry 'Debian GNU/Linux' --class debian --class gnu-linux $menuentry_id_option 'gnulinux-simple-x' {",
      "\tlinux /vmlinuz",
      "}",
      "submenu 'Advanced options' $menuentry_id_option 'gnulinux-advanced-x' {",
      "\tmenuentry 'Debian, with Linux 6.1' --class debian {",
      "\t}",
      "}",
      "menuentry 'Already' --unrestricted {",
      "}",
    ].join("\n");
    expect(unrestrictEntries(cfg).split("\n").filter((l) => l.includes("{"))).toEqual([
      "menuentry 'Debian GNU/Linux' --class debian --class gnu-linux $menuentry_id_option 'gnulinux-simple-x' --unrestricted {",
      "submenu 'Advanced options' $menuentry_id_option 'gnulinux-advanced-x' --unrestricted {",
      "\tmenuentry 'Debian, with Linux 6.1' --class debian --unrestricted {",
      "menuentry 'Already' --unrestricted {",
    ]);
  });

  it("fixes a BLS entry's options line: root by UUID, --append arguments once", () => {
    const entry = "title Fedora Linux\nversion 6.8\nlinux /vmlinuz-6.8\noptions root=/dev/loop0p3 ro rhgb console=tty0\ninitrd /initramfs-6.8.img\n";
    expect(fixBlsEntry(entry, uuid, ["console=tty0", "console=ttyS0,115200"])).toBe(
      `title Fedora Linux\nversion 6.8\nlinux /vmlinuz-6.8\noptions root=UUID=${uuid} ro rhgb console=tty0 console=ttyS0,115200\ninitrd /initramfs-6.8.img\n`,
    );
  });
});

describe("kernels in /boot", () => {
  it("pairs Debian and Fedora initrds, newest first, rescue last", () => {
    expect(
      pickKernels([
        "config-6.1.0-9-amd64",
        "vmlinuz-6.1.0-9-amd64",
        "initrd.img-6.1.0-9-amd64",
        "vmlinuz-6.1.0-37-amd64",
        "initrd.img-6.1.0-37-amd64",
        "vmlinuz-0-rescue-abc",
        "initramfs-0-rescue-abc.img",
        "vmlinuz-6.8.5-301.fc40.x86_64",
        "initramfs-6.8.5-301.fc40.x86_64.img",
        "System.map-6.1.0-37-amd64",
      ]).map((k) => [k.kernel, k.initrd]),
    ).toEqual([
      ["vmlinuz-6.8.5-301.fc40.x86_64", "initramfs-6.8.5-301.fc40.x86_64.img"],
      ["vmlinuz-6.1.0-37-amd64", "initrd.img-6.1.0-37-amd64"],
      ["vmlinuz-6.1.0-9-amd64", "initrd.img-6.1.0-9-amd64"],
      ["vmlinuz-0-rescue-abc", "initramfs-0-rescue-abc.img"],
    ]);
  });

  it.each([
    ["6.1.0-37", "6.1.0-9", 1],
    ["6.1.0-9", "6.1.0-37", -1],
    ["6.1", "6.1.0", -1],
    ["6.1.0", "6.1.0", 0],
  ] as const)("compareVersions(%s, %s) has sign %d", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe("the boot loader password", () => {
  it("parses grub-mkpasswd-pbkdf2's output", () => {
    const hash = "grub.pbkdf2.sha512.10000.79086D99.D3CDAF2F";
    expect(parseMkpasswdOutput(`Enter password: \nReenter password: \nPBKDF2 hash of your password is ${hash}\n`)).toBe(hash);
    expect(() => parseMkpasswdOutput("Enter password: \n")).toThrow(/printed no grub.pbkdf2.sha512 hash/);
  });

  it("the users script declares root as superuser", () => {
    expect(usersScript("grub.pbkdf2.sha512.1.A.B")).toBe(
      "#!/bin/sh\n# Written by ksimage from the kickstart's bootloader --password: GRUB's superuser.\ncat <<'EOF'\nset superusers=\"root\"\npassword_pbkdf2 root grub.pbkdf2.sha512.1.A.B\nEOF\n",
    );
  });
});
