// The descriptors of a live ISO: virt-image XML with the ISO as a cdrom disk (format="iso"), and a libvirt domain booting the CD-ROM.
import type { Ovmf } from "../output/ovmf.js";
import { buildXml, type XmlNode } from "../output/xml.js";

/** The machine the descriptors state. */
export interface LiveMachine {
  name: string;
  version: string | null;
  release: string | null;
  arch: string;
  vcpu: number;
  memoryMiB: number;
  interfaces: number;
  /** The ISO's file name in the appliance directory. */
  isoFile: string;
  sha256?: string;
}

// virt-image: boot from the cdrom drive hdc, the storage disk is the ISO (format="iso", as the grammar defines it).
export function liveVirtImageXml(m: LiveMachine): string {
  const name: XmlNode = { "#text": m.name };
  if (m.version !== null) name["@_version"] = m.version;
  if (m.release !== null) name["@_release"] = m.release;
  const disk: XmlNode = { "@_file": m.isoFile, "@_use": "system", "@_format": "iso" };
  if (m.sha256 !== undefined) disk.checksum = { "@_type": "sha256", "#text": m.sha256 };
  return buildXml({
    image: {
      name,
      domain: {
        boot: {
          "@_type": "hvm",
          guest: { arch: m.arch },
          os: { loader: { "@_dev": "cdrom" } },
          drive: [{ "@_disk": m.isoFile, "@_target": "hdc" }],
        },
        devices: {
          vcpu: m.vcpu,
          memory: m.memoryMiB * 1024,
          ...(m.interfaces > 0 ? { interface: Array.from({ length: m.interfaces }, () => "") } : {}),
          graphics: "",
        },
      },
      storage: { disk: [disk] },
    },
  });
}

// libvirt: q35 with the ISO on a SATA CD-ROM, booted first; UEFI through OVMF (explicit files, or firmware='efi' when none are known).
export function liveLibvirtXml(m: LiveMachine, isoDir: string, ovmf: Ovmf | null): string {
  const os: XmlNode = { type: { "@_arch": m.arch, "@_machine": "q35", "#text": "hvm" } };
  if (ovmf === null) os["@_firmware"] = "efi";
  else {
    os.loader = { "@_readonly": "yes", "@_type": "pflash", "#text": ovmf.code };
    os.nvram = { "@_template": ovmf.vars };
  }
  os.boot = { "@_dev": "cdrom" };
  const devices: XmlNode = {
    disk: [
      {
        "@_type": "file",
        "@_device": "cdrom",
        driver: { "@_name": "qemu", "@_type": "raw" },
        source: { "@_file": `${isoDir.replace(/\/+$/, "")}/${m.isoFile}` },
        target: { "@_dev": "sda", "@_bus": "sata" },
        readonly: "",
      },
    ],
  };
  if (m.interfaces > 0) devices.interface = Array.from({ length: m.interfaces }, () => ({ "@_type": "network", source: { "@_network": "default" }, model: { "@_type": "virtio" } }));
  devices.serial = { "@_type": "pty", target: { "@_port": "0" } };
  devices.console = { "@_type": "pty", target: { "@_type": "serial", "@_port": "0" } };
  devices.rng = { "@_model": "virtio", backend: { "@_model": "random", "#text": "/dev/urandom" } };
  return buildXml({
    domain: {
      "@_type": "kvm",
      name: m.name,
      memory: { "@_unit": "MiB", "#text": m.memoryMiB },
      vcpu: m.vcpu,
      os,
      features: { acpi: "", apic: "" },
      clock: { "@_offset": "utc" },
      on_poweroff: "destroy",
      on_reboot: "restart",
      on_crash: "destroy",
      devices,
    },
  });
}
