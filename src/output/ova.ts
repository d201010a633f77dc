// Pack the OVA: the OVF descriptor first, then the .mf of SHA256 sums, then the streamOptimized vmdk disks, in one tar.
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { isDryRun, run, publishFile } from "../run/index.js";
import { sha256Of } from "./checksums.js";
import { ovfEnvelope, type OvfSpec } from "./ovf.js";
import type { OvaPlan } from "./plan.js";

/** Largest member a ustar header can describe (11 octal digits); bigger disks need the pax format. */
export const USTAR_MAX_BYTES = 8 * 1024 ** 3 - 1;

// One manifest line in the OVF form: "SHA256(file)= hex".
export function manifestLine(file: string, sha256: string): string {
  return `SHA256(${file})= ${sha256}\n`;
}

// Parse a .mf back into file -> sha256 (the tests verify the archive with it).
export function parseManifest(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^SHA256\((.+)\)= ([0-9a-f]{64})$/.exec(line.trim());
    if (m) sums.set(m[1]!, m[2]!);
  }
  return sums;
}

// tar the members in the given order (OVF first, as the OVF spec requires), owned by root, ustar unless a member is too big.
// With EPOCH (reproducible builds) every member gets that mtime, and a pax archive no atime or ctime.
export function ovaTarArgs(output: string, staging: string, members: readonly { name: string; bytes: number }[], epoch?: number): string[] {
  const format = members.some((m) => m.bytes > USTAR_MAX_BYTES) ? "posix" : "ustar";
  const times = epoch === undefined ? [] : [`--mtime=@${epoch}`, ...(format === "posix" ? ["--pax-option=delete=atime,delete=ctime"] : [])];
  return ["tar", `--format=${format}`, "--owner=0", "--group=0", "--numeric-owner", "--mode=0644", ...times, "-cf", output, "-C", staging, "--", ...members.map((m) => m.name)];
}

// With every vmdk already in the staging directory: write the OVF and the .mf, tar them, publish the .ova by rename.
export async function assembleOva(plan: OvaPlan, machine: Omit<OvfSpec, "disks">, epoch?: number): Promise<void> {
  const inStaging = (f: string): string => path.join(plan.staging, f);
  const sizeOf = async (f: string): Promise<number> => (isDryRun() ? 0 : (await stat(inStaging(f))).size);
  const disks = await Promise.all(plan.disks.map(async (d) => ({ file: d.file, fileBytes: await sizeOf(d.file), capacityBytes: d.sizeBytes })));
  if (!isDryRun()) await writeFile(inStaging(plan.ovf), ovfEnvelope({ ...machine, disks }));
  const hashed = [plan.ovf, ...disks.map((d) => d.file)];
  const sums = await Promise.all(hashed.map(async (f) => manifestLine(f, await sha256Of(inStaging(f)))));
  if (!isDryRun()) await writeFile(inStaging(plan.mf), sums.join(""));
  const members = await Promise.all([plan.ovf, plan.mf, ...disks.map((d) => d.file)].map(async (name) => ({ name, bytes: await sizeOf(name) })));
  await run(ovaTarArgs(plan.partial, plan.staging, members, epoch), { reason: `pack ${path.basename(plan.output)}` });
  await publishFile(plan.partial, plan.output);
}
