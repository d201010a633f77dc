// The host tools the output stage runs for an input, and why: for the preflight check before a build starts.
import { CODEC_TOOLS } from "./compress.js";
import { resolveCodec } from "./formats.js";
import type { OutputInput } from "./types.js";

/** A host tool and the reason it is needed (the shape of build-tools.ts's ToolNeed). */
export interface OutputToolNeed {
  tool: string;
  reason: string;
}

// Every tool writeOutputs(INPUT) may run, each once, first reason first. zstd-in-qcow2 support is assumed here
// (qemu-img is needed either way); packages are read by collectPackages, which needs dpkg-query or rpm inside the build.
export function outputTools(input: Pick<OutputInput, "formats" | "compress" | "package" | "include" | "uefi">): OutputToolNeed[] {
  const needs: OutputToolNeed[] = [];
  for (const format of input.formats) {
    const codec = resolveCodec(format, input.compress, { qcow2Zstd: true });
    if (format === "raw" && (codec === "xz" || codec === "zstd")) {
      for (const tool of CODEC_TOOLS[codec]) needs.push({ tool, reason: `compress the raw disks with ${codec}` });
    } else {
      needs.push({ tool: "qemu-img", reason: `convert the disks to ${format}` });
    }
    if (format === "ova") needs.push({ tool: "tar", reason: "pack the OVA" });
  }
  needs.push({ tool: "openssl", reason: "hash the outputs for SHA256SUMS" });
  if ((input.include ?? []).length > 0) needs.push({ tool: "cp", reason: "copy the --include files" });
  const pkg = input.package ?? "none";
  if (pkg === "zip") needs.push({ tool: "zip", reason: "pack the appliance (-p zip)" });
  else if (pkg !== "none") {
    needs.push({ tool: "tar", reason: `pack the appliance (-p ${pkg})` });
    const compressor = { tar: null, "tar.gz": "gzip", "tar.bz2": "bzip2", "tar.xz": "xz" }[pkg];
    if (compressor) needs.push({ tool: compressor, reason: `compress the archive (-p ${pkg})` });
  }
  const seen = new Set<string>();
  return needs.filter((n) => !seen.has(n.tool) && seen.add(n.tool));
}
