// A live ISO's descriptors (src/live/descriptors.ts), made by the same document builders as a disk appliance's:
// the virt-image XML boots the cdrom drive hdc from the ISO; the libvirt domain boots a SATA CD-ROM with UEFI.
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { liveLibvirtXml, liveVirtImageXml, type LiveMachine } from "../../../src/live/descriptors.js";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, isArray: (n) => ["drive", "disk", "interface"].includes(n) });
type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const m: LiveMachine = { name: `live"<&>`, version: "1", release: null, arch: "x86_64", vcpu: 2, memoryMiB: 768, interfaces: 1, isoFile: "live.iso", sha256: "ab".repeat(32) };

describe("live descriptors", () => {
  it("virt-image: the ISO is the one storage disk (format iso) on drive hdc, booted as a cdrom", () => {
    const image = (parser.parse(liveVirtImageXml(m)) as Tree).image;
    expect(image.name).toEqual({ "#text": `live"<&>`, "@_version": "1" });
    expect(image.domain.boot.os.loader["@_dev"]).toBe("cdrom");
    expect(image.domain.boot.drive).toEqual([{ "@_disk": "live.iso", "@_target": "hdc" }]);
    expect(image.domain.devices.memory).toBe(String(768 * 1024));
    expect(image.domain.devices.interface).toHaveLength(1);
    expect(image.storage.disk).toEqual([{ "@_file": "live.iso", "@_use": "system", "@_format": "iso", checksum: { "@_type": "sha256", "#text": "ab".repeat(32) } }]);
    expect((parser.parse(liveVirtImageXml({ ...m, sha256: undefined })) as Tree).image.storage.disk[0].checksum).toBeUndefined();
  });

  it("libvirt: a read-only SATA CD-ROM with an absolute path, booted first; OVMF files, or firmware='efi' without them", () => {
    const d = (parser.parse(liveLibvirtXml(m, "/srv/out/", { code: "/fw/C.fd", vars: "/fw/V.fd" })) as Tree).domain;
    expect(d.disk).toBeUndefined();
    expect(d.devices.disk).toEqual([
      { "@_type": "file", "@_device": "cdrom", driver: { "@_name": "qemu", "@_type": "raw" }, source: { "@_file": "/srv/out/live.iso" }, target: { "@_dev": "sda", "@_bus": "sata" }, readonly: "" },
    ]);
    expect(d.os.boot["@_dev"]).toBe("cdrom");
    expect(d.os.type["@_machine"]).toBe("q35");
    expect(d.os.loader["#text"]).toBe("/fw/C.fd");
    expect(d.os.nvram["@_template"]).toBe("/fw/V.fd");
    expect(d.devices.rng["@_model"]).toBe("virtio");
    const efi = (parser.parse(liveLibvirtXml(m, "/srv/out", null)) as Tree).domain;
    expect(efi.os["@_firmware"]).toBe("efi");
    expect(efi.os.loader).toBeUndefined();
  });
});
