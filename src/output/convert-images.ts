// Convert existing raw images (ksimage convert): check the inputs, run the planned jobs with the build's runner, refresh each SHA256SUMS.
import { constants, existsSync } from "node:fs";
import { access, mkdir, open, rm, stat } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { getLogger, run, Teardown, type TeardownReport } from "../run/index.js";
import { sha256Of, type SumLine } from "./checksums.js";
import { runQueues } from "./convert.js";
import { planImageConversions, type ImageConversionInput, type ImageConversionPlan } from "./image-conversions.js";
import { qemuImgHasZstd, qemuImgProbeArgs } from "./qemu-img.js";
import { mergeSumLines, readSha256Sums, replaceSha256Sums } from "./sums-file.js";
import type { Codec, FormatName } from "./types.js";

/** One file ksimage convert wrote. */
export interface ConvertedFile {
  image: string;
  path: string;
  format: FormatName;
  codec: Codec | null;
  bytes: number;
  sha256: string;
  seconds: number;
}

export interface ConvertImagesOptions {
  /** The caller's stack: the removal of unfinished outputs is registered on it (so a signal cleans up), released at the end. */
  teardown?: Teardown;
  /** One human line per conversion. */
  log?: (line: string) => void;
}

/** Magic numbers of compressed files, which qemu-img would take for raw disk contents. */
const COMPRESSED: [magic: number[], name: string, hint: string][] = [
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz", "unxz -k"],
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd", "unzstd"],
  [[0x1f, 0x8b], "gzip", "gunzip -k"],
];

// Refuse what is not a readable raw image: missing, not a file, compressed, or another format by qemu-img's probe.
export async function checkRawImage(image: string): Promise<void> {
  const info = await stat(image).catch(() => null);
  if (info === null) throw new KsimageError(`${image} does not exist`);
  if (!info.isFile()) throw new KsimageError(`${image} is not a file`, "ksimage convert reads raw disk image files");
  await access(image, constants.R_OK).catch(() => {
    throw new KsimageError(`cannot read ${image}: permission denied`);
  });
  const head = Buffer.alloc(6);
  const fd = await open(image, "r");
  await fd.read(head, 0, head.length, 0).finally(() => fd.close());
  for (const [magic, name, tool] of COMPRESSED) {
    if (magic.every((b, i) => head[i] === b)) throw new KsimageError(`${image} is ${name}-compressed, not a raw image`, `decompress it first (${tool} ${image})`);
  }
  const { stdout } = await run(qemuImgProbeArgs(image), { reason: `find out whether ${path.basename(image)} is a raw image` });
  const format = (JSON.parse(stdout) as { format?: string }).format;
  if (format !== "raw") throw new KsimageError(`${image} is a ${format} image, not a raw one`, `convert it with qemu-img convert -O raw, or give ksimage convert the raw disk`);
}

// Make DIR if needed and check that outputs can be written there.
async function writableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new KsimageError(`cannot write to ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, "choose a directory you can write to with --outdir");
  }
}

// Convert every image of INPUT into every format; on failure nothing this call wrote is left, and each SHA256SUMS stays true.
export async function convertImages(input: ImageConversionInput, opts: ConvertImagesOptions = {}): Promise<ConvertedFile[]> {
  for (const image of input.images) await checkRawImage(image);
  // The probe file goes where the first output goes (the directory is checked for writing below, and made if need be).
  let qcow2Zstd = false;
  if (input.formats.includes("qcow2") && input.images.length > 0) {
    if (input.outdir !== null) await writableDir(input.outdir);
    qcow2Zstd = await qemuImgHasZstd(input.outdir ?? path.dirname(path.resolve(input.images[0]!)));
  }
  const plan = planImageConversions(input, { qcow2Zstd });
  const sums = new Map<string, SumLine[]>();
  for (const { dir } of plan.dirs) {
    await writableDir(dir);
    sums.set(dir, await readSha256Sums(dir));
  }
  const local = new Teardown();
  const handle = opts.teardown?.defer("remove the unfinished conversions", () => unwindOrThrow(local));
  try {
    await removeEarlierOutputs(plan, sums, local);
    for (const job of plan.queues.flat()) opts.log?.(`converting ${job.source} to ${job.format}${job.codec ? ` (${job.codec})` : ""}: ${job.output}`);
    const jobs = await runQueues(plan.queues, local);
    const files = await Promise.all(
      jobs.map(async ({ job, seconds }) => ({
        image: job.source,
        path: job.output,
        format: job.format,
        codec: job.codec,
        bytes: (await stat(job.output)).size,
        sha256: await sha256Of(job.output),
        seconds,
      })),
    );
    for (const { dir } of plan.dirs) {
      const added = files.filter((f) => path.dirname(f.path) === dir).map((f) => ({ name: path.basename(f.path), sha256: f.sha256 }));
      await replaceSha256Sums(dir, mergeSumLines(sums.get(dir) ?? [], new Set(), added), local);
    }
    for (const f of files) opts.log?.(`wrote ${f.path} in ${f.seconds.toFixed(1)} s`);
    local.move(); // finished: these files are the result, drop their removal
    return files;
  } catch (error) {
    await unwindOrThrow(local);
    throw error;
  } finally {
    handle?.release();
  }
}

// A file of an earlier run with an output's name goes first, and so does its SHA256SUMS line: a failed run leaves no stale line.
async function removeEarlierOutputs(plan: ImageConversionPlan, sums: Map<string, SumLine[]>, local: Teardown): Promise<void> {
  for (const job of plan.queues.flat()) {
    for (const file of [job.output, job.partial]) {
      if (!existsSync(file)) continue;
      getLogger().info({ file }, `removing the output of an earlier run: ${file}`);
      await rm(file, { force: true });
    }
  }
  for (const { dir, names } of plan.dirs) {
    const before = sums.get(dir) ?? [];
    const after = mergeSumLines(before, new Set(names));
    if (after.length === before.length) continue;
    await replaceSha256Sums(dir, after, local);
    sums.set(dir, after);
  }
}

async function unwindOrThrow(stack: Teardown): Promise<void> {
  const report: TeardownReport = await stack.unwind();
  if (report.failures.length > 0) throw new KsimageError(`could not remove unfinished outputs: ${report.failures.map((f) => f.label).join(", ")}`);
}
