// The image cache in the output stage: a build from an entry patches the entry's qcow2 instead of converting its disk;
// a build that stored an entry keeps its qcow2 there for the next ones.
import type { DiskJob, JobHooks } from "../output/index.js";
import type { BuildPlan } from "../plan.js";
import { getLogger, isDryRun } from "../run/index.js";
import { patchQcow2, storeQcow2Base } from "./qcow2-base.js";
import { readImageEntry } from "./store.js";

// Only compressed qcow2 is patched: the other formats convert fast, or have no clusters to rewrite one by one.
const patchable = (job: DiskJob): boolean => job.format === "qcow2" && job.codec !== null;

// The conversion hooks of PLAN's build (work directory WORKDIR), or none when the image cache is off.
export function imageCacheJobHooks(plan: Pick<BuildPlan, "imageCache">, workdir: string): JobHooks {
  const ic = plan.imageCache;
  if (ic.status === "off" || isDryRun()) return {};
  const entry = async () => (await readImageEntry(ic.dir, ic.key)).entry;
  if (ic.status === "hit") {
    return {
      instead: async (job) => {
        const e = patchable(job) ? await entry() : null;
        return e !== null && patchQcow2(e, job, workdir);
      },
    };
  }
  return {
    after: async (job) => {
      if (!patchable(job)) return;
      try {
        const e = await entry();
        const why = e === null ? "no entry was stored" : await storeQcow2Base(e, job, job.output);
        if (why !== null) getLogger().info({ disk: job.disk }, `the qcow2 of disk ${job.disk} is not kept in the image cache: ${why}`);
      } catch (error) {
        getLogger().warn({ err: error, disk: job.disk }, `the qcow2 of disk ${job.disk} could not be kept in the image cache`);
      }
    },
  };
}
