// Before and around the steps of a build: what the plan and host must allow, and the work directory.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import type { BuildOptions } from "./build.js";
import { checkTools } from "./build-tools.js";
import { KsimageError, PlanError } from "./errors.js";
import { readHostConfig } from "./installer/host-sources.js";
import { verifyLiveimgChecksum } from "./installer/liveimg-checksum.js";
import { checkVolumeGroupNames } from "./partition/lvm.js";
import { deviceMapperAvailable } from "./partition/map.js";
import { mountsUnder, unmount } from "./partition/mount.js";
import type { BuildPlan } from "./plan.js";
import { needsXfsTools } from "./repro/rebuild.js";
import { ensureXfsTools } from "./tools/xfsprogs.js";
import { BuildJournal, JOURNAL_FILE, isDryRun, ownerIdentity, retryUntil, run, setJournal, type Teardown, type TeardownReport } from "./run/index.js";

// Refuse, before touching anything, what this host or this plan cannot build.
export async function checkPlanCanBuild(plan: BuildPlan): Promise<void> {
  const dm = await deviceMapperAvailable();
  if (plan.layout.needsDeviceMapper && !dm) {
    throw new PlanError(`${plan.layout.deviceMapperReasons.join("; ")}: that needs the device-mapper kernel driver, which this host does not have`, undefined, "give each logical volume a size that fits on one PV (only linear LVs on one PV are made with loop devices)");
  }
  await checkVolumeGroupNames(plan.layout, dm);
  if (plan.source.kind === "none") {
    throw new PlanError(`nothing to install: ${plan.source.reason}`, undefined, "add %packages, or liveimg --url=file:///path/to/root.tar");
  }
  if (plan.source.kind === "liveimg" && !isDryRun()) {
    const pos = { file: plan.kickstart, line: plan.source.line, includeStack: [plan.kickstart] };
    if (!existsSync(plan.source.path)) throw new PlanError(`liveimg --url=${plan.source.url}: ${plan.source.path} does not exist`, pos);
    if (plan.source.checksum !== undefined) await verifyLiveimgChecksum(plan.source.path, plan.source.checksum, pos);
  }
  await checkTools(plan);
  // A reproducible xfs is made again with a newer mkfs.xfs than the host's: fetched now, so a failure touches nothing.
  if (plan.live === null && needsXfsTools(plan.layout)) await ensureXfsTools(await readHostConfig());
}

// A fresh work directory (0700, owner-only), removed at the end unless kept.
export async function makeWorkdir(opts: BuildOptions, outer: Teardown, applianceDir: string): Promise<string> {
  if (opts.workdir !== undefined) {
    if (!isDryRun()) await mkdir(opts.workdir, { recursive: true });
    return path.resolve(opts.workdir);
  }
  const parent = path.resolve(opts.tmpdir ?? "/var/tmp");
  if (isDryRun()) return path.join(parent, "ksimage-XXXXXX");
  const workdir = await mkdtemp(path.join(parent, "ksimage-"));
  // The journal first: from now on a killed build is found and reaped by the next build or `ksimage cleanup`.
  setJournal(new BuildJournal(workdir, ownerIdentity(), applianceDir));
  // Owner-only: the tree, the scripts and the disk devices of a build are nobody else's business (mkdtemp makes it so).
  await chmod(workdir, 0o700);
  if (opts.keepWorkdir) {
    outer.defer("say where the kept work directory is", () => opts.log?.(`work directory kept: ${workdir}`));
    outer.defer("drop the journal of the kept work directory", () => rm(path.join(workdir, JOURNAL_FILE), { force: true }));
  } else {
    outer.defer(`remove the work directory ${workdir}`, () => removeWorkdir(workdir));
  }
  return workdir;
}

// rm -rf only once nothing is mounted below it, and never across into another filesystem.
// Tried again after a failure: a work directory left behind would be reaped only by the next build or cleanup.
// A mount still below it is this build's own (the directory is its private mkdtemp): a SIGINT that arrives while
// `mount` runs unwinds before the mount exists, and the mount lands after its undo found nothing. It is
// unmounted here, deepest first, so the interrupted build still leaves nothing behind.
async function removeWorkdir(workdir: string): Promise<void> {
  await retryUntil(
    async () => {
      for (const target of await mountsUnder(workdir)) await unmount(target);
      const mounted = await mountsUnder(workdir);
      if (mounted.length > 0) throw new KsimageError(`not removing ${workdir}: ${mounted.join(", ")} still mounted`);
      // The journal last: a SIGKILL during the removal leaves it, and the reaper still knows the build's outputs.
      const entries = (await readdir(workdir).catch(() => [] as string[])).filter((e) => e !== JOURNAL_FILE).map((e) => path.join(workdir, e));
      if (entries.length > 0) await run(["rm", "-rf", "--one-file-system", "--", ...entries], { reason: "remove the work directory" });
      await rm(path.join(workdir, JOURNAL_FILE), { force: true });
      await rmdir(workdir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    },
    { deadlineMs: 3_000, intervalMs: 500, label: `remove ${workdir}` },
  );
}

export async function unwindOrThrow(stack: Teardown): Promise<void> {
  const report: TeardownReport = await stack.unwind();
  if (report.failures.length > 0) {
    throw new KsimageError(`could not undo: ${report.failures.map((f) => `${f.label} (${f.error instanceof Error ? f.error.message : String(f.error)})`).join("; ")}`);
  }
}
