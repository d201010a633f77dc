// qemu-img argv, one pure builder per output format, plus check/info/compare and the zstd capability probe.
import { rm } from "node:fs/promises";
import path from "node:path";
import { getLogger, isDryRun, run } from "../run/index.js";
import type { Codec } from "./types.js";

/** vmdk subformats ksimage writes: the qemu default, and the compressed one OVA and ESXi imports want. */
export type VmdkSubformat = "monolithicSparse" | "streamOptimized";

// Every conversion reads the raw disk explicitly as raw: never let qemu-img probe a guest-controlled image.
const convert = (outFormat: string, options: string[], src: string, dst: string, extra: string[] = []): string[] => [
  "qemu-img",
  "convert",
  ...extra,
  "-f",
  "raw",
  "-O",
  outFormat,
  ...(options.length > 0 ? ["-o", options.join(",")] : []),
  src,
  dst,
];

// raw -> raw, sparse: qemu-img skips zeroed 4 KiB blocks (its default -S 4k), so holes stay holes.
export function rawCopyArgs(src: string, dst: string): string[] {
  return convert("raw", [], src, dst);
}

// qcow2 v3 (compat 1.1); compressed with zstd or zlib, which -W (out-of-order writes) and -m 16 make ~40 % faster.
// IN_ORDER leaves out -W, whose writes place compressed clusters differently each run: for a reproducible zlib qcow2 (a
// reproducible zstd one is converted with -W and then put in guest order, see qcow2-order.ts).
export function qcow2ConvertArgs(src: string, dst: string, codec: Extract<Codec, "zstd" | "zlib"> | null, inOrder = false): string[] {
  if (codec === null) return convert("qcow2", ["compat=1.1"], src, dst);
  return convert("qcow2", ["compat=1.1", `compression_type=${codec}`], src, dst, ["-c", ...(inOrder ? [] : ["-W"]), "-m", "16"]);
}

// vmdk: monolithicSparse by default; streamOptimized is deflate-compressed and written in order (no -W).
export function vmdkConvertArgs(src: string, dst: string, subformat: VmdkSubformat = "monolithicSparse"): string[] {
  return convert("vmdk", [`subformat=${subformat}`], src, dst);
}

// VirtualBox's vdi, dynamically allocated (qemu's default).
export function vdiConvertArgs(src: string, dst: string): string[] {
  return convert("vdi", [], src, dst);
}

// Hyper-V's vhdx, dynamic (qemu's default).
export function vhdxConvertArgs(src: string, dst: string): string[] {
  return convert("vhdx", [], src, dst);
}

// VHD ("vpc"), dynamic; force_size keeps the exact virtual size instead of rounding it to a CHS geometry.
export function vpcConvertArgs(src: string, dst: string): string[] {
  return convert("vpc", ["subformat=dynamic", "force_size=on"], src, dst);
}

// Check an image's metadata; the format is always named (a VHD would otherwise be probed as raw).
export function qemuImgCheckArgs(file: string, qemuFormat: string): string[] {
  return ["qemu-img", "check", "-q", "-f", qemuFormat, file];
}

// Describe an image as JSON (format, virtual size, allocation).
export function qemuImgInfoArgs(file: string, qemuFormat: string): string[] {
  return ["qemu-img", "info", "--output=json", "-f", qemuFormat, file];
}

// Let qemu-img say what format FILE is: only ksimage convert does this, to refuse an input that is not the raw disk it expects
// (a probe never decides how a file is read: every conversion still names -f raw).
export function qemuImgProbeArgs(file: string): string[] {
  return ["qemu-img", "info", "--output=json", file];
}

// Compare the guest-visible contents of a raw disk and a converted one; exit 0 means identical.
export function qemuImgCompareArgs(raw: string, other: string, otherFormat: string): string[] {
  return ["qemu-img", "compare", "-q", "-f", "raw", "-F", otherFormat, raw, other];
}

/** qemu-img check exit code for "leaked clusters only": wasted space, not corruption. */
export const CHECK_LEAKS_ONLY = 3;

// Run qemu-img check on a freshly converted image; leaks are logged, corruption throws ToolError.
export async function checkImage(file: string, qemuFormat: string): Promise<void> {
  const r = await run(qemuImgCheckArgs(file, qemuFormat), { reason: `check the converted image ${path.basename(file)}`, allowExitCodes: [CHECK_LEAKS_ONLY] });
  if (r.exitCode === CHECK_LEAKS_ONLY) getLogger().warn({ file }, `qemu-img check: ${path.basename(file)} has leaked clusters (harmless, wasted space)`);
}

/** The parts of `qemu-img info --output=json` ksimage reads. */
export interface ImageInfo {
  format: string;
  virtualSize: number;
  actualSize: number;
  /** qcow2's and vmdk's cluster size in bytes; null for formats without clusters. */
  clusterSize: number | null;
}

// Read an image's format and sizes back with qemu-img info.
export async function imageInfo(file: string, qemuFormat: string): Promise<ImageInfo> {
  const { stdout } = await run(qemuImgInfoArgs(file, qemuFormat), { reason: `read back ${path.basename(file)}` });
  const info = JSON.parse(stdout) as { format: string; "virtual-size": number; "actual-size": number; "cluster-size"?: number };
  return { format: info.format, virtualSize: info["virtual-size"], actualSize: info["actual-size"], clusterSize: info["cluster-size"] ?? null };
}

let zstdProbe: Promise<boolean> | undefined;

// Whether this qemu-img writes zstd-compressed qcow2 (QEMU >= 5.1 built with libzstd): create a 1 MiB probe once.
// The probe goes into DIR, a directory the caller already cleans up (the build's work directory, or where ksimage
// convert writes): a signal or SIGKILL during the probe then leaves nothing in the system's temporary directory.
export function qemuImgHasZstd(dir: string): Promise<boolean> {
  if (isDryRun()) return Promise.resolve(true);
  zstdProbe ??= (async () => {
    const probe = path.join(dir, `.ksimage-zstd-probe-${process.pid}.qcow2`);
    try {
      const r = await run(["qemu-img", "create", "-q", "-f", "qcow2", "-o", "compression_type=zstd", probe, "1M"], {
        reason: "find out whether qcow2 can be zstd-compressed",
        allowExitCodes: [1],
      });
      return r.exitCode === 0;
    } finally {
      await rm(probe, { force: true });
    }
  })();
  return zstdProbe;
}
