// The ext superblocks' lifetime writes counter: where the superblocks lie, and the counter zeroed with the checksum
// made again (checked against a bit-by-bit CRC-32C here, and against e2fsck in tests/integration/repro).
import { describe, expect, it } from "vitest";
import { superblockChecksum, superblockOffsets, withoutLifetimeWrites } from "../../../src/repro/ext-superblocks.js";

// CRC-32C (Castagnoli) bit by bit, seeded with ~0 and not inverted at the end, as ext4 keeps it.
function reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return c >>> 0;
}

function superblock(kbytes: bigint, csum: boolean): Buffer {
  const sb = Buffer.alloc(1024);
  for (let i = 0; i < 0x3fc; i += 1) sb[i] = (i * 7) & 0xff;
  sb.writeUInt16LE(0xef53, 0x38);
  sb.writeUInt32LE(csum ? 0x46b : 0x6b, 0x64);
  sb.writeBigUInt64LE(kbytes, 0x178);
  return sb;
}

describe("ext superblocks", () => {
  it("finds the primary and each backup from dumpe2fs", () => {
    const out = "Block size:               4096\nGroup 0: (Blocks 0-32767)\n  Primary superblock at 0, Group descriptors at 1-1\nGroup 1: (Blocks 32768-65535)\n  Backup superblock at 32768, Group descriptors at 32769-32769\nGroup 3:\n  Backup superblock at 98304, Group descriptors at 98305-98305\n";
    expect(superblockOffsets(out)).toEqual([1024, 32768 * 4096, 98304 * 4096]);
    expect(superblockOffsets("Block size: 1024\n  Backup superblock at 8193, Group descriptors at 8194-8194\n")).toEqual([1024, 8193 * 1024]);
    expect(() => superblockOffsets("no such thing")).toThrow(/no block size/);
  });

  it("zeroes the counter and makes the checksum again (metadata_csum), or leaves a zero counter alone", () => {
    const fixed = withoutLifetimeWrites(superblock(803201n, true))!;
    expect(fixed.readBigUInt64LE(0x178)).toBe(0n);
    expect(fixed.readUInt32LE(0x3fc)).toBe(reference(fixed.subarray(0, 0x3fc)));
    expect(superblockChecksum(fixed)).toBe(reference(fixed.subarray(0, 0x3fc)));
    // Only the counter and the checksum change.
    const before = superblock(803201n, true);
    const changed = [...fixed.keys()].filter((i) => fixed[i] !== before[i]);
    expect(changed.every((i) => (i >= 0x178 && i < 0x180) || i >= 0x3fc)).toBe(true);
    // Without metadata_csum there is no checksum to make.
    expect(withoutLifetimeWrites(superblock(5n, false))!.readUInt32LE(0x3fc)).toBe(0);
    expect(withoutLifetimeWrites(superblock(0n, true))).toBeNull();
    expect(() => withoutLifetimeWrites(Buffer.alloc(1024))).toThrow(/bad magic/);
  });
});
