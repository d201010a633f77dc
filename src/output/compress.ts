// Compress a raw disk into a file with xz (the default: 16 MiB blocks, one thread per core) or zstd.
import type { Codec } from "./types.js";

/** File suffix each raw codec adds after ".raw". */
export const RAW_CODEC_SUFFIX: Readonly<Record<Extract<Codec, "xz" | "zstd">, string>> = { xz: ".xz", zstd: ".zst" };

/** xz's block size: independent blocks let `xz -T0` compress, and a reader decompress, on every core. */
export const XZ_BLOCK_SIZE = "16MiB";

/** Levels each codec accepts; without one, the tool's own default (xz -6, zstd -3). */
export const CODEC_LEVELS: Readonly<Record<Extract<Codec, "xz" | "zstd">, readonly [min: number, max: number]>> = { xz: [0, 9], zstd: [1, 19] };

const levelFlag = (level: number | undefined): string => (level === undefined ? "" : ` -${level}`);

// xz has no output-file option, so a shell redirects its stdout; "$1"/"$2" keep both paths out of the script text.
export function xzArgs(src: string, dst: string, level?: number): string[] {
  return ["sh", "-c", `exec xz -T0${levelFlag(level)} --block-size=${XZ_BLOCK_SIZE} --stdout -- "$1" > "$2"`, "xz", src, dst];
}

// zstd writes the file itself; -f replaces a leftover partial file from a killed run.
export function zstdArgs(src: string, dst: string, level?: number): string[] {
  return ["zstd", "-T0", ...(level === undefined ? [] : [`-${level}`]), "-q", "-f", "-o", dst, "--", src];
}

// The argv that compresses raw SRC into DST with CODEC (at LEVEL, else the tool's default).
export function rawCompressArgs(src: string, dst: string, codec: Extract<Codec, "xz" | "zstd">, level?: number): string[] {
  return codec === "xz" ? xzArgs(src, dst, level) : zstdArgs(src, dst, level);
}

/** The tool each codec runs, for preflight checks (xz runs under sh). */
export const CODEC_TOOLS: Readonly<Record<Extract<Codec, "xz" | "zstd">, string[]>> = { xz: ["sh", "xz"], zstd: ["zstd"] };
