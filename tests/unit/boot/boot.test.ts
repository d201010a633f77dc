// ksimage boot, pure parts: QEMU argv, accelerator choice, OVMF and format detection, console verdicts, CLI values.
import { describe, expect, it } from "vitest";
import { chooseAccelerator } from "../../../src/boot/accel.js";
import { worthAnotherAttempt } from "../../../src/boot/boot-image.js";
import { bootSectorArgs, hasBootCode } from "../../../src/boot/boot-sector.js";
import { judgeConsole, lastHandover, lastLines, stripAnsi } from "../../../src/boot/console-watch.js";
import { parseImageFormat, qemuImgInfoArgs } from "../../../src/boot/image-format.js";
import { pickOvmf } from "../../../src/boot/ovmf.js";
import { qemuArgs, qemuEscape, type QemuOptions } from "../../../src/boot/qemu-args.js";
import { keyscanArgs, mergeKeys, parseKeyscan, WANTED_KEY_TYPES } from "../../../src/boot/ssh-probe.js";
import { bootFailure, parseAttempts, parseMemory, parseTimeout } from "../../../src/cli/boot.js";
import { UsageError } from "../../../src/errors.js";

const base: QemuOptions = {
  image: "/out/a.qcow2",
  format: "qcow2",
  accel: "tcg",
  memoryMiB: 1024,
  smp: 2,
  serialLog: "/t/serial.log",
  firmwareLog: "/t/firmware.log",
  pidfile: "/t/qemu.pid",
  uefi: null,
  net: false,
};
const common = ["-m", "1024", "-smp", "2"];
const io = ["-display", "none", "-monitor", "none", "-serial", "file:/t/serial.log", "-debugcon", "file:/t/firmware.log", "-global", "isa-debugcon.iobase=0x402", "-pidfile", "/t/qemu.pid", "-no-reboot", "-snapshot"];

