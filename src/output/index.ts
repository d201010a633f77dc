// The output stage: from raw disks to every requested format, the descriptors, SHA256SUMS and the -p archive.
import { existsSync } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { getLogger, isDryRun, Teardown, type DeferHandle, type TeardownReport } from "../run/index.js";
import { writeSha256Sums } from "./checksums.js";
import { runQueues, type JobHooks, type JobResult } from "./convert.js";
import { writeDescriptors, type DescriptorOptions } from "./descriptors.js";
import { assembleOva } from "./ova.js";
import { copyIncludes, packAppliance } from "./package.js";
import { planOutputs, possibleOutputNames, type OutputPlan } from "./plan.js";
import { qemuImgHasZstd } from "./qemu-img.js";
import type { OutputFile, OutputInput, OutputReport } from "./types.js";

export type { OutputInput, OutputReport, OutputFile, FormatName, CompressChoice, PackageKind, PackageManifest, RawDisk } from "./types.js";
export { FORMAT_NAMES, PACKAGE_KINDS } from "./types.js";
export { collectPackages } from "./manifest.js";
export { outputFormats } from "./formats.js";
export { outputTools } from "./tools.js";
export type { JobHooks } from "./convert.js";
export type { DiskJob } from "./plan.js";
export { planOutputs } from "./plan.js";

export interface WriteOutputsOptions extends DescriptorOptions {
  /** The caller's stack: the removal of unfinished outputs is registered on it (so a signal cleans up), released on success. */
  teardown?: Teardown;
  /** Delete the raw inputs at the end, unless one of them is itself an output (plain raw in place). */
  removeInputs?: boolean;
  /** Where given, the removal of the written outputs stays registered on TEARDOWN and its handle goes here, for the
   *  caller to release once the whole build is finished (a signal during the last step still removes them). */
  pending?: DeferHandle[];
  /**
   * The build's work directory, for qemu-img's zstd probe file and a reproducible build's out-of-order qcow2: beside the
   * raw disks, in the appliance directory, a SIGKILL left the probe there looking like an output (the faults layer saw it
   * once). Without it the probe goes beside the raw disks and a reproducible qcow2 is converted in order.
   */
  scratchDir?: string;
  /** Another way to write some conversions, and what follows them (the image cache's qcow2). */
  jobHooks?: JobHooks;
}

// Write every output of INPUT into <outdir>/<name>/; on failure nothing written by this call is left behind.
export async function writeOutputs(input: OutputInput, opts: WriteOutputsOptions = {}): Promise<OutputReport> {
  // The probe file goes into the build's work directory (a SIGKILL's reaper removes it with the rest), else beside the raw disks.
  const probeDir = opts.scratchDir ?? (input.disks.length > 0 ? path.dirname(input.disks[0]!.rawPath) : null);
  const qcow2Zstd = input.formats.includes("qcow2") && probeDir !== null ? await qemuImgHasZstd(probeDir) : false;
  const plan = planOutputs(input, { qcow2Zstd }, opts.scratchDir);
  const missing = isDryRun() ? [] : input.disks.filter((d) => !existsSync(d.rawPath));
  if (missing.length > 0) throw new KsimageError(`no raw disk to convert: ${missing.map((d) => `${d.name} (${d.rawPath})`).join(", ")} does not exist`);
  const local = new Teardown();
  const handle = opts.teardown?.defer(`remove the unfinished outputs of ${input.name}`, () => unwindOrThrow(local));
  try {
    const report = await writeAll(input, plan, local, opts);
    if (handle !== undefined && opts.pending !== undefined) opts.pending.push(handle);
    else {
      local.move(); // finished: these files are the result, drop their removal
      handle?.release();
    }
    return report;
  } catch (error) {
    await unwindOrThrow(local);
    handle?.release();
    throw error;
  }
}

