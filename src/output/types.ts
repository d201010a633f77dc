// The input of the output stage and what it reports: an explicit interface, so it depends neither on build.ts nor on the kickstart.

/** The output formats ksimage writes; "vpc" is the VHD format, "ova" an OVF 1.0 appliance archive. */
export const FORMAT_NAMES = ["raw", "qcow2", "vmdk", "vdi", "vhdx", "vpc", "ova"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** What the user asked for: the format's default codec, none, or one codec by name. */
export type CompressChoice = "default" | "none" | "xz" | "zstd" | "zlib";
/** A codec one format actually uses. */
export type Codec = "xz" | "zstd" | "zlib";

/** One raw disk image the build produced. */
export interface RawDisk {
  /** The kickstart's disk name (sda, vdb...): part of every output name. */
  name: string;
  rawPath: string;
  sizeBytes: number;
}

/** One installed package, as the package database of the image says. */
export interface InstalledPackage {
  name: string;
  /** null when the package has none. */
  epoch: string | null;
  version: string;
  /** Debian revision or RPM release; null for a Debian native package. */
  release: string | null;
  arch: string;
  /** Debian source package name, or the RPM's source RPM file name; null when unknown. */
  source: string | null;
  /** RPM's License tag; Debian's database has none (null). */
  license: string | null;
}

/** The packages of an installed root and which database they came from. */
export interface PackageManifest {
  manager: "dpkg" | "rpm" | "none";
  /** ID and VERSION_ID of the image's os-release, for package URLs. */
  os: { id: string; versionId: string | null; prettyName: string | null } | null;
  packages: InstalledPackage[];
  /** The repositories' metadata revisions when installed (src/repro/sources.ts); null when not known, absent for a liveimg. */
  sources?: { source: string; revision: string }[] | null;
}

/** appliance-creator's -p: how the finished output directory is delivered. */
export const PACKAGE_KINDS = ["none", "tar", "tar.gz", "tar.bz2", "tar.xz", "zip"] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

/** Everything writeOutputs needs; the lead fills it from the BuildPlan and the kickstart. */
export interface OutputInput {
  name: string;
  /** virt-image `version` / `release` attributes (appliance-creator's --version/--release); null to leave out. */
  version: string | null;
  release: string | null;
  /** Guest architecture as uname -m says it (x86_64, aarch64...). */
  arch: string;
  disks: RawDisk[];
  /** In the order asked; the first one a descriptor can express is the one it describes. */
  formats: FormatName[];
  compress: CompressChoice;
  /** Level of raw xz (0-9) or zstd (1-19) compression; default: the tool's (xz -6, zstd -3). */
  compressLevel?: number;
  /** Subformat of the vmdk output (the OVA always holds streamOptimized disks); default monolithicSparse. */
  vmdkSubformat?: "monolithicSparse" | "streamOptimized";
  vcpu: number;
  memoryMiB: number;
  /** The kickstart's network lines: one virtual NIC each. */
  networks: readonly unknown[];
  uefi: boolean;
  /** appliance-creator's --checksum: sha256 in the virt-image XML too (SHA256SUMS is always written). */
  checksum: boolean;
  /** Outputs go to <outdir>/<name>/. */
  outdir: string;
  /** Taken from the installed root before unmount (collectPackages); without it no manifest or SBOM is written. */
  packages?: PackageManifest;
  /** appliance-creator's -p (default none). */
  package?: PackageKind;
  /** appliance-creator's --include: files or directories copied into the output directory. */
  include?: string[];
  /** SOURCE_DATE_EPOCH of a reproducible build: archive times, and a compressed qcow2 in guest order (qcow2-order.ts). */
  epoch?: number;
}

/** One file writeOutputs wrote, with what it cost. */
export interface OutputFile {
  path: string;
  kind: "disk" | "ova" | "virt-image" | "libvirt" | "packages" | "spdx" | "checksums" | "include" | "archive";
  disk?: string;
  format?: FormatName;
  codec?: Codec;
  /** Apparent size. */
  bytes: number;
  /** Blocks allocated on the host filesystem (sparse files are smaller). */
  allocatedBytes: number;
  seconds: number;
}

/** What writeOutputs did. */
export interface OutputReport {
  applianceDir: string;
  /** Every file written, with its size and time; with -p they were then packed into the archive and removed. */
  files: OutputFile[];
  /** Set when -p packed the directory into one archive. */
  archive: string | null;
}
