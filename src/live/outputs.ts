// The files beside the ISO: virt-image and libvirt XML, package manifest, SPDX SBOM and SHA256SUMS covering them all.
import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { sha256Of, writeSha256Sums } from "../output/checksums.js";
import { writeOutputFile } from "../output/descriptors.js";
import { packagesJsonText } from "../output/manifest.js";
import { findOvmf } from "../output/ovmf.js";
import { spdxDocument } from "../output/spdx.js";
import type { OutputFile, OutputReport, PackageManifest } from "../output/types.js";
import { ksimageVersion } from "../package-root.js";
import { isDryRun, Teardown, type DeferHandle } from "../run/index.js";
import { liveLibvirtXml, liveVirtImageXml, type LiveMachine } from "./descriptors.js";

/** What the ISO's outputs are written from. */
export interface LiveOutputInput extends Omit<LiveMachine, "isoFile" | "sha256"> {
  iso: string;
  /** appliance-creator's --checksum: the ISO's sha256 in the virt-image XML too. */
  checksum: boolean;
  packages?: PackageManifest;
  epoch: number | null;
  isoSeconds: number;
}

async function sizes(file: string): Promise<{ bytes: number; allocatedBytes: number }> {
  if (isDryRun()) return { bytes: 0, allocatedBytes: 0 };
  const s = await stat(file);
  return { bytes: s.size, allocatedBytes: s.blocks * 512 };
}

// Write every file that goes with the ISO into its directory; until all are written, a failure (or signal) removes them.
// PENDING: where given, their removal stays registered on OUTER and its handle goes there, for the caller to
// release once the whole build is finished (a signal during the last step still removes them).
export async function writeLiveOutputs(input: LiveOutputInput, outer: Teardown, pending?: DeferHandle[]): Promise<OutputReport> {
  const local = new Teardown();
  const handle = outer.defer("remove the unfinished files beside the ISO", async () => void (await local.unwind()));
  try {
    const report = await writeAll(input, local);
    if (pending) pending.push(handle);
    else {
      local.move(); // finished: these files are the result
      handle.release();
    }
    return report;
  } catch (error) {
    await local.unwind();
    handle.release();
    throw error;
  }
}

async function writeAll(input: LiveOutputInput, teardown: Teardown): Promise<OutputReport> {
  const dir = path.dirname(input.iso);
  const isoFile = path.basename(input.iso);
  const known = new Map<string, string>();
  if (input.checksum) known.set(input.iso, await sha256Of(input.iso));
  const machine: LiveMachine = { ...input, isoFile, ...(input.checksum ? { sha256: known.get(input.iso)! } : {}) };
  const files: [string, OutputFile["kind"]][] = [
    [path.join(dir, `${input.name}.xml`), "virt-image"],
    [path.join(dir, `${input.name}.libvirt.xml`), "libvirt"],
  ];
  await writeOutputFile(files[0]![0], liveVirtImageXml(machine), teardown);
  await writeOutputFile(files[1]![0], liveLibvirtXml(machine, dir, await findOvmf()), teardown);
  if (input.packages !== undefined) {
    const pkgs = path.join(dir, `${input.name}.packages.json`);
    const spdx = path.join(dir, `${input.name}.spdx.json`);
    await writeOutputFile(pkgs, packagesJsonText(input.name, input.packages), teardown);
    const created = input.epoch !== null ? new Date(input.epoch * 1000) : new Date();
    const doc = spdxDocument(input, input.packages, { created, uuid: randomUUID(), tool: `ksimage-${ksimageVersion()}` });
    await writeOutputFile(spdx, `${JSON.stringify(doc, null, 2)}\n`, teardown);
    files.push([pkgs, "packages"], [spdx, "spdx"]);
  }
  const sums = path.join(dir, "SHA256SUMS");
  await writeOutputFile(sums, "", teardown);
  await writeSha256Sums(dir, [isoFile, ...files.map(([f]) => path.basename(f))], known);
  const report: OutputFile[] = [{ ...(await sizes(input.iso)), path: input.iso, kind: "disk", seconds: input.isoSeconds }];
  for (const [file, kind] of [...files, [sums, "checksums"] as [string, OutputFile["kind"]]]) report.push({ ...(await sizes(file)), path: file, kind, seconds: 0 });
  return { applianceDir: dir, files: report, archive: null };
}
