// Build the qemu-system-x86_64 argv of a boot test: no display, no network unless asked, serial console to a file, -snapshot.
import type { OvmfFiles } from "./ovmf.js";

/** Everything the boot test's QEMU command line depends on. */
export interface QemuOptions {
  image: string;
  format: string;
  accel: "kvm" | "tcg";
  memoryMiB: number;
  smp: number;
  /** The guest's first serial port is written here. */
  serialLog: string;
  /** SeaBIOS prints its boot messages ("No bootable device.") on the debug console, port 0x402. */
  firmwareLog: string;
  pidfile: string;
  /** OVMF code and this boot's private copy of the variables: boots with UEFI (q35). */
  uefi: OvmfFiles | null;
  net: boolean;
  /** With the network: forward this loopback port of the host to the guest's SSH port (22). */
  sshPort?: number | null;
  /** Attach the image as a CD-ROM (an ISO) instead of a virtio disk. */
  cdrom?: boolean;
}

/** QEMU's option parser splits on commas; a literal comma in a value is written twice. */
export function qemuEscape(value: string): string {
  return value.replace(/,/g, ",,");
}

/** The argv. -snapshot keeps the image untouched by the first boot; -no-reboot ends QEMU when the guest resets. */
export function qemuArgs(o: QemuOptions): string[] {
  return [
    "qemu-system-x86_64",
    "-name",
    "ksimage-boot",
    "-accel",
    o.accel,
    // -cpu host only with real KVM; TCG keeps QEMU's default model (HOST-NOTES: -cpu max/host abort under PVM).
    ...(o.accel === "kvm" ? ["-cpu", "host"] : []),
    ...(o.uefi ? ["-machine", "q35"] : []),
    "-m",
    String(o.memoryMiB),
    "-smp",
    String(o.smp),
    "-nic",
    o.net ? `user,model=virtio-net-pci${o.sshPort ? `,hostfwd=tcp:127.0.0.1:${o.sshPort}-:22` : ""}` : "none",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    `file:${o.serialLog}`,
    "-debugcon",
    `file:${o.firmwareLog}`,
    "-global",
    "isa-debugcon.iobase=0x402",
    "-pidfile",
    o.pidfile,
    "-no-reboot",
    "-snapshot",
    ...(o.uefi
      ? ["-drive", `if=pflash,format=raw,readonly=on,file=${qemuEscape(o.uefi.code)}`, "-drive", `if=pflash,format=raw,file=${qemuEscape(o.uefi.vars)}`]
      : []),
    "-drive",
    o.cdrom ? `file=${qemuEscape(o.image)},format=${o.format},media=cdrom,readonly=on` : `file=${qemuEscape(o.image)},format=${o.format},if=virtio`,
  ];
}
