// Decide every output file, its argv and what each descriptor describes, before anything is written. Pure.
import path from "node:path";
import { UsageError } from "../errors.js";
import { CODEC_LEVELS } from "./compress.js";
import { codecSuffix, formatSpec, resolveCodec } from "./formats.js";
import { FORMAT_NAMES, type Codec, type FormatName, type OutputInput, type PackageKind } from "./types.js";

/** One conversion of one disk into one format. */
export interface DiskJob {
  disk: string;
  format: FormatName;
  codec: Codec | null;
  source: string;
  output: string;
  /** Written here, renamed to output when complete and checked. */
  partial: string;
  argv: string[];
  /** qemu-img format to check afterwards; null when the format has no check. */
  checkFormat: string | null;
  /** The raw disk already is this output (plain raw, same path): nothing to do. */
  inPlace: boolean;
  /**
   * Reproducible zstd qcow2: argv writes here, out of order (-W, compression in parallel), and the file is then rewritten
   * in guest order into partial (qcow2-order.ts), so the same disk gives the same bytes; null otherwise.
   */
  unordered: string | null;
}

/** The OVA: its vmdk disks are converted into a staging directory, then packed behind the OVF and the manifest. */
export interface OvaPlan {
  output: string;
  partial: string;
  staging: string;
  ovf: string;
  mf: string;
  disks: { disk: string; file: string; sizeBytes: number }[];
}

/** One disk as a descriptor names it. */
export interface DescribedDisk {
  disk: string;
  /** File name in the appliance directory (for compressed raw: the name after decompression). */
  file: string;
  format: FormatName;
  sizeBytes: number;
  /** The file whose SHA-256 is the deployed disk's (the raw input for compressed raw). */
  hashFrom: string;
}

/** Which format a descriptor describes, and its disks. */
export interface Descriptor {
  path: string;
  format: FormatName;
  disks: DescribedDisk[];
}

