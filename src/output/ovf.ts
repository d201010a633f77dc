// The OVF 1.0 envelope of the OVA: files, disks, networks and the virtual hardware (CPUs, memory, IDE disks, e1000 NICs).
import { buildXml, type XmlNode } from "./xml.js";

/** One disk inside the OVA. */
export interface OvfDisk {
  /** File name of its streamOptimized vmdk inside the archive. */
  file: string;
  /** Size of that file in bytes. */
  fileBytes: number;
  /** Virtual size of the disk in bytes. */
  capacityBytes: number;
}

/** The machine the envelope describes. */
export interface OvfSpec {
  name: string;
  /** Guest architecture (uname -m): picks the CIM operating system type. */
  arch: string;
  vcpu: number;
  memoryMiB: number;
  interfaces: number;
  uefi: boolean;
  disks: OvfDisk[];
}

const NS = {
  "@_xmlns": "http://schemas.dmtf.org/ovf/envelope/1",
  "@_xmlns:ovf": "http://schemas.dmtf.org/ovf/envelope/1",
  "@_xmlns:rasd": "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData",
  "@_xmlns:vssd": "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData",
  "@_xmlns:vmw": "http://www.vmware.com/schema/ovf",
};

/** The disk format URI importers expect for a streamOptimized vmdk. */
export const VMDK_STREAM_URI = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";
/** The logical network the NICs attach to; importers map it to a host network. */
export const OVF_NETWORK = "VM Network";

// One rasd Item; CIM orders its properties alphabetically, so the keys are sorted.
function item(props: Record<string, string | number>): XmlNode {
  const node: XmlNode = {};
  for (const key of Object.keys(props).sort()) node[`rasd:${key}`] = props[key]!;
  return node;
}

// The hardware: CPUs, memory, one IDE controller per two disks (what VirtualBox and VMware both import), disks, NICs.
function hardwareItems(spec: OvfSpec): XmlNode[] {
  let id = 0;
  const items: XmlNode[] = [
    item({ AllocationUnits: "hertz * 10^6", Description: "Number of virtual CPUs", ElementName: `${spec.vcpu} virtual CPU(s)`, InstanceID: ++id, ResourceType: 3, VirtualQuantity: spec.vcpu }),
    item({ AllocationUnits: "byte * 2^20", Description: "Memory size", ElementName: `${spec.memoryMiB} MB of memory`, InstanceID: ++id, ResourceType: 4, VirtualQuantity: spec.memoryMiB }),
  ];
  const controllers: number[] = [];
  for (let c = 0; c < Math.ceil(spec.disks.length / 2); c += 1) {
    controllers.push(++id);
    items.push(item({ Address: c, Description: "IDE Controller", ElementName: `ideController${c}`, InstanceID: id, ResourceSubType: "PIIX4", ResourceType: 5 }));
  }
  spec.disks.forEach((_, i) => {
    items.push(item({ AddressOnParent: i % 2, ElementName: `disk${i + 1}`, HostResource: `ovf:/disk/vmdisk${i + 1}`, InstanceID: ++id, Parent: controllers[Math.floor(i / 2)]!, ResourceType: 17 }));
  });
  for (let n = 0; n < spec.interfaces; n += 1) {
    items.push(item({ AddressOnParent: n, AutomaticAllocation: "true", Connection: OVF_NETWORK, ElementName: `ethernet${n}`, InstanceID: ++id, ResourceSubType: "E1000", ResourceType: 10 }));
  }
  return items;
}

// Build the .ovf document.
export function ovfEnvelope(spec: OvfSpec): string {
  const hardware: XmlNode = {
    Info: "Virtual hardware requirements",
    System: {
      "vssd:ElementName": "Virtual Hardware Family",
      "vssd:InstanceID": 0,
      "vssd:VirtualSystemIdentifier": spec.name,
      "vssd:VirtualSystemType": "vmx-07",
    },
    Item: hardwareItems(spec),
  };
  // VMware's extension for UEFI firmware; other importers ignore it (ovf:required="false").
  if (spec.uefi) hardware["vmw:Config"] = { "@_ovf:required": "false", "@_vmw:key": "firmware", "@_vmw:value": "efi" };
  const envelope: XmlNode = {
    "@_ovf:version": "1.0",
    "@_xml:lang": "en-US",
    ...NS,
    References: { File: spec.disks.map((d, i) => ({ "@_ovf:href": d.file, "@_ovf:id": `file${i + 1}`, "@_ovf:size": d.fileBytes })) },
    DiskSection: {
      Info: "Virtual disk information",
      Disk: spec.disks.map((d, i) => ({
        "@_ovf:capacity": d.capacityBytes,
        "@_ovf:capacityAllocationUnits": "byte",
        "@_ovf:diskId": `vmdisk${i + 1}`,
        "@_ovf:fileRef": `file${i + 1}`,
        "@_ovf:format": VMDK_STREAM_URI,
      })),
    },
  };
  if (spec.interfaces > 0) {
    envelope.NetworkSection = { Info: "The logical networks", Network: { "@_ovf:name": OVF_NETWORK, Description: `The ${OVF_NETWORK} network` } };
  }
  envelope.VirtualSystem = {
    "@_ovf:id": spec.name,
    Info: "A virtual machine",
    Name: spec.name,
    // CIM operating system types: 101 "Linux 64-Bit", 36 "LINUX".
    OperatingSystemSection: { "@_ovf:id": /64/.test(spec.arch) ? 101 : 36, Info: "The kind of installed guest operating system" },
    VirtualHardwareSection: hardware,
  };
  return buildXml({ Envelope: envelope });
}
