// The registry of output formats: file name, qemu-img format, codecs, check support, and what each descriptor calls it.
import { UsageError } from "../errors.js";
import { RAW_CODEC_SUFFIX, rawCompressArgs } from "./compress.js";
import { qcow2ConvertArgs, rawCopyArgs, vdiConvertArgs, vhdxConvertArgs, vmdkConvertArgs, vpcConvertArgs, type VmdkSubformat } from "./qemu-img.js";
import type { Codec, CompressChoice, FormatName } from "./types.js";

/** Per-conversion choices the argv builders need. */
export interface ConvertChoices {
  codec: Codec | null;
  vmdkSubformat: VmdkSubformat;
  /** Compression level of raw xz/zstd; qemu-img has no level for qcow2 or vmdk. */
  level?: number;
  /** Reproducible builds: no out-of-order writes (-W), so compressed clusters land in the same place every time. */
  inOrder?: boolean;
}

/** How one output format is written and described. */
export interface FormatSpec {
  description: string;
  /** Extension of the disk file, before any compression suffix. */
  extension: string;
  /** qemu-img's name for the disk format inside (ova holds streamOptimized vmdk disks). */
  qemuFormat: string;
  /** Codecs it can use, default first; [] when the format has no compression of its own. */
  codecs: readonly Codec[];
  /** `qemu-img check` supports it (measured with qemu-img 7.2: not raw, not vpc). */
  checkable: boolean;
  /** The `format` attribute of a virt-image <disk>: what virt-image's own parser accepts; null: not expressible. */
  virtImageFormat: "raw" | "qcow2" | "vmdk" | "vdi" | null;
  /** libvirt's <driver type>; null when libvirt cannot use the file directly. */
  libvirtType: string | null;
  /** The argv that turns the raw disk SRC into DST. */
  convertArgs(src: string, dst: string, choices: ConvertChoices): string[];
}

const rawArgs = (src: string, dst: string, c: ConvertChoices): string[] => {
  if (c.codec === null) return rawCopyArgs(src, dst);
  if (c.codec === "zlib") throw new UsageError("raw disks are compressed with xz or zstd, not zlib");
  return rawCompressArgs(src, dst, c.codec, c.level);
};

const qcow2Args = (src: string, dst: string, c: ConvertChoices): string[] => {
  if (c.codec === "xz") throw new UsageError("qcow2 is compressed with zstd or zlib, not xz");
  return qcow2ConvertArgs(src, dst, c.codec, c.inOrder === true);
};

/** Every output format; tests walk this registry. */
export const outputFormats = {
  raw: {
    description: "raw disk image, xz-compressed by default (.raw.xz), zstd on request (.raw.zst), plain with --no-compress",
    extension: "raw",
    qemuFormat: "raw",
    codecs: ["xz", "zstd"],
    checkable: false,
    virtImageFormat: "raw",
    libvirtType: "raw",
    convertArgs: rawArgs,
  },
  qcow2: {
    description: "QEMU qcow2 v3 (compat 1.1), compressed by default (zstd where qemu-img has it, else zlib)",
    extension: "qcow2",
    qemuFormat: "qcow2",
    codecs: ["zstd", "zlib"],
    checkable: true,
    virtImageFormat: "qcow2",
    libvirtType: "qcow2",
    convertArgs: qcow2Args,
  },
  vmdk: {
    description: "VMware vmdk, monolithicSparse by default, streamOptimized on request",
    extension: "vmdk",
    qemuFormat: "vmdk",
    codecs: [],
    checkable: true,
    virtImageFormat: "vmdk",
    libvirtType: "vmdk",
    convertArgs: (src, dst, c) => vmdkConvertArgs(src, dst, c.vmdkSubformat),
  },
  vdi: {
    description: "VirtualBox vdi, dynamically allocated",
    extension: "vdi",
    qemuFormat: "vdi",
    codecs: [],
    checkable: true,
    virtImageFormat: "vdi",
    libvirtType: "vdi",
    convertArgs: (src, dst) => vdiConvertArgs(src, dst),
  },
  vhdx: {
    description: "Hyper-V vhdx, dynamic",
    extension: "vhdx",
    qemuFormat: "vhdx",
    codecs: [],
    checkable: true,
    virtImageFormat: null,
    libvirtType: "vhdx",
    convertArgs: (src, dst) => vhdxConvertArgs(src, dst),
  },
  vpc: {
    description: "VHD (Virtual PC / Azure), dynamic, exact virtual size",
    extension: "vhd",
    qemuFormat: "vpc",
    codecs: [],
    checkable: false,
    virtImageFormat: null,
    libvirtType: "vpc",
    convertArgs: (src, dst) => vpcConvertArgs(src, dst),
  },
  ova: {
    description: "OVF 1.0 appliance: <name>.ovf, a .mf of SHA256 sums and streamOptimized vmdk disks in one tar",
    extension: "vmdk",
    qemuFormat: "vmdk",
    codecs: [],
    checkable: true,
    virtImageFormat: null,
    libvirtType: null,
    convertArgs: (src, dst) => vmdkConvertArgs(src, dst, "streamOptimized"),
  },
} as const satisfies Record<FormatName, FormatSpec>;

// The registry entry of FORMAT, typed as the general spec.
export function formatSpec(format: FormatName): FormatSpec {
  return outputFormats[format];
}

// The codec FORMAT uses for CHOICE: none, its default, the one asked for, or its default when it does not offer that one.
export function resolveCodec(format: FormatName, choice: CompressChoice, caps: { qcow2Zstd: boolean }): Codec | null {
  const offered = formatSpec(format).codecs.filter((c) => format !== "qcow2" || c !== "zstd" || caps.qcow2Zstd);
  if (offered.length === 0 || choice === "none") return null;
  if (choice === "default") return offered[0]!;
  if (offered.includes(choice)) return choice;
  if (format === "qcow2" && choice === "zstd") {
    throw new UsageError("this qemu-img cannot write zstd-compressed qcow2 (QEMU 5.1 or later built with zstd is needed)", "use --compress=zlib");
  }
  return offered[0]!;
}

/** The file name suffix a codec adds to a disk of FORMAT (only raw gets one: qcow2 compresses inside). */
export function codecSuffix(format: FormatName, codec: Codec | null): string {
  if (format !== "raw" || codec === null || codec === "zlib") return "";
  return RAW_CODEC_SUFFIX[codec];
}
