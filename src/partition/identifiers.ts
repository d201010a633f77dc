// Disk identifiers for reproducible builds: the msdos disk signature and the GPT disk and partition GUIDs, derived from the
// SOURCE_DATE_EPOCH seed and the appliance name (parted would make random ones).
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { InternalError } from "../errors.js";
import { planUuid } from "./filesystems.js";
import type { DiskPlan } from "./types.js";

// An msdos disk signature ("0x" and 8 hex digits, never 0) from SEED and KEY.
export function planDiskSignature(seed: string, key: string): string {
  const hex = createHash("sha256").update(`ksimage:${seed}:${key}`).digest("hex").slice(0, 8);
  return `0x${hex === "00000000" ? "00000001" : hex}`;
}

// Give every disk its identifier and every GPT partition its GUID, from SEED and the appliance NAME.
export function assignDiskIdentifiers(disks: DiskPlan[], seed: string, name: string): void {
  for (const disk of disks) {
    const key = `${name}:disk:${disk.name}`;
    disk.diskId = disk.label === "gpt" ? planUuid(seed, key).toUpperCase() : planDiskSignature(seed, key);
    if (disk.label !== "gpt") continue;
    for (const p of disk.partitions) p.partUuid = planUuid(seed, `${key}:partition:${p.number}`).toUpperCase();
  }
}

/** Where the msdos disk signature sits in the MBR. */
export const MBR_SIGNATURE_OFFSET = 440;

// The 4 bytes of an msdos disk signature ("0x" and 8 hex digits) as the MBR stores it, little-endian.
export function diskSignatureBytes(signature: string): Buffer {
  if (!/^0x[0-9a-fA-F]{8}$/.test(signature)) throw new InternalError(`"${signature}" is not an msdos disk signature (0x and 8 hex digits)`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(Number.parseInt(signature.slice(2), 16));
  return bytes;
}

// Write the planned msdos disk signature of DISK into its MBR in FILE. sfdisk --disk-id would do it too, but it sleeps 250 ms
// and then syncs every file system of the host (util-linux 2.38, even with --no-reread).
export async function writeDiskSignature(disk: DiskPlan, file: string): Promise<void> {
  if (disk.label === "gpt" || disk.diskId === undefined) return;
  const handle = await open(file, "r+");
  try {
    await handle.write(diskSignatureBytes(disk.diskId), 0, 4, MBR_SIGNATURE_OFFSET);
  } finally {
    await handle.close();
  }
}

// The sfdisk argv that write the planned GPT identifiers into FILE: the disk's, then each partition's (none when not planned;
// an msdos signature is written by writeDiskSignature).
export function diskIdentifierArgs(disk: DiskPlan, file: string): string[][] {
  if (disk.diskId === undefined || disk.label !== "gpt") return [];
  const argv = [["sfdisk", "--disk-id", file, disk.diskId]];
  for (const p of disk.partitions) if (p.partUuid !== undefined) argv.push(["sfdisk", "--part-uuid", file, String(p.number), p.partUuid]);
  return argv;
}

// SOURCE_DATE_EPOCH: the file systems ksimage cannot make byte-identical (btrfs-progs cannot fill a file system from a
// directory on a fixed clock, and a mounted one differs every time), one warning each.
export function unreproducibleFilesystems(disks: readonly DiskPlan[]): string[] {
  const out: string[] = [];
  for (const d of disks) {
    for (const p of d.partitions) {
      const t = p.filesystem?.fstype;
      if (t === "btrfs") out.push(`SOURCE_DATE_EPOCH: the ${t} file system of ${p.mountpoint ?? p.ksName} (disk ${d.name} partition ${p.number}) is not byte-reproducible; only ext2/3/4, xfs, FAT and swap are (see README, Reproducible builds)`);
    }
  }
  return out;
}
