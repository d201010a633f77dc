// Plan the conversion of existing raw images (ksimage convert) with the output stage's own format registry and argv builders. Pure.
import path from "node:path";
import { UsageError } from "../errors.js";
import { CODEC_LEVELS } from "./compress.js";
import { codecSuffix, formatSpec, resolveCodec } from "./formats.js";
import type { DiskJob } from "./plan.js";
import { FORMAT_NAMES, type CompressChoice, type FormatName } from "./types.js";

/** The formats an existing raw image converts to: all but the OVA, whose envelope needs the appliance's description. */
export const CONVERTIBLE_FORMATS = FORMAT_NAMES.filter((f) => f !== "ova");

/** What `ksimage convert` was asked to do. */
export interface ImageConversionInput {
  /** Raw images, in the order given. */
  images: string[];
  formats: FormatName[];
  compress: CompressChoice;
  /** Level of raw xz (0-9) or zstd (1-19) compression; default: the tool's. */
  compressLevel?: number;
  /** Where every output goes; null: beside its image. */
  outdir: string | null;
}

/** The conversions to run: one queue per image (run as the build runs its disks), and what each directory receives. */
export interface ImageConversionPlan {
  queues: DiskJob[][];
  /** Output directories and the file names written into each, for its SHA256SUMS. */
  dirs: { dir: string; names: string[] }[];
}

// The output's base name: the image's file name without .raw or .img (disk.raw -> disk.qcow2).
export function imageBaseName(image: string): string {
  return path.basename(image).replace(/\.(raw|img)$/i, "") || path.basename(image);
}

function validate(input: ImageConversionInput): void {
  if (input.images.length === 0) throw new UsageError("no image to convert", "name one or more raw images: ksimage convert disk.raw -f qcow2");
  if (input.formats.length === 0) throw new UsageError("no output format was chosen");
  if (new Set(input.formats).size !== input.formats.length) throw new UsageError(`an output format is named twice: ${input.formats.join(",")}`);
  if (input.formats.includes("ova")) throw new UsageError("ksimage convert does not write OVA: its OVF envelope describes the appliance", "build it with ksimage build -f ova");
  const rawCodec = input.formats.includes("raw") ? resolveCodec("raw", input.compress, { qcow2Zstd: true }) : null;
  if (input.compressLevel !== undefined && (rawCodec === "xz" || rawCodec === "zstd")) {
    const [min, max] = CODEC_LEVELS[rawCodec];
    if (!Number.isInteger(input.compressLevel) || input.compressLevel < min || input.compressLevel > max) {
      throw new UsageError(`--compress-level ${input.compressLevel}: ${rawCodec} takes a level from ${min} to ${max}`);
    }
  }
}

// Plan every conversion of INPUT; caps says what the host's qemu-img can do. Refuses outputs that would overwrite an input or each other.
export function planImageConversions(input: ImageConversionInput, caps: { qcow2Zstd: boolean }): ImageConversionPlan {
  validate(input);
  const inputs = new Set(input.images.map((i) => path.resolve(i)));
  const seen = new Map<string, string>();
  const dirs = new Map<string, string[]>();
  const queues = input.images.map((image) => {
    const source = path.resolve(image);
    const dir = path.resolve(input.outdir ?? path.dirname(source));
    return input.formats.map((format): DiskJob => {
      const spec = formatSpec(format);
      const codec = resolveCodec(format, input.compress, caps);
      const output = path.join(dir, `${imageBaseName(source)}.${spec.extension}${codecSuffix(format, codec)}`);
      if (inputs.has(output)) throw new UsageError(`converting ${image} to ${format} would overwrite the input ${output}`, "choose another --outdir, or compress the raw copy (--compress xz)");
      const twin = seen.get(output);
      if (twin !== undefined) throw new UsageError(`${twin} and ${image} would both be converted to ${output}`, "convert them into different --outdir directories");
      seen.set(output, image);
      dirs.set(dir, [...(dirs.get(dir) ?? []), path.basename(output)]);
      const partial = `${output}.partial`;
      const level = format === "raw" ? input.compressLevel : undefined;
      const argv = spec.convertArgs(source, partial, { codec, vmdkSubformat: "monolithicSparse", ...(level !== undefined ? { level } : {}) });
      return { disk: imageBaseName(source), format, codec, source, output, partial, argv, checkFormat: spec.checkable ? spec.qemuFormat : null, inPlace: false, unordered: null };
    });
  });
  return { queues, dirs: [...dirs].map(([dir, names]) => ({ dir, names })) };
}