export interface OutputPlan {
  applianceDir: string;
  /** One queue per disk: disks convert in parallel, each disk's formats one after the other. */
  queues: DiskJob[][];
  ova: OvaPlan | null;
  virtImage: Descriptor | null;
  libvirt: Descriptor | null;
  packagesJson: string | null;
  spdx: string | null;
  sums: string;
  archive: { kind: Exclude<PackageKind, "none">; path: string } | null;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

// Refuse input that cannot name files or describe a machine.
function validate(input: OutputInput): void {
  if (!SAFE_NAME.test(input.name)) throw new UsageError(`appliance name "${input.name}" is not usable as a file name`, "use letters, digits, '.', '_', '+' and '-'");
  for (const d of input.disks) if (!SAFE_NAME.test(d.name)) throw new UsageError(`disk name "${d.name}" is not usable in a file name`);
  if (input.disks.length === 0) throw new UsageError("there is no disk to write");
  if (input.formats.length === 0) throw new UsageError("no output format was chosen");
  if (new Set(input.formats).size !== input.formats.length) throw new UsageError(`an output format is named twice: ${input.formats.join(",")}`);
  if (!Number.isInteger(input.vcpu) || input.vcpu < 1) throw new UsageError(`--vcpu must be a whole number of at least 1, got ${input.vcpu}`);
  const rawCodec = input.formats.includes("raw") ? resolveCodec("raw", input.compress, { qcow2Zstd: true }) : null;
  if (input.compressLevel !== undefined && (rawCodec === "xz" || rawCodec === "zstd")) {
    const [min, max] = CODEC_LEVELS[rawCodec];
    if (!Number.isInteger(input.compressLevel) || input.compressLevel < min || input.compressLevel > max) {
      throw new UsageError(`--compress-level ${input.compressLevel}: ${rawCodec} takes a level from ${min} to ${max}`);
    }
  }
  if (!Number.isInteger(input.memoryMiB) || input.memoryMiB < 4) throw new UsageError(`--vmem must be a whole number of MiB (at least 4), got ${input.memoryMiB}`);
}

// The disk file name of DISK in FORMAT, with the codec's suffix: <name>-<disk>.<ext>[.xz|.zst].
export function diskFileName(name: string, disk: string, format: FormatName, codec: Codec | null): string {
  return `${name}-${disk}.${formatSpec(format).extension}${codecSuffix(format, codec)}`;
}

// Plan every output of INPUT. caps says what the host's qemu-img can do; SCRATCH (the build's work directory, which a
// SIGKILL's reaper removes whole) holds the out-of-order qcow2 of a reproducible build, else it is written in order.
export function planOutputs(input: OutputInput, caps: { qcow2Zstd: boolean }, scratch?: string): OutputPlan {
  validate(input);
  const dir = path.resolve(input.outdir, input.name);
  const ovaStaging = path.join(dir, `.${input.name}.ova.d`);
  const codecs = new Map(input.formats.map((f) => [f, resolveCodec(f, input.compress, caps)]));
  const queues = input.disks.map((d) =>
    input.formats.map((format): DiskJob => {
      const codec = codecs.get(format) ?? null;
      const spec = formatSpec(format);
      const output = path.join(format === "ova" ? ovaStaging : dir, diskFileName(input.name, d.name, format, codec));
      const partial = `${output}.partial`;
      const inPlace = format === "raw" && codec === null && path.resolve(d.rawPath) === output;
      const level = format === "raw" ? input.compressLevel : undefined;
      const unordered = input.epoch !== undefined && format === "qcow2" && codec === "zstd" && scratch !== undefined ? path.join(scratch, `${path.basename(output)}.unordered`) : null;
      const inOrder = input.epoch !== undefined && unordered === null;
      const argv = spec.convertArgs(d.rawPath, unordered ?? partial, { codec, vmdkSubformat: input.vmdkSubformat ?? "monolithicSparse", ...(level !== undefined ? { level } : {}), ...(inOrder ? { inOrder } : {}) });
      return { disk: d.name, format, codec, source: d.rawPath, output, partial, argv, checkFormat: spec.checkable ? spec.qemuFormat : null, inPlace, unordered };
    }),
  );
  const ova: OvaPlan | null = input.formats.includes("ova")
    ? {
        output: path.join(dir, `${input.name}.ova`),
        partial: path.join(dir, `${input.name}.ova.partial`),
        staging: ovaStaging,
        ovf: `${input.name}.ovf`,
        mf: `${input.name}.mf`,
        disks: input.disks.map((d) => ({ disk: d.name, file: diskFileName(input.name, d.name, "ova", null), sizeBytes: d.sizeBytes })),
      }
    : null;
  const describe = (file: string, usable: (f: FormatName) => boolean): Descriptor | null => {
    const format = input.formats.find(usable);
    if (format === undefined) return null;
    const codec = codecs.get(format) ?? null;
    const disks = input.disks.map((d) => {
      const compressedRaw = format === "raw" && codec !== null;
      const name = diskFileName(input.name, d.name, format, compressedRaw ? null : codec);
      return { disk: d.name, file: name, format, sizeBytes: d.sizeBytes, hashFrom: compressedRaw ? d.rawPath : path.join(dir, name) };
    });
    return { path: path.join(dir, file), format, disks };
  };
  const pkg = input.package ?? "none";
  return {
    applianceDir: dir,
    queues,
    ova,
    virtImage: describe(`${input.name}.xml`, (f) => formatSpec(f).virtImageFormat !== null),
    libvirt: describe(`${input.name}.libvirt.xml`, (f) => formatSpec(f).libvirtType !== null),
    packagesJson: input.packages ? path.join(dir, `${input.name}.packages.json`) : null,
    spdx: input.packages ? path.join(dir, `${input.name}.spdx.json`) : null,
    sums: path.join(dir, "SHA256SUMS"),
    archive: pkg === "none" ? null : { kind: pkg, path: path.resolve(input.outdir, `${input.name}.${pkg}`) },
  };
}

// Every file name a run for INPUT's name and disks could leave in the appliance directory, whatever formats and codecs
// were chosen then: an earlier run's .raw.xz must not sit next to this run's .raw.zst looking current.
export function possibleOutputNames(input: Pick<OutputInput, "name" | "disks">): string[] {
  const names: string[] = [];
  for (const d of input.disks) {
    for (const format of FORMAT_NAMES.filter((f) => f !== "ova")) {
      for (const codec of [null, ...formatSpec(format).codecs]) names.push(diskFileName(input.name, d.name, format, codec));
    }
  }
  names.push(...["ova", "xml", "libvirt.xml", "packages.json", "spdx.json"].map((ext) => `${input.name}.${ext}`), "SHA256SUMS");
  return [...new Set(names)].flatMap((n) => [n, `${n}.partial`]);
}