describe("qemuArgs", () => {
  it("BIOS under TCG: no network, serial to a file, -snapshot, virtio disk in its format", () => {
    expect(qemuArgs(base)).toEqual([
      "qemu-system-x86_64", "-name", "ksimage-boot", "-accel", "tcg", ...common, "-nic", "none", ...io,
      "-drive", "file=/out/a.qcow2,format=qcow2,if=virtio",
    ]);
  });

  it("UEFI under KVM with a network: q35, -cpu host, OVMF code read-only and a private vars copy", () => {
    expect(qemuArgs({ ...base, accel: "kvm", net: true, format: "vmdk", image: "/out/a.vmdk", uefi: { code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/t/OVMF_VARS.fd" } })).toEqual([
      "qemu-system-x86_64", "-name", "ksimage-boot", "-accel", "kvm", "-cpu", "host", "-machine", "q35", ...common,
      "-nic", "user,model=virtio-net-pci", ...io,
      "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
      "-drive", "if=pflash,format=raw,file=/t/OVMF_VARS.fd",
      "-drive", "file=/out/a.vmdk,format=vmdk,if=virtio",
    ]);
  });

  it("--ssh: the user network forwards a loopback port of the host to the guest's port 22", () => {
    expect(qemuArgs({ ...base, net: true, sshPort: 40022 })).toContain("user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:40022-:22");
    expect(qemuArgs({ ...base, net: false, sshPort: 40022 })).toContain("none");
  });

  it("doubles commas in paths (QEMU's option syntax)", () => {
    expect(qemuEscape("/a,b/c.raw")).toBe("/a,,b/c.raw");
    expect(qemuArgs({ ...base, image: "/a,b.raw", format: "raw" }).at(-1)).toBe("file=/a,,b.raw,format=raw,if=virtio");
  });
});

describe("chooseAccelerator", () => {
  it.each([
    [{ modules: ["kvm", "kvm_intel"], kvmOpens: true }, "kvm", "kvm_intel is loaded and /dev/kvm opens"],
    [{ modules: ["kvm", "kvm_amd"], kvmOpens: true }, "kvm", "kvm_amd is loaded and /dev/kvm opens"],
    [{ modules: ["kvm", "kvm_intel"], kvmOpens: false, kvmError: "EACCES" }, "tcg", "kvm_intel is loaded but /dev/kvm cannot be opened (EACCES)"],
    [
      { modules: ["kvm", "kvm_pvm"], kvmOpens: true },
      "tcg",
      "/dev/kvm is provided by kvm_pvm, not kvm_intel or kvm_amd: stock guest kernels and OVMF do not run under it",
    ],
    [{ modules: [], kvmOpens: false, kvmError: "ENOENT" }, "tcg", "no KVM module (kvm_intel or kvm_amd) is loaded"],
  ] as const)("%j -> %s", (facts, accel, reason) => {
    expect(chooseAccelerator(facts)).toEqual({ accel, reason });
  });
});

describe("OVMF and the image format", () => {
  const listing = [
    "/usr/share/OVMF/OVMF_CODE.fd",
    "/usr/share/OVMF/OVMF_CODE.secboot.fd",
    "/usr/share/OVMF/OVMF_CODE_4M.fd",
    "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
    "/usr/share/OVMF/OVMF_VARS.fd",
    "/usr/share/OVMF/OVMF_VARS_4M.fd",
    "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
  ];

  it("prefers the 4M pair, never Secure Boot or MS variants", () => {
    expect(pickOvmf(listing)).toEqual({ code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd" });
    expect(pickOvmf(listing.filter((f) => !f.includes("_4M")))).toEqual({ code: "/usr/share/OVMF/OVMF_CODE.fd", vars: "/usr/share/OVMF/OVMF_VARS.fd" });
    expect(pickOvmf(["/usr/share/OVMF/OVMF_CODE_4M.fd"])).toBeNull();
  });

  it("reads the format from qemu-img's JSON and refuses unknown ones", () => {
    expect(qemuImgInfoArgs("/a.vmdk")).toEqual(["qemu-img", "info", "--force-share", "--output=json", "/a.vmdk"]);
    expect(parseImageFormat('{"virtual-size": 2147483648, "filename": "a.vmdk", "format": "vmdk"}', "a.vmdk")).toBe("vmdk");
    expect(() => parseImageFormat('{"format": "luks"}', "a.img")).toThrow("a.img is a luks image; ksimage boot runs raw, qcow2, vmdk, vdi, vhdx, vpc");
  });
});

describe("the console", () => {
  it("strips escape sequences and keeps the last lines", () => {
    expect(stripAnsi("\x1b[2J\x1b[01;01HShell> \x1b[0m\r\n")).toBe("Shell> \n");
    expect(lastLines("a\r\n\nb\nc\n", 2)).toEqual(["b", "c"]);
  });

  it("finds SeaBIOS's last hand-over line even when the firmware goes on logging after it", () => {
    const fw = "Booting from Hard Disk...\nBooting from 0000:7c00\nunimplemented handle_15XX:123:\n   a=0000e980\nenter handle_16:\n";
    expect(lastHandover(fw)).toBe("Booting from 0000:7c00");
    expect(lastHandover("SeaBIOS (version 1.16.2)\nenter handle_19:\n")).toBeNull();
  });

  it.each([
    ["Debian GNU/Linux 12 vm ttyS0\n\nvm login: ", "", { kind: "found" }],
    ["Booting `Debian'\n", "", { kind: "waiting" }],
    ["", "Booting from Hard Disk...\nBoot failed: not a bootable disk\n\nNo bootable device.", { kind: "failed", why: "the BIOS found no boot loader on the disk (No bootable device)" }],
    ["\x1b[01;01HUEFI Interactive Shell v2.2\r\n", "", { kind: "failed", why: "the UEFI firmware found nothing to boot and started its shell (no EFI/BOOT/BOOTX64.EFI?)" }],
    ["error: file `/boot/grub/i386-pc/normal.mod' not found.\ngrub rescue> ", "", { kind: "failed", why: "GRUB started but could not find its modules or grub.cfg (grub rescue>)" }],
    ["[ 3.1] Kernel panic - not syncing: VFS: Unable to mount root fs", "", { kind: "failed", why: "the kernel panicked" }],
    ["ALERT!  UUID=1234 does not exist.  Dropping to a shell!", "", { kind: "failed", why: "the initramfs did not find the root filesystem" }],
    // The expected text wins: a login prompt after a harmless earlier message is a boot.
    ["No bootable device on the floppy\nvm login:", "", { kind: "found" }],
  ] as const)("judgeConsole #%#", (serial, firmware, verdict) => {
    expect(judgeConsole(serial, firmware, "login:")).toEqual(verdict);
  });

  it("an MBR without boot code fails as soon as SeaBIOS hands over to it", () => {
    const fw = "Booting from Hard Disk...\nBooting from 0000:7c00\n";
    expect(judgeConsole("", fw, "login:", { emptyMbr: true })).toEqual({
      kind: "failed",
      why: "the BIOS ran the disk's MBR, which holds no boot code (all zeros): no boot loader is installed for BIOS",
    });
    expect(judgeConsole("", fw, "login:", { emptyMbr: false })).toEqual({ kind: "waiting" });
    expect(judgeConsole("", "Booting from Floppy...\n", "login:", { emptyMbr: true })).toEqual({ kind: "waiting" });
  });

  it("boot sector: qemu-img dd argv, and boot code means any non-zero byte before the partition table", () => {
    expect(bootSectorArgs("/a.vmdk", "vmdk", "/t/mbr.bin")).toEqual(["qemu-img", "dd", "-f", "vmdk", "-O", "raw", "bs=512", "count=1", "if=/a.vmdk", "of=/t/mbr.bin"]);
    const sector = Buffer.alloc(512);
    sector[510] = 0x55;
    sector[511] = 0xaa;
    sector[446] = 0x80; // a partition entry is not boot code
    expect(hasBootCode(sector)).toBe(false);
    sector[0] = 0xeb;
    expect(hasBootCode(sector)).toBe(true);
  });
});

describe("ksimage boot: option values and the failure message", () => {
  it("--timeout and --memory", () => {
    expect(parseTimeout(undefined)).toBe(180);
    expect(parseTimeout("60")).toBe(60);
    expect(() => parseTimeout("1.5")).toThrow(UsageError);
    expect(() => parseTimeout("0")).toThrow('--timeout expects a whole number of seconds, got "0"');
    expect(parseMemory(undefined)).toBe(1024);
    expect(parseMemory("2G")).toBe(2048);
    expect(parseMemory("512M")).toBe(512);
    expect(() => parseMemory("64")).toThrow("--memory 64 is too small to boot Linux (at least 128M)");
  });

  const accel = { accel: "tcg" as const, reason: "no KVM module (kvm_intel or kvm_amd) is loaded" };
  const failed = { ok: false, seconds: 8, accel, format: "raw", firmware: "bios" as const, expect: "login:", failure: "", timedOut: false, attempts: 1, tail: [], handover: null, firmwareTail: [], sshHostKeys: null };
  const timedOut = '"login:" did not appear on the serial console within 60 s';

  it("a failure sign: one sentence naming firmware, accelerator and reason, with a hint", () => {
    const e = bootFailure("a.raw", { ...failed, failure: "the BIOS found no boot loader on the disk (No bootable device)" });
    expect(e.message).toBe("a.raw did not boot with BIOS under TCG: the BIOS found no boot loader on the disk (No bootable device); the serial console stayed empty");
    expect(e.hint).toBe("check the boot loader (ksimage plan shows what is installed and why) and the console above");
  });

  it("a timeout with an empty console after the BIOS hand-over points at the boot loader", () => {
    const e = bootFailure("a.raw", { ...failed, failure: timedOut, handover: "Booting from 0000:7c00" });
    expect(e.message).toBe(`a.raw did not boot with BIOS under TCG: ${timedOut}; the firmware handed over to the disk ("Booting from 0000:7c00") and nothing ever reached the serial console`);
    expect(e.hint).toBe("no boot loader or kernel wrote to ttyS0: is a boot loader installed (ksimage plan shows what is installed and why), and does bootloader --append have console=ttyS0?");
  });

  it("a timeout with console output under TCG suggests a longer --timeout or another attempt", () => {
    const slow = bootFailure("a.qcow2", { ...failed, firmware: "uefi", failure: timedOut, timedOut: true, tail: ["x"] });
    expect(slow.message).toBe(`a.qcow2 did not boot with UEFI under TCG: ${timedOut}`);
    expect(slow.hint).toMatch(/^TCG is slow on a busy host: a longer --timeout or --attempts 2 may help/);
    const twice = bootFailure("a.qcow2", { ...failed, failure: timedOut, timedOut: true, attempts: 2, tail: ["x"] });
    expect(twice.message).toBe(`a.qcow2 did not boot with BIOS under TCG (2 attempts): ${timedOut}`);
    expect(twice.hint).toMatch(/^TCG is slow on a busy host: a longer --timeout may help/);
  });

  it("another attempt only for a boot that ran out of time after the guest wrote to its console", () => {
    const base = { ok: false, timedOut: true, tail: ["[    3.1] Run /init as init process"] };
    expect(worthAnotherAttempt(base)).toBe(true);
    expect(worthAnotherAttempt({ ...base, tail: [] })).toBe(false);
    expect(worthAnotherAttempt({ ...base, timedOut: false })).toBe(false);
    expect(worthAnotherAttempt({ ...base, ok: true })).toBe(false);
  });

  it("--attempts", () => {
    expect(parseAttempts(undefined)).toBe(1);
    expect(parseAttempts("2")).toBe(2);
    expect(() => parseAttempts("0")).toThrow('--attempts expects a whole number from 1 to 5, got "0"');
    expect(() => parseAttempts("6")).toThrow(UsageError);
    expect(() => parseAttempts("1.5")).toThrow(UsageError);
  });
});

describe("ssh-keyscan", () => {
  it("asks for every key type on the forwarded port, with a short timeout", () => {
    expect(keyscanArgs(40022)).toEqual(["ssh-keyscan", "-T", "5", "-p", "40022", "-t", "rsa,ecdsa,ed25519", "127.0.0.1"]);
  });

  it("reads the keys by type and skips comments and noise; nothing before the server listens", () => {
    const out = [
      "# 127.0.0.1:40022 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
      "[127.0.0.1]:40022 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC7==",
      "[127.0.0.1]:40022 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY=",
      "[127.0.0.1]:40022 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG",
      "[127.0.0.1]:40022 garbage not-base64!",
      "",
    ].join("\n");
    expect(parseKeyscan(out).map((k) => k.type)).toEqual(["ecdsa-sha2-nistp256", "ssh-ed25519", "ssh-rsa"]);
    expect(parseKeyscan(out).find((k) => k.type === "ssh-ed25519")?.key).toBe("AAAAC3NzaC1lZDI1NTE5AAAAIG");
    expect(parseKeyscan("")).toEqual([]);
    // Keys from two attempts (one connection of the first timed out): one per type, the first seen kept.
    const first = [{ type: "ssh-ed25519", key: "A" }];
    expect(mergeKeys(first, [{ type: "ssh-rsa", key: "R" }, { type: "ssh-ed25519", key: "B" }, { type: "ecdsa-sha2-nistp256", key: "E" }])).toEqual([
      { type: "ecdsa-sha2-nistp256", key: "E" }, { type: "ssh-ed25519", key: "A" }, { type: "ssh-rsa", key: "R" },
    ]);
    expect(WANTED_KEY_TYPES).toEqual(parseKeyscan(out).map((k) => k.type));
    expect(parseKeyscan("# 127.0.0.1:40022 SSH-2.0-OpenSSH_9.2p1\n")).toEqual([]);
  });
});
