// The ext superblock's "lifetime writes" counter (s_kbytes_written) records how many KiB mke2fs and debugfs wrote, which
// depends on the source tree's layout (sparse or written-out files: a tree restored from the root-tree cache made the
// counter 48 KiB apart from a tree installed from packages, with every other byte equal). A reproducible build sets it to
// zero in the primary and every backup superblock, with each one's checksum made again.
import { open } from "node:fs/promises";
import CRC32C from "crc-32/crc32c";
import { KsimageError } from "../errors.js";

const SUPERBLOCK_SIZE = 1024;
const KBYTES_WRITTEN = 0x178;
const FEATURE_RO_COMPAT = 0x64;
const RO_COMPAT_METADATA_CSUM = 0x400;
const CHECKSUM = 0x3fc;
const MAGIC = 0x38;

// Where the superblocks of an ext file system lie, in bytes from its start, from dumpe2fs's full output: the primary at
// 1024, each backup at the start of its block ("Backup superblock at N").
export function superblockOffsets(dumpe2fs: string): number[] {
  const blockSize = Number(/^Block size:\s+(\d+)/m.exec(dumpe2fs)?.[1] ?? NaN);
  if (!Number.isSafeInteger(blockSize)) throw new KsimageError("dumpe2fs shows no block size");
  const backups = [...dumpe2fs.matchAll(/Backup superblock at (\d+)/g)].map((m) => Number(m[1]) * blockSize);
  return [SUPERBLOCK_SIZE, ...backups];
}

// The superblock checksum ext4 keeps (metadata_csum): CRC-32C of the bytes before it, seeded with ~0, not inverted at the end.
export function superblockChecksum(sb: Uint8Array): number {
  return ~CRC32C.buf(sb.subarray(0, CHECKSUM)) >>> 0;
}

// SB (1024 bytes) with s_kbytes_written zero and, under metadata_csum, its checksum made again; null if it already is.
export function withoutLifetimeWrites(sb: Buffer): Buffer | null {
  if (sb.readUInt16LE(MAGIC) !== 0xef53) throw new KsimageError("not an ext superblock (bad magic)");
  if (sb.readBigUInt64LE(KBYTES_WRITTEN) === 0n) return null;
  const out = Buffer.from(sb);
  out.writeBigUInt64LE(0n, KBYTES_WRITTEN);
  if ((out.readUInt32LE(FEATURE_RO_COMPAT) & RO_COMPAT_METADATA_CSUM) !== 0) out.writeUInt32LE(superblockChecksum(out), CHECKSUM);
  return out;
}

// Zero the lifetime writes counter of every superblock (OFFSETS, from superblockOffsets) of the ext file system at byte
// START of FILE.
export async function zeroLifetimeWrites(file: string, start: number, offsets: readonly number[]): Promise<void> {
  const handle = await open(file, "r+");
  try {
    for (const at of offsets) {
      const sb = Buffer.alloc(SUPERBLOCK_SIZE);
      const { bytesRead } = await handle.read(sb, 0, SUPERBLOCK_SIZE, start + at);
      if (bytesRead !== SUPERBLOCK_SIZE) throw new KsimageError(`no superblock at byte ${start + at} of ${file}`);
      const fixed = withoutLifetimeWrites(sb);
      if (fixed !== null) await handle.write(fixed, 0, SUPERBLOCK_SIZE, start + at);
    }
  } finally {
    await handle.close();
  }
}
