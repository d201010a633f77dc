// The command line of an ISO build: -f iso, --fslabel, --title and --compress (a squashfs codec), as LiveOptions.
import { UsageError } from "../errors.js";
import { SQUASHFS_CODECS, type SquashfsCodec } from "../live/squashfs.js";
import type { LiveOptions } from "../live/plan.js";

/** The options an ISO build reads. */
export interface LiveCliOptions {
  format?: string[];
  fslabel?: string;
  title?: string;
  compress?: string | boolean;
  product?: string;
  flat?: boolean;
}

// Whether -f names iso; mixing it with disk formats is refused (one build makes either disk images or an ISO).
export function wantsIso(formats: readonly string[] | undefined): boolean {
  const all = (formats ?? []).flatMap((f) => f.split(","));
  if (!all.includes("iso")) return false;
  const others = all.filter((f) => f !== "iso");
  if (others.length > 0) {
    throw new UsageError(`-f iso cannot be combined with ${others.join(", ")} in one build: an ISO's tree has no disk layout`, "build the ISO and the disk images in two runs (the root-tree cache makes the second fast)");
  }
  return true;
}

// --compress for the squashfs: zstd (default), xz (smallest), gzip, lz4, or none (--no-compress); zlib is gzip.
export function squashfsCodec(compress: string | boolean | undefined): SquashfsCodec | undefined {
  if (compress === undefined || compress === true) return undefined;
  if (compress === false) return "none";
  const codec = compress === "zlib" ? "gzip" : compress;
  if (!(SQUASHFS_CODECS as readonly string[]).includes(codec)) throw new UsageError(`--compress for an ISO must be one of ${SQUASHFS_CODECS.join(", ")}, got "${compress}"`);
  return codec as SquashfsCodec;
}

// The LiveOptions of OPTS when it asks for an ISO, else undefined; --fslabel/--title without -f iso are refused.
export function liveOptions(opts: LiveCliOptions, env: NodeJS.ProcessEnv = process.env): LiveOptions | undefined {
  if (!wantsIso(opts.format)) {
    if (opts.fslabel !== undefined) throw new UsageError("--fslabel names the volume label of an ISO: it needs -f iso");
    if (opts.title !== undefined) throw new UsageError("--title names the boot menu entries of an ISO: it needs -f iso");
    return undefined;
  }
  const codec = squashfsCodec(opts.compress);
  return {
    ...(opts.fslabel !== undefined ? { label: opts.fslabel } : {}),
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.product !== undefined ? { product: opts.product } : {}),
    ...(opts.flat ? { flat: true } : {}),
    ...(codec !== undefined ? { codec } : {}),
    ...(env.SOURCE_DATE_EPOCH !== undefined ? { sourceDateEpoch: env.SOURCE_DATE_EPOCH } : {}),
  };
}
