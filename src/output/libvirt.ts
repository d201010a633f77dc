// The libvirt domain XML <name>.libvirt.xml: a kvm guest to `virsh define`, with the appliance's disks, NICs and a serial console.
// Disk paths are absolute (libvirt requires it); a compressed raw disk is named by its decompressed file, as in the virt-image XML.
import { formatSpec } from "./formats.js";
import type { Ovmf } from "./ovmf.js";
import type { DescribedDisk } from "./plan.js";
import { driveTarget } from "./virt-image.js";
import { buildXml, type XmlNode } from "./xml.js";

/** What the domain is made of. */
export interface DomainSpec {
  name: string;
  arch: string;
  vcpu: number;
  memoryMiB: number;
  /** One virtio NIC on libvirt's "default" network each. */
  interfaces: number;
  /** Absolute directory the disks are in when the domain runs (libvirt wants absolute paths). */
  diskDir: string;
  disks: DescribedDisk[];
  /** UEFI firmware: explicit OVMF files, or null to let libvirt pick (firmware='efi'); undefined for BIOS. */
  uefi?: Ovmf | null;
}

// x86 guests get q35 (as virt-install does); other architectures keep libvirt's default machine.
function osElement(spec: DomainMachine, boot: "hd" | "cdrom"): XmlNode {
  const type: XmlNode = { "@_arch": spec.arch, "#text": "hvm" };
  if (spec.arch === "x86_64" || spec.arch === "i686") type["@_machine"] = "q35";
  const os: XmlNode = { type };
  if (spec.uefi === null) os["@_firmware"] = "efi";
  if (spec.uefi) {
    os.loader = { "@_readonly": "yes", "@_type": "pflash", "#text": spec.uefi.code };
    // No path: libvirt copies the template to its own per-domain NVRAM file on first start.
    os.nvram = { "@_template": spec.uefi.vars };
  }
  os.boot = { "@_dev": boot };
  return os;
}

/** The machine part of the domain: everything but the disks. */
export type DomainMachine = Omit<DomainSpec, "diskDir" | "disks">;

// The domain document for MACHINE with DISKS (libvirt <disk> elements), booting from BOOT.
export function libvirtDocument(machine: DomainMachine, disks: XmlNode[], boot: "hd" | "cdrom"): string {
  const devices: XmlNode = { disk: disks };
  if (machine.interfaces > 0) {
    devices.interface = Array.from({ length: machine.interfaces }, () => ({ "@_type": "network", source: { "@_network": "default" }, model: { "@_type": "virtio" } }));
  }
  devices.serial = { "@_type": "pty", target: { "@_port": "0" } };
  devices.console = { "@_type": "pty", target: { "@_type": "serial", "@_port": "0" } };
  devices.rng = { "@_model": "virtio", backend: { "@_model": "random", "#text": "/dev/urandom" } };
  return buildXml({
    domain: {
      "@_type": "kvm",
      name: machine.name,
      memory: { "@_unit": "MiB", "#text": machine.memoryMiB },
      vcpu: machine.vcpu,
      os: osElement(machine, boot),
      features: { acpi: "", apic: "" },
      clock: { "@_offset": "utc" },
      on_poweroff: "destroy",
      on_reboot: "restart",
      on_crash: "destroy",
      devices,
    },
  });
}

// Build the domain document of an appliance's disks (virtio, vda, vdb, ...).
export function libvirtDomainXml(spec: DomainSpec): string {
  const disks = spec.disks.map(
    (d, i): XmlNode => ({
      "@_type": "file",
      "@_device": "disk",
      driver: { "@_name": "qemu", "@_type": formatSpec(d.format).libvirtType ?? "raw" },
      source: { "@_file": `${spec.diskDir.replace(/\/+$/, "")}/${d.file}` },
      target: { "@_dev": driveTarget("vd", i), "@_bus": "virtio" },
    }),
  );
  return libvirtDocument(spec, disks, "hd");
}
