// The output stage of a build: the plan's outputs (disk formats and descriptors, or the live ISO's) from its raw disks.
import { writeLiveOutputs } from "../live/outputs.js";
import type { IsoResult } from "../live/make-iso.js";
import type { BuildPlan } from "../plan.js";
import { reproducibleDocumentIds } from "../repro/descriptors.js";
import { imageCacheJobHooks } from "../image-cache/outputs.js";
import type { DeferHandle, Teardown } from "../run/index.js";
import { writeOutputs, type OutputReport, type PackageManifest } from "./index.js";

/** What the build hands the output stage besides its plan. */
export interface BuiltState {
  manifest: PackageManifest | undefined;
  iso: IsoResult | undefined;
  /** Unfinished output files: removed unless published. */
  files: Teardown;
  /** Removals of the published files, released once the whole build is finished. */
  published: DeferHandle[];
  /** The build's work directory (qemu-img's probe file goes there). */
  workdir: string;
}

// Convert the published raw disks into the requested formats, descriptors and SHA256SUMS (or the live ISO's).
export async function writePlanOutputs(plan: BuildPlan, built: BuiltState): Promise<OutputReport> {
  const o = plan.output;
  if (plan.live !== null) {
    const base = { name: plan.name, version: o.version, release: o.release, arch: "x86_64", vcpu: o.vcpu, memoryMiB: o.memoryMiB, interfaces: plan.ks.network.length };
    const iso = { iso: plan.live.iso, checksum: o.checksum, epoch: plan.live.epoch, isoSeconds: built.iso ? built.iso.seconds.squashfs + built.iso.seconds.iso : 0 };
    return writeLiveOutputs({ ...base, ...iso, ...(built.manifest ? { packages: built.manifest } : {}) }, built.files, built.published);
  }
  const plainRaw = o.formats.includes("raw") && o.compress === "none";
  return writeOutputs(
    {
      name: plan.name,
      version: o.version,
      release: o.release,
      arch: "x86_64",
      disks: plan.outputs.map((out) => ({ name: out.disk, rawPath: out.path, sizeBytes: plan.layout.disks.find((d) => d.name === out.disk)?.sizeBytes ?? 0 })),
      formats: o.formats,
      compress: o.compress,
      ...(o.compressLevel !== undefined ? { compressLevel: o.compressLevel } : {}),
      vcpu: o.vcpu,
      memoryMiB: o.memoryMiB,
      networks: plan.ks.network,
      uefi: plan.bootloader.firmware === "uefi",
      checksum: o.checksum,
      outdir: plan.outdir,
      ...(built.manifest ? { packages: built.manifest } : {}),
      package: o.package,
      include: o.include,
      ...(plan.epoch !== null ? { epoch: plan.epoch } : {}),
    },
    {
      teardown: built.files,
      pending: built.published,
      removeInputs: !plainRaw,
      scratchDir: built.workdir,
      jobHooks: imageCacheJobHooks(plan, built.workdir),
      ...(plan.epoch !== null ? reproducibleDocumentIds(plan.epoch, plan.name, built.manifest) : {}) },
  );
}
