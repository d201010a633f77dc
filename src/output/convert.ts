// Run the planned conversions: disks in parallel, each disk's formats in turn; write .partial, check, then rename.
import { rm } from "node:fs/promises";
import path from "node:path";
import { getLogger, isDryRun, publishFile, recordPhase, run, settleAll, type Teardown } from "../run/index.js";
import type { DiskJob } from "./plan.js";
import { reorderQcow2 } from "./qcow2-order.js";
import { checkImage } from "./qemu-img.js";

/** One finished conversion and its wall-clock time. */
export interface JobResult {
  job: DiskJob;
  seconds: number;
}

/** Another way to write a job's output, and what follows its publication (the image cache's stored qcow2). */
export interface JobHooks {
  /** Write job.partial without qemu-img convert; false when it did not (nothing is left at job.partial then). */
  instead?(job: DiskJob): Promise<boolean>;
  /** Called once job.output is published; never throws. */
  after?(job: DiskJob): Promise<void>;
}

// Convert one disk into one format. Its files are registered for removal before anything is written.
export async function runDiskJob(job: DiskJob, teardown: Teardown, hooks: JobHooks = {}): Promise<JobResult> {
  if (job.inPlace) return { job, seconds: 0 };
  const unordered = job.unordered;
  teardown.defer(`remove ${path.basename(job.output)}`, async () => {
    if (unordered !== null) await rm(unordered, { force: true });
    await rm(job.partial, { force: true });
    await rm(job.output, { force: true });
  });
  const started = performance.now();
  const what = job.codec === null ? job.format : `${job.format} (${job.codec})`;
  if (!((await hooks.instead?.(job)) ?? false)) {
    await run(job.argv, { reason: `convert disk ${job.disk} to ${what}${unordered !== null ? ", out of order" : ""}` });
    if (unordered !== null) await putInOrder(unordered, job);
  }
  if (job.checkFormat !== null) await checkImage(job.partial, job.checkFormat);
  await publishFile(job.partial, job.output);
  await hooks.after?.(job);
  const seconds = (performance.now() - started) / 1000;
  getLogger().info({ disk: job.disk, format: job.format, codec: job.codec, output: job.output, seconds }, `wrote ${path.basename(job.output)} in ${seconds.toFixed(1)} s`);
  return { job, seconds };
}

// A reproducible build's qcow2, converted out of order, rewritten in guest order into the job's partial file.
async function putInOrder(unordered: string, job: DiskJob): Promise<void> {
  if (isDryRun()) return;
  const started = performance.now();
  const { clusters } = await reorderQcow2(unordered, job.partial);
  await rm(unordered, { force: true });
  const seconds = (performance.now() - started) / 1000;
  recordPhase("qcow2 order", seconds);
  getLogger().info({ disk: job.disk, clusters, seconds }, `put the ${clusters} clusters of ${path.basename(job.output)} in guest order`);
}

// Run every queue at once and each queue in order; wait for all before reporting the first failure,
// so that no conversion is still writing when the caller removes the files.
export async function runQueues(queues: readonly DiskJob[][], teardown: Teardown, hooks: JobHooks = {}): Promise<JobResult[]> {
  const done = await settleAll(
    queues.map(async (queue) => {
      const results: JobResult[] = [];
      for (const job of queue) results.push(await runDiskJob(job, teardown, hooks));
      return results;
    }),
  );
  return done.flat();
}
