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

// Build the virt-image document.
export function virtImageXml(spec: VirtImageSpec): string {
  const name: XmlNode = { "#text": spec.name };
  if (spec.version !== null) name["@_version"] = spec.version;
  if (spec.release !== null) name["@_release"] = spec.release;
  const storage = spec.disks.map((d): XmlNode => {
    const disk: XmlNode = { "@_file": d.file, "@_use": "system", "@_format": formatSpec(d.format).virtImageFormat ?? d.format };
    const sum = spec.sha256?.get(d.file);
    if (sum !== undefined) disk.checksum = { "@_type": "sha256", "#text": sum };
    return disk;
  });
  return buildXml({
    image: {
      name,
      domain: {
        boot: {
          "@_type": "hvm",
          guest: { arch: spec.arch },
          os: { loader: { "@_dev": "hd" } },
          drive: spec.disks.map((d, i) => ({ "@_disk": d.file, "@_target": driveTarget("hd", i) })),
        },
        devices: {
          vcpu: spec.vcpu,
          memory: spec.memoryMiB * 1024,
          ...(spec.interfaces > 0 ? { interface: Array.from({ length: spec.interfaces }, () => "") } : {}),
          graphics: "",
        },
      },
      storage: { disk: storage },
    },
  });
}
