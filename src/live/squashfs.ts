// The mksquashfs argv that packs the installed tree, per codec, with fixed times when SOURCE_DATE_EPOCH is set.

/** Codecs of the live root file system (livecd-creator's --compression-type names; zstd is ksimage's default). */
export const SQUASHFS_CODECS = ["zstd", "xz", "gzip", "lz4", "none"] as const;
export type SquashfsCodec = (typeof SQUASHFS_CODECS)[number];

/** Options of each codec: 1 MiB blocks compress a root tree better than the 128 KiB default (Fedora uses them for xz). */
const CODEC_ARGS: Record<SquashfsCodec, string[]> = {
  // Level 3 (zstd's own default): mksquashfs's default 15 takes several times as long on two cores for a few per cent;
  // 79 s at level 6 for the Debian live example's tree at load 17 was already the slowest step of a warm rebuild.
  zstd: ["-comp", "zstd", "-Xcompression-level", "3", "-b", "1M"],
  xz: ["-comp", "xz", "-b", "1M", "-Xdict-size", "100%"],
  gzip: ["-comp", "gzip"],
  lz4: ["-comp", "lz4"],
  // squashfs-tools 4.5 has no -comp none: every part is stored uncompressed instead.
  none: ["-noI", "-noD", "-noF", "-noX"],
};

// The codec options for CODEC (mksquashfs syntax).
export function squashfsCodecArgs(codec: SquashfsCodec): string[] {
  return [...CODEC_ARGS[codec]];
}

// Pack ROOT into OUT; the pseudo file systems' mount points stay, their contents (if any) do not.
export function mksquashfsArgs(root: string, out: string, codec: SquashfsCodec, epoch: number | null): string[] {
  const times = epoch === null ? [] : ["-mkfs-time", String(epoch), "-all-time", String(epoch)];
  return [
    "mksquashfs",
    root,
    out,
    "-noappend",
    "-no-progress",
    ...squashfsCodecArgs(codec),
    ...times,
    "-wildcards",
    "-e",
    "proc/*",
    "sys/*",
    "dev/*",
    "run/*",
    "tmp/*",
  ];
}
