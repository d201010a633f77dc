// The source revision of an image's packages: the sha256 of each repository's metadata (InRelease/Release for apt,
// repomd.xml or the metalink for dnf) when it was installed, kept in the package manifest; and what changed since.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { KsimageError } from "../errors.js";
import type { TreeCachePlan } from "../installer/tree-cache/index.js";
import type { SourceRevision } from "../installer/tree-cache/key.js";
import { metadataRevisions } from "../installer/tree-cache/revision.js";
import type { PackageSource } from "../installer/types.js";
import { getLogger, redact } from "../run/index.js";

/** The revisions a build installs from, or why they are not known (a liveimg, or metadata that cannot be read). */
export type SourcesResult = { sources: SourceRevision[] } | { sources: null; reason: string };

// Sources as the manifest names them: a password in a repository URL (user:PASSWORD@host) is masked.
function masked(sources: readonly SourceRevision[]): SourceRevision[] {
  return sources.map((s) => ({ source: redact(s.source), revision: s.revision }));
}

// The revisions the install uses: the cache key's (a hit unpacks exactly that tree), else read now, before the install.
export async function installSources(packages: PackageSource | null, treeCache: TreeCachePlan): Promise<SourcesResult> {
  if (packages === null) return { sources: null, reason: "no package installation (liveimg)" };
  if (treeCache.status !== "off") return { sources: masked(treeCache.inputs.sources) };
  const r = await metadataRevisions(packages);
  if (r.ok) return { sources: masked(r.sources) };
  getLogger().warn({ reason: r.reason }, `the package manifest records no source revision: ${r.reason}`);
  return { sources: null, reason: r.reason };
}

const manifestSchema = z.object({
  appliance: z.string(),
  sources: z.array(z.object({ source: z.string(), revision: z.string() })).nullable().optional(),
});

// The sources recorded in a <name>.packages.json; a manifest without them cannot be compared.
export async function readManifestSources(file: string): Promise<SourceRevision[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new KsimageError(`--manifest ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) throw new KsimageError(`--manifest ${file}: not a ksimage package manifest (<name>.packages.json)`);
  const sources = parsed.data.sources;
  if (sources === undefined || sources === null) throw new KsimageError(`--manifest ${file}: it records no source revisions (a liveimg build, or one made before ksimage recorded them)`);
  return sources;
}

// What changed in the archive between THEN (a manifest) and NOW, one phrase per source; empty when nothing did.
export function archiveChanges(then: readonly SourceRevision[], now: readonly SourceRevision[]): string[] {
  const was = new Map(then.map((s) => [s.source, s.revision]));
  const is = new Map(now.map((s) => [s.source, s.revision]));
  const out: string[] = [];
  for (const [source, revision] of is) {
    if (!was.has(source)) out.push(`${source}: not in the manifest`);
    else if (was.get(source) !== revision) out.push(`${source}: metadata changed (sha256 ${was.get(source)!.slice(0, 12)} -> ${revision.slice(0, 12)})`);
  }
  for (const source of was.keys()) if (!is.has(source)) out.push(`${source}: in the manifest, no longer a source`);
  return out;
}

/** What `ksimage plan --manifest` reports. */
export interface ArchiveCheck {
  manifest: string;
  changed: boolean;
  changes: string[];
}

// Compare the archive as it is now with the one MANIFEST's image was installed from.
export async function checkArchive(manifest: string, packages: PackageSource | null): Promise<ArchiveCheck> {
  const then = await readManifestSources(manifest);
  if (packages === null) throw new KsimageError(`--manifest ${manifest}: this kickstart installs no packages (liveimg): there is no archive to compare`);
  const now = await metadataRevisions(packages);
  if (!now.ok) throw new KsimageError(`--manifest ${manifest}: ${now.reason}`);
  const changes = archiveChanges(then, masked(now.sources));
  return { manifest, changed: changes.length > 0, changes };
}
