// virt-image, libvirt and OVF documents: exact shape, and hostile values (quotes, <, &) escaped so they parse back unchanged.
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { libvirtDomainXml, type DomainSpec } from "../../../src/output/libvirt.js";
import { ovfEnvelope } from "../../../src/output/ovf.js";
import type { DescribedDisk } from "../../../src/output/plan.js";
import { driveTarget, virtImageXml, type VirtImageSpec } from "../../../src/output/virt-image.js";

const HOSTILE = `a"b'c<d>e&f]]>g`;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, parseAttributeValue: false, isArray: (n) => ["drive", "disk", "interface", "Item", "File", "Disk"].includes(n) });
type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const disk = (name: string, format: DescribedDisk["format"] = "raw"): DescribedDisk => ({ disk: name, file: `app-${name}.${format === "raw" ? "raw" : format}`, format, sizeBytes: 2 ** 30, hashFrom: `/w/${name}` });
const vi: VirtImageSpec = { name: "app", version: "1.0", release: "2", arch: "x86_64", vcpu: 2, memoryMiB: 512, interfaces: 2, disks: [disk("sda"), disk("sdb")] };

describe("virtImageXml", () => {
  it("has appliance-creator's shape", () => {
    expect(virtImageXml(vi)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<image>
  <name version="1.0" release="2">app</name>
  <domain>
    <boot type="hvm">
      <guest>
        <arch>x86_64</arch>
      </guest>
      <os>
        <loader dev="hd"/>
      </os>
      <drive disk="app-sda.raw" target="hda"/>
      <drive disk="app-sdb.raw" target="hdb"/>
    </boot>
    <devices>
      <vcpu>2</vcpu>
      <memory>524288</memory>
      <interface/>
      <interface/>
      <graphics/>
    </devices>
  </domain>
  <storage>
    <disk file="app-sda.raw" use="system" format="raw"/>
    <disk file="app-sdb.raw" use="system" format="raw"/>
  </storage>
</image>
`);
  });
  it("one sha256 checksum per disk when asked; no version/release when null; no interface without network lines", () => {
    const xml = virtImageXml({ ...vi, version: null, release: null, interfaces: 0, disks: [disk("sda")], sha256: new Map([["app-sda.raw", "ab".repeat(32)]]) });
    expect(xml).toContain(`<name>app</name>`);
    expect(xml).toContain(`<disk file="app-sda.raw" use="system" format="raw">\n      <checksum type="sha256">${"ab".repeat(32)}</checksum>\n    </disk>`);
    expect(xml).not.toContain("<interface");
  });
  it("uses the virt-image parser's format names for qcow2, vmdk and vdi", () => {
    const xml = virtImageXml({ ...vi, disks: [disk("sda", "qcow2"), disk("sdb", "vmdk"), disk("sdc", "vdi")] });
    const disks = (parser.parse(xml) as Tree).image.storage.disk as Tree[];
    expect(disks.map((d) => d["@_format"])).toEqual(["qcow2", "vmdk", "vdi"]);
  });
  it("escapes hostile names, versions and file names", () => {
    const xml = virtImageXml({ ...vi, name: HOSTILE, version: HOSTILE, disks: [{ ...disk("sda"), file: HOSTILE }] });
    const doc = (parser.parse(xml) as Tree).image;
    expect(doc.name["#text"]).toBe(HOSTILE);
    expect(doc.name["@_version"]).toBe(HOSTILE);
    expect(doc.domain.boot.drive[0]["@_disk"]).toBe(HOSTILE);
    expect(doc.storage.disk[0]["@_file"]).toBe(HOSTILE);
  });
});

describe("driveTarget", () => {
  it.each([[0, "hda"], [1, "hdb"], [25, "hdz"], [26, "hdaa"], [27, "hdab"]])("%i -> %s", (i, want) => expect(driveTarget("hd", i)).toBe(want));
});

const dom: DomainSpec = { name: "app", arch: "x86_64", vcpu: 2, memoryMiB: 1024, interfaces: 1, diskDir: "/srv/images/", disks: [disk("sda", "qcow2")] };

describe("libvirtDomainXml", () => {
  it("a kvm q35 domain with virtio disks (driver type = format), a NIC per network line, a serial console", () => {
    const d = (parser.parse(libvirtDomainXml(dom)) as Tree).domain;
    expect(d["@_type"]).toBe("kvm");
    expect(d.memory).toEqual({ "@_unit": "MiB", "#text": "1024" });
    expect(d.vcpu).toBe("2");
    expect(d.os.type).toEqual({ "@_arch": "x86_64", "@_machine": "q35", "#text": "hvm" });
    expect(d.os.loader).toBeUndefined();
    expect(d.devices.disk).toEqual([
      { "@_type": "file", "@_device": "disk", driver: { "@_name": "qemu", "@_type": "qcow2" }, source: { "@_file": "/srv/images/app-sda.qcow2" }, target: { "@_dev": "vda", "@_bus": "virtio" } },
    ]);
    expect(d.devices.interface).toEqual([{ "@_type": "network", source: { "@_network": "default" }, model: { "@_type": "virtio" } }]);
    expect(d.devices.console).toEqual({ "@_type": "pty", target: { "@_type": "serial", "@_port": "0" } });
  });
  it("UEFI: the OVMF pair found on the host as loader and NVRAM template", () => {
    const d = (parser.parse(libvirtDomainXml({ ...dom, uefi: { code: "/fw/CODE.fd", vars: "/fw/VARS.fd" } })) as Tree).domain;
    expect(d.os.loader).toEqual({ "@_readonly": "yes", "@_type": "pflash", "#text": "/fw/CODE.fd" });
    expect(d.os.nvram).toEqual({ "@_template": "/fw/VARS.fd" });
  });
  it("UEFI without OVMF on the host: firmware='efi' lets libvirt choose", () => {
    const d = (parser.parse(libvirtDomainXml({ ...dom, uefi: null })) as Tree).domain;
    expect(d.os["@_firmware"]).toBe("efi");
    expect(d.os.loader).toBeUndefined();
  });
  it("escapes a hostile name and disk directory", () => {
    const d = (parser.parse(libvirtDomainXml({ ...dom, name: HOSTILE, diskDir: `/x/${HOSTILE}` })) as Tree).domain;
    expect(d.name).toBe(HOSTILE);
    expect(d.devices.disk[0].source["@_file"]).toBe(`/x/${HOSTILE}/app-sda.qcow2`);
  });
});

describe("ovfEnvelope", () => {
  const spec = { name: "app", arch: "x86_64", vcpu: 2, memoryMiB: 512, interfaces: 1, uefi: false, disks: [1, 2, 3].map((i) => ({ file: `app-sd${i}.vmdk`, fileBytes: 1000 * i, capacityBytes: 2 ** 30 })) };
  it("references every vmdk with its size and describes CPUs, memory, IDE controllers, disks and a NIC", () => {
    const env = (parser.parse(ovfEnvelope(spec)) as Tree).Envelope;
    expect(env["@_ovf:version"]).toBe("1.0");
    expect(env.References.File.map((f: Tree) => [f["@_ovf:href"], f["@_ovf:size"]])).toEqual([["app-sd1.vmdk", "1000"], ["app-sd2.vmdk", "2000"], ["app-sd3.vmdk", "3000"]]);
    expect(env.DiskSection.Disk[0]["@_ovf:format"]).toBe("http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized");
    const items = env.VirtualSystem.VirtualHardwareSection.Item as Tree[];
    expect(items.map((i) => i["rasd:ResourceType"])).toEqual(["3", "4", "5", "5", "17", "17", "17", "10"]);
    // Three disks: two on the first IDE controller (InstanceID 3), the third on the second (4).
    expect(items.filter((i) => i["rasd:ResourceType"] === "17").map((i) => [i["rasd:Parent"], i["rasd:AddressOnParent"]])).toEqual([["3", "0"], ["3", "1"], ["4", "0"]]);
    expect(env.VirtualSystem.OperatingSystemSection["@_ovf:id"]).toBe("101");
    expect(env.VirtualSystem.VirtualHardwareSection["vmw:Config"]).toBeUndefined();
  });
  it("marks UEFI firmware with VMware's optional extension", () => {
    const env = (parser.parse(ovfEnvelope({ ...spec, uefi: true })) as Tree).Envelope;
    expect(env.VirtualSystem.VirtualHardwareSection["vmw:Config"]).toEqual({ "@_ovf:required": "false", "@_vmw:key": "firmware", "@_vmw:value": "efi" });
  });
  it("escapes a hostile name", () => {
    const env = (parser.parse(ovfEnvelope({ ...spec, name: HOSTILE })) as Tree).Envelope;
    expect([env.VirtualSystem["@_ovf:id"], env.VirtualSystem.Name]).toEqual([HOSTILE, HOSTILE]);
  });
});
