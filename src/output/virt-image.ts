// The virt-image XML descriptor <name>.xml, in the shape appliance-creator writes, valid against virt-image.rng for raw disks.
//
// Deviations from appliance-creator, on purpose:
// - one <checksum type='sha256'> per disk: the grammar allows one, appliance-creator wrote sha1 and sha256;
// - for compressed raw (.raw.xz/.raw.zst) the disk named is the file after decompression, and its checksum is
//   that file's, which appliance-creator meant to do and crashed on;
// - the grammar allows only format='raw' or 'iso'; for qcow2, vmdk and vdi the attribute says what virt-image's
//   own parser accepted (virtinst ImageParser: raw, iso, qcow, qcow2, vmdk, vdi), so such a document works with
//   the tool but does not validate. vhdx and vpc were unknown to it: those outputs get no virt-image XML.
import { formatSpec } from "./formats.js";
import type { DescribedDisk } from "./plan.js";
import { buildXml, type XmlNode } from "./xml.js";

/** What the descriptor states about the machine. */
export interface VirtImageSpec {
  name: string;
  version: string | null;
  release: string | null;
  arch: string;
  vcpu: number;
  memoryMiB: number;
  /** Number of network interfaces (one per kickstart network line). */
  interfaces: number;
  disks: DescribedDisk[];
  /** SHA-256 per disk file name, when --checksum asked for it. */
  sha256?: ReadonlyMap<string, string>;
}

/** hda, hdb, ... hdz, hdaa: the drive targets appliance-creator assigns in disk order. */
export function driveTarget(prefix: string, index: number): string {
  let suffix = "";
  for (let n = index; n >= 0; n = Math.floor(n / 26) - 1) suffix = String.fromCharCode(97 + (n % 26)) + suffix;
  return `${prefix}${suffix}`;
}

/** One storage disk of the document and the drive it boots from. */
export interface VirtImageDrive {
  file: string;
  /** hda, hdb, ... for disks; hdc for a live ISO's CD-ROM, as livecd-creator's descriptors have it. */
  target: string;
  format: string;
  sha256?: string;
}

/** The machine part of the document: everything but the disks. */
export type VirtImageMachine = Omit<VirtImageSpec, "disks" | "sha256">;

// The virt-image document for MACHINE booting from BOOT ("hd": the first disk, "cdrom": an ISO) with DRIVES.
export function virtImageDocument(machine: VirtImageMachine, boot: "hd" | "cdrom", drives: readonly VirtImageDrive[]): string {
  const name: XmlNode = { "#text": machine.name };
  if (machine.version !== null) name["@_version"] = machine.version;
  if (machine.release !== null) name["@_release"] = machine.release;
  const storage = drives.map((d): XmlNode => {
    const disk: XmlNode = { "@_file": d.file, "@_use": "system", "@_format": d.format };
    if (d.sha256 !== undefined) disk.checksum = { "@_type": "sha256", "#text": d.sha256 };
    return disk;
  });
  return buildXml({
    image: {
      name,
      domain: {
        boot: {
          "@_type": "hvm",
          guest: { arch: machine.arch },
          os: { loader: { "@_dev": boot } },
          drive: drives.map((d) => ({ "@_disk": d.file, "@_target": d.target })),
        },
        devices: {
          vcpu: machine.vcpu,
          memory: machine.memoryMiB * 1024,
          ...(machine.interfaces > 0 ? { interface: Array.from({ length: machine.interfaces }, () => "") } : {}),
          graphics: "",
        },
      },
      storage: { disk: storage },
    },
  });
}

// Build the virt-image document of an appliance's disks.
export function virtImageXml(spec: VirtImageSpec): string {
  const drives = spec.disks.map((d, i): VirtImageDrive => {
    const sum = spec.sha256?.get(d.file);
    return { file: d.file, target: driveTarget("hd", i), format: formatSpec(d.format).virtImageFormat ?? d.format, ...(sum !== undefined ? { sha256: sum } : {}) };
  });
  return virtImageDocument(spec, "hd", drives);
}