async function writeAll(input: OutputInput, plan: OutputPlan, local: Teardown, opts: WriteOutputsOptions): Promise<OutputReport> {
  const dir = plan.applianceDir;
  if (!isDryRun()) await mkdir(dir, { recursive: true });
  await removeEarlierOutputs(input, plan);
  const staging = plan.ova?.staging;
  if (staging !== undefined) {
    local.defer(`remove ${path.basename(staging)}`, () => rm(staging, { recursive: true, force: true }));
    if (!isDryRun()) await mkdir(staging, { recursive: true });
  }
  const jobs = await runQueues(plan.queues, local, opts.jobHooks);
  let ovaSeconds = 0;
  if (plan.ova !== null) {
    const ova = plan.ova;
    local.defer(`remove ${path.basename(ova.output)}`, () => rm(ova.output, { force: true }));
    const started = performance.now();
    await assembleOva(ova, { name: input.name, arch: input.arch, vcpu: input.vcpu, memoryMiB: input.memoryMiB, interfaces: input.networks.length, uefi: input.uefi }, input.epoch);
    if (!isDryRun()) await rm(ova.staging, { recursive: true, force: true });
    ovaSeconds = (performance.now() - started) / 1000;
  }
  // The raw inputs are not read again: their removal (freeing GiBs of page cache takes most of a second here) runs
  // while the descriptors and checksums are written.
  const removal = opts.removeInputs ? removeInputs(input, plan) : Promise.resolve();
  removal.catch(() => undefined);
  const hashes = await writeDescriptors(input, plan, local, opts);
  const written = outputNames(plan);
  const included = await copyIncludes(input.include ?? [], dir, new Set([...written, "SHA256SUMS"]), local);
  local.defer("remove SHA256SUMS", () => rm(plan.sums, { force: true }));
  await writeSha256Sums(dir, [...written, ...included], hashes);
  const files = await describeFiles(plan, jobs, included, ovaSeconds);
  if (plan.archive !== null) {
    const entries = [...new Set([...written, ...included.map((f) => f.split("/")[0]!), "SHA256SUMS"])];
    await packAppliance(plan.archive.kind, plan.archive.path, dir, entries, local, input.epoch);
    files.push({ ...(await sizes(plan.archive.path)), path: plan.archive.path, kind: "archive", seconds: 0 });
  }
  await removal;
  return { applianceDir: dir, files, archive: plan.archive?.path ?? null };
}

// File names (in the appliance directory) of every disk, the OVA and the descriptors this plan writes.
function outputNames(plan: OutputPlan): string[] {
  const disks = plan.queues.flat().filter((j) => j.format !== "ova").map((j) => j.output);
  const others = [plan.ova?.output, plan.virtImage?.path, plan.libvirt?.path, plan.packagesJson, plan.spdx];
  return [...disks, ...others.filter((p): p is string => typeof p === "string")].map((p) => path.basename(p));
}

// An earlier run's outputs would look like this run's: remove every name a run could have written (never an input).
async function removeEarlierOutputs(input: OutputInput, plan: OutputPlan): Promise<void> {
  const inputs = new Set(input.disks.map((d) => path.resolve(d.rawPath)));
  const candidates = [...possibleOutputNames(input).map((n) => path.join(plan.applianceDir, n)), ...(plan.archive ? [plan.archive.path, `${plan.archive.path}.partial`] : [])];
  for (const file of candidates) {
    if (inputs.has(file) || !existsSync(file)) continue;
    getLogger().info({ file }, `removing the output of an earlier run: ${file}`);
    if (!isDryRun()) await rm(file, { force: true });
  }
  if (plan.ova !== null && existsSync(plan.ova.staging) && !isDryRun()) await rm(plan.ova.staging, { recursive: true, force: true });
}

async function removeInputs(input: OutputInput, plan: OutputPlan): Promise<void> {
  const kept = new Set(plan.queues.flat().filter((j) => j.inPlace).map((j) => j.output));
  for (const d of input.disks) {
    if (kept.has(path.resolve(d.rawPath))) continue;
    if (!isDryRun()) await rm(d.rawPath, { force: true });
  }
}

async function sizes(file: string): Promise<{ bytes: number; allocatedBytes: number }> {
  if (isDryRun()) return { bytes: 0, allocatedBytes: 0 };
  const s = await stat(file);
  return { bytes: s.size, allocatedBytes: s.blocks * 512 };
}

async function describeFiles(plan: OutputPlan, jobs: JobResult[], included: string[], ovaSeconds: number): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  for (const { job, seconds } of jobs.filter((j) => j.job.format !== "ova")) {
    files.push({ ...(await sizes(job.output)), path: job.output, kind: "disk", disk: job.disk, format: job.format, ...(job.codec ? { codec: job.codec } : {}), seconds });
  }
  if (plan.ova !== null) {
    const seconds = jobs.filter((j) => j.job.format === "ova").reduce((t, j) => t + j.seconds, ovaSeconds);
    files.push({ ...(await sizes(plan.ova.output)), path: plan.ova.output, kind: "ova", format: "ova", seconds });
  }
  const descriptors: [string | null | undefined, OutputFile["kind"]][] = [
    [plan.virtImage?.path, "virt-image"],
    [plan.libvirt?.path, "libvirt"],
    [plan.packagesJson, "packages"],
    [plan.spdx, "spdx"],
    [plan.sums, "checksums"],
  ];
  for (const [file, kind] of descriptors) if (file) files.push({ ...(await sizes(file)), path: file, kind, seconds: 0 });
  for (const f of included) files.push({ ...(await sizes(path.join(plan.applianceDir, f))), path: path.join(plan.applianceDir, f), kind: "include", seconds: 0 });
  return files;
}

async function unwindOrThrow(stack: Teardown): Promise<void> {
  const report: TeardownReport = await stack.unwind();
  if (report.failures.length > 0) throw new KsimageError(`could not remove unfinished outputs: ${report.failures.map((f) => f.label).join(", ")}`);
}
