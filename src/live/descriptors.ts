// The descriptors of a live ISO: virt-image XML with the ISO as a cdrom disk (format="iso"), and a libvirt domain booting the CD-ROM.
import type { Ovmf } from "../output/ovmf.js";
import { libvirtDocument } from "../output/libvirt.js";
import { virtImageDocument } from "../output/virt-image.js";
import type { XmlNode } from "../output/xml.js";

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
  return virtImageDocument(m, "cdrom", [{ file: m.isoFile, target: "hdc", format: "iso", ...(m.sha256 !== undefined ? { sha256: m.sha256 } : {}) }]);
}

// libvirt: q35 with the ISO on a SATA CD-ROM, booted first; UEFI through OVMF (explicit files, or firmware='efi' when none are known).
export function liveLibvirtXml(m: LiveMachine, isoDir: string, ovmf: Ovmf | null): string {
  const cdrom: XmlNode = {
    "@_type": "file",
    "@_device": "cdrom",
    driver: { "@_name": "qemu", "@_type": "raw" },
    source: { "@_file": `${isoDir.replace(/\/+$/, "")}/${m.isoFile}` },
    target: { "@_dev": "sda", "@_bus": "sata" },
    readonly: "",
  };
  return libvirtDocument({ ...m, uefi: ovmf }, [cdrom], "cdrom");
}
