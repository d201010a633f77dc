// A compressed qcow2 from the image cache, patched instead of converted again. A build that stored an entry also keeps
// its finished qcow2 and the clusters its %post changed in the stored disk. A build from that entry then copies the
// qcow2 and rewrites only the clusters either build changed (its own %post's, found by comparing its raw disk with the
// stored one, and the first build's): compressing a few MiB instead of the whole disk. Same guest content (the
// integration test compares it with qemu-img compare); any problem falls back to a plain conversion.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { getLogger, recordPhase, run } from "../run/index.js";
import { imageInfo } from "../output/qemu-img.js";
import { changedClusters, clusterRuns, extentBytes, type Extent } from "./changed.js";
import { IMAGE_PARTIAL_PREFIX, sparseCopyArgs, type ImageEntry } from "./store.js";

/** What a conversion job tells the patcher: its disk, raw input, the file it writes, and the qemu-img argv it would run. */
export interface Qcow2Job {
  disk: string;
  source: string;
  partial: string;
  argv: readonly string[];
}

const BaseSchema = z.object({
  /** The conversion's argv with its input and output paths as placeholders: the same options make the same clusters. */
  recipe: z.array(z.string()),
  clusterBytes: z.number().int().positive(),
  virtualBytes: z.number().int().positive(),
  /** The clusters where the build that made this qcow2 differed from the stored raw disk (what its %post changed). */
  changed: z.array(z.object({ start: z.number().int().nonnegative(), length: z.number().int().positive() })),
  /** The qcow2 file's size and ctime when stored: a qcow2 changed since (booted, edited) is not used. */
  bytes: z.number().int().nonnegative(),
  ctimeMs: z.number(),
});
type BaseMeta = z.infer<typeof BaseSchema>;

/** A patch larger than this share of the disk's data compresses on one thread: a plain conversion (two) is faster. */
export const MAX_PATCH_SHARE = 1 / 3;
/** qemu-io runs one command line per range: beyond this many, convert instead. */
const MAX_RANGES = 2000;

const baseFile = (entry: ImageEntry, disk: string): string => path.join(entry.dir, `${disk}.qcow2`);
const metaFile = (entry: ImageEntry, disk: string): string => path.join(entry.dir, `${disk}.qcow2.json`);

// ARGV with the job's input and output replaced by placeholders.
export function conversionRecipe(job: Pick<Qcow2Job, "source" | "partial" | "argv">): string[] {
  return job.argv.map((a) => (a === job.source ? "<raw>" : a === job.partial ? "<qcow2>" : a));
}

function storedRaw(entry: ImageEntry, disk: string): string | null {
  const d = entry.meta.disks.find((x) => x.name === disk);
  return d === undefined ? null : path.join(entry.dir, d.file);
}

// After a plain conversion of JOB (its qcow2 published at OUTPUT), keep the qcow2 in ENTRY with what its %post changed.
// Returns why it was not kept, or null. Never fails the build: the caller logs what it returns.
export async function storeQcow2Base(entry: ImageEntry, job: Qcow2Job, output: string): Promise<string | null> {
  const raw = storedRaw(entry, job.disk);
  if (raw === null) return `the entry has no disk ${job.disk}`;
  const started = performance.now();
  const info = await imageInfo(output, "qcow2");
  const [clusterBytes, virtualBytes] = [info.clusterSize ?? 0, info.virtualSize];
  if (clusterBytes <= 0 || virtualBytes % clusterBytes !== 0) return "the disk is not a whole number of qcow2 clusters";
  const changed = await changedClusters(job.source, raw, clusterBytes);
  recordPhase("image cache: compare", (performance.now() - started) / 1000);
  const data = (await stat(raw)).blocks * 512;
  if (extentBytes(changed) > data * MAX_PATCH_SHARE) return `%post changed ${extentBytes(changed)} bytes of ${data}: later builds convert in full`;
  // Written beside the entries under the partial prefix: what a SIGKILL leaves is then `ksimage cache prune`'s to remove.
  const tmp = path.join(path.dirname(entry.dir), `${IMAGE_PARTIAL_PREFIX}qcow2-${entry.key.slice(0, 12)}-${job.disk}-${randomBytes(4).toString("hex")}`);
  try {
    await run(sparseCopyArgs(output, tmp), { reason: `keep the qcow2 of disk ${job.disk} in the image cache`, phase: "image cache: qcow2" });
    const s = await stat(tmp);
    const meta: BaseMeta = { recipe: conversionRecipe(job), clusterBytes, virtualBytes, changed, bytes: s.size, ctimeMs: s.ctimeMs };
    await rename(tmp, baseFile(entry, job.disk));
    // The qcow2's ctime moved with the rename on some file systems: record it as it is now.
    meta.ctimeMs = (await stat(baseFile(entry, job.disk))).ctimeMs;
    await writeFile(`${tmp}.json`, JSON.stringify(meta) + "\n", { mode: 0o600 });
    await rename(`${tmp}.json`, metaFile(entry, job.disk));
    return null;
  } finally {
    await Promise.all([rm(tmp, { force: true }), rm(`${tmp}.json`, { force: true })]);
  }
}

