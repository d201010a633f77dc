// Reap what a dead build left: stop its stray processes, unmount, detach its loop devices, remove its work directory
// and its unfinished files. Only what scanLeftovers attributed to a dead build is touched.
import { rm } from "node:fs/promises";
import { stopProcessesIn } from "../installer/processes.js";
import { mountsUnder, unmount } from "../partition/mount.js";
import { getLogger, run } from "../run/index.js";
import { listLoops, scanLeftovers, type Leftover } from "./leftovers.js";

/** How long a dead build's loop device may take to detach itself (its namespace is still being torn down). */
export const LOOP_GONE_DEADLINE_MS = 15_000;

/** What reaping one dead build did, and what it could not do. */
export interface ReapResult {
  workdir: string;
  done: string[];
  failures: string[];
}

async function waitLoopsGone(devices: readonly string[], deadlineMs: number): Promise<string[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const attached = new Set((await listLoops()).map((l) => l.device));
    const left = devices.filter((d) => attached.has(d));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Reap one dead build's leftovers, in the order that works: processes, mounts (deepest first), loops, files.
export async function reapLeftover(l: Leftover): Promise<ReapResult> {
  const result: ReapResult = { workdir: l.journal.workdir, done: [], failures: [] };
  const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      result.done.push(what);
    } catch (error) {
      result.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // Processes chrooted into the work directory or naming it keep mounts busy (a build that ran without namespaces).
  if (l.workdir) await attempt(`stop processes in ${l.workdir}`, () => stopProcessesIn(l.workdir!, { byArgv: true }));
  for (const m of l.mounts) await attempt(`unmount ${m}`, () => unmount(m));
  for (const d of l.loops) {
    await attempt(`detach ${d.device}`, async () => {
      await run(["partx", "-d", d.device], { reason: `remove the partitions of a dead build's ${d.device}`, allowExitCodes: [1] });
      await run(["losetup", "--detach", d.device], { reason: `detach a dead build's ${d.device}`, allowExitCodes: [1] });
    });
  }
  // A loop held by the dead build's dying namespace goes by itself (autoclear) a moment later: wait for it.
  const stuck = await waitLoopsGone(l.loops.map((d) => d.device), LOOP_GONE_DEADLINE_MS);
  for (const d of stuck) result.failures.push(`${d} is still attached (something still uses it)`);
  if (l.workdir) {
    const still = await mountsUnder(l.workdir);
    if (still.length > 0) result.failures.push(`not removing ${l.workdir}: ${still.join(", ")} still mounted`);
    else await attempt(`remove ${l.workdir}`, () => run(["rm", "-rf", "--one-file-system", "--", l.workdir!], { reason: "remove a dead build's work directory" }));
  }
  for (const f of l.files) await attempt(`remove ${f}`, () => rm(f, { force: true }));
  getLogger().info({ workdir: result.workdir, done: result.done, failures: result.failures }, "reaped a dead build");
  return result;
}

// Reap every dead build found under TMPDIRS; returns what was found and what each reaping did.
export async function reapDeadBuilds(tmpdirs: readonly string[]): Promise<{ dead: Leftover[]; results: ReapResult[]; live: number }> {
  const scan = await scanLeftovers(tmpdirs);
  const results: ReapResult[] = [];
  for (const l of scan.dead) results.push(await reapLeftover(l));
  return { dead: scan.dead, results, live: scan.live.length };
}
