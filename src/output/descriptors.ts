// Write the descriptors next to the disks: virt-image XML, libvirt domain XML, package manifest and SPDX SBOM.
import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ksimageVersion } from "../package-root.js";
import { isDryRun, publishFile, type Teardown } from "../run/index.js";
import { sha256Of } from "./checksums.js";
import { libvirtDomainXml } from "./libvirt.js";
import { packagesJsonText } from "./manifest.js";
import { findOvmf } from "./ovmf.js";
import type { OutputPlan } from "./plan.js";
import { spdxDocument } from "./spdx.js";
import type { OutputInput } from "./types.js";
import { virtImageXml } from "./virt-image.js";

/** What the descriptors may be told from outside (tests pin time and UUID; the CLI may move the disks). */
export interface DescriptorOptions {
  /** Directory the libvirt XML says the disks are in (default: the appliance directory). */
  libvirtDiskDir?: string;
  now?: Date;
  uuid?: string;
}

// Register the file's removal, then write it through FILE.partial: a failed run leaves no descriptor behind, and a
// killed one leaves it named in its journal.
export async function writeOutputFile(file: string, text: string, teardown: Teardown): Promise<void> {
  teardown.defer(`remove ${path.basename(file)}`, async () => {
    await rm(`${file}.partial`, { force: true });
    await rm(file, { force: true });
  });
  if (isDryRun()) return;
  await writeFile(`${file}.partial`, text);
  await publishFile(`${file}.partial`, file);
}


// SHA-256 of every disk the virt-image XML names (only with --checksum); also returned so SHA256SUMS can reuse them.
async function describedHashes(input: OutputInput, plan: OutputPlan): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (!input.checksum || plan.virtImage === null) return hashes;
  await Promise.all(plan.virtImage.disks.map(async (d) => hashes.set(d.hashFrom, await sha256Of(d.hashFrom))));
  return hashes;
}

// Write every descriptor the plan has; returns the hashes computed on the way (path -> sha256).
export async function writeDescriptors(input: OutputInput, plan: OutputPlan, teardown: Teardown, opts: DescriptorOptions = {}): Promise<Map<string, string>> {
  const hashes = await describedHashes(input, plan);
  const interfaces = input.networks.length;
  if (plan.virtImage !== null) {
    const sha256 = new Map(plan.virtImage.disks.flatMap((d) => (hashes.has(d.hashFrom) ? [[d.file, hashes.get(d.hashFrom)!] as const] : [])));
    const xml = virtImageXml({ ...pick(input), interfaces, disks: plan.virtImage.disks, ...(input.checksum ? { sha256 } : {}) });
    await writeOutputFile(plan.virtImage.path, xml, teardown);
  }
  if (plan.libvirt !== null) {
    const uefi = input.uefi ? await findOvmf() : undefined;
    const diskDir = path.resolve(opts.libvirtDiskDir ?? plan.applianceDir);
    const xml = libvirtDomainXml({ ...pick(input), interfaces, diskDir, disks: plan.libvirt.disks, ...(uefi !== undefined ? { uefi } : {}) });
    await writeOutputFile(plan.libvirt.path, xml, teardown);
  }
  if (input.packages !== undefined && plan.packagesJson !== null && plan.spdx !== null) {
    await writeOutputFile(plan.packagesJson, packagesJsonText(input.name, input.packages), teardown);
    const doc = spdxDocument(input, input.packages, { created: opts.now ?? new Date(), uuid: opts.uuid ?? randomUUID(), tool: `ksimage-${ksimageVersion()}` });
    await writeOutputFile(plan.spdx, `${JSON.stringify(doc, null, 2)}\n`, teardown);
  }
  return hashes;
}

function pick(input: OutputInput) {
  return { name: input.name, version: input.version, release: input.release, arch: input.arch, vcpu: input.vcpu, memoryMiB: input.memoryMiB };
}
