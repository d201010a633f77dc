// The identifiers a descriptor must not take from the clock or a random source in a reproducible build.
import { createHash } from "node:crypto";
import type { PackageManifest } from "../output/index.js";
import { planUuid } from "../partition/filesystems.js";

// SPDX's creation time and document UUID from the epoch, the appliance and its package list: the same inputs, the same SBOM.
export function reproducibleDocumentIds(epoch: number, name: string, manifest: PackageManifest | undefined): { now: Date; uuid: string } {
  const packages = createHash("sha256").update(JSON.stringify(manifest ?? null)).digest("hex");
  return { now: new Date(epoch * 1000), uuid: planUuid(String(epoch), `${name}:spdx:${packages}`) };
}