async function readBase(entry: ImageEntry, job: Qcow2Job): Promise<{ meta: BaseMeta } | { problem: string }> {
  let meta: BaseMeta;
  try {
    meta = BaseSchema.parse(JSON.parse(await readFile(metaFile(entry, job.disk), "utf8")));
  } catch {
    return { problem: "the entry keeps no qcow2 of this disk" };
  }
  if (conversionRecipe(job).join("\0") !== meta.recipe.join("\0")) return { problem: "its qcow2 was made with other options" };
  const s = await stat(baseFile(entry, job.disk)).catch(() => null);
  if (s === null || s.size !== meta.bytes || s.ctimeMs !== meta.ctimeMs) return { problem: "its qcow2 was changed after it was stored" };
  if ((await stat(job.source)).size !== meta.virtualBytes) return { problem: "the disk's size differs" };
  return { meta };
}

/** The qemu-io commands that put RANGES of the raw disk (read from CHUNKS, one file per range, or null: zeros) into a qcow2. */
export function patchCommands(ranges: readonly { start: number; length: number; chunk: string | null }[]): string[] {
  // A discard first: compression never overwrites a cluster in place. A zero range stays discarded (reads as zeros).
  return ranges.flatMap((r) => [
    "-c",
    `discard -q ${r.start} ${r.length}`,
    ...(r.chunk === null ? [] : ["-c", `write -c -q -s ${r.chunk} ${r.start} ${r.length}`]),
  ]);
}

// Split RANGES of FILE into zero and non-zero cluster runs, writing each non-zero run into a file of its own in DIR
// (qemu-io's write -s reads a run's bytes from the start of a file). One cluster is in memory at a time.
async function chunkRanges(file: string, ranges: readonly Extent[], cluster: number, dir: string): Promise<{ start: number; length: number; chunk: string | null }[]> {
  const out: { start: number; length: number; chunk: string | null }[] = [];
  const [zero, buf] = [Buffer.alloc(cluster), Buffer.alloc(cluster)];
  const input = await open(file, "r");
  let writer: FileHandle | null = null;
  try {
    for (const r of ranges) {
      for (let at = r.start; at < r.start + r.length; at += cluster) {
        const { bytesRead } = await input.read(buf, 0, cluster, at);
        buf.fill(0, bytesRead);
        const isZero = buf.equals(zero);
        const last = out.at(-1);
        if (last === undefined || last.start + last.length !== at || (last.chunk === null) !== isZero) {
          await writer?.close();
          writer = null;
          out.push({ start: at, length: 0, chunk: isZero ? null : path.join(dir, `${out.length}`) });
          if (!isZero) writer = await open(out.at(-1)!.chunk!, "wx", 0o600);
        }
        out.at(-1)!.length += cluster;
        if (!isZero) await writer!.write(buf);
      }
    }
  } finally {
    await writer?.close();
    await input.close();
  }
  return out;
}

// Write JOB's qcow2 by patching ENTRY's stored one; false (nothing written) when there is none that fits or the patch
// would be too big, so the caller converts. WORKDIR holds the changed ranges while qemu-io reads them.
export async function patchQcow2(entry: ImageEntry, job: Qcow2Job, workdir: string): Promise<boolean> {
  const log = getLogger();
  const raw = storedRaw(entry, job.disk);
  const base = raw === null ? { problem: `the entry has no disk ${job.disk}` } : await readBase(entry, job);
  if (raw === null || "problem" in base) {
    log.info({ disk: job.disk }, `qcow2 of disk ${job.disk} converted in full: ${"problem" in base ? base.problem : ""}`);
    return false;
  }
  const started = performance.now();
  const cluster = base.meta.clusterBytes;
  // Both builds' changes, as one sorted list of merged cluster runs.
  const ranges = clusterRuns([...(await changedClusters(job.source, raw, cluster)), ...base.meta.changed], cluster);
  recordPhase("image cache: compare", (performance.now() - started) / 1000);
  const data = (await stat(job.source)).blocks * 512;
  if (extentBytes(ranges) > data * MAX_PATCH_SHARE || ranges.length > MAX_RANGES) {
    log.info({ disk: job.disk, bytes: extentBytes(ranges), ranges: ranges.length }, `qcow2 of disk ${job.disk} converted in full: the change is too big to patch`);
    return false;
  }
  const dir = path.join(workdir, `qcow2-patch-${job.disk}-${randomBytes(4).toString("hex")}`);
  // qemu-io splits its command lines at blanks: a path with one cannot be named in them.
  if (/\s/.test(dir)) return false;
  await mkdir(dir, { recursive: true });
  try {
    const chunks = await chunkRanges(job.source, ranges, cluster, dir);
    await run(sparseCopyArgs(baseFile(entry, job.disk), job.partial), { reason: `copy the stored qcow2 of disk ${job.disk}`, phase: "image cache: qcow2" });
    // -t unsafe: no flush to the disk when qemu-io closes the file (a converted output is not flushed either).
    await run(["qemu-io", "-f", "qcow2", "-t", "unsafe", "-d", "unmap", ...patchCommands(chunks), job.partial], {
      reason: `write the ${extentBytes(ranges)} bytes %post changed into the qcow2 of disk ${job.disk}`,
      phase: "image cache: qcow2",
    });
    log.info({ disk: job.disk, bytes: extentBytes(ranges), ranges: ranges.length }, `qcow2 of disk ${job.disk} patched from the image cache`);
    return true;
  } catch (error) {
    log.warn({ err: error, disk: job.disk }, `patching the stored qcow2 of disk ${job.disk} failed: converting in full`);
    await rm(job.partial, { force: true });
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
