// Build an appliance from its BuildPlan: the pipeline, one step per line, every acquisition on a Teardown.
import { existsSync } from "node:fs";
import { chmod, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "./errors.js";
import { installBootloader } from "./installer/bootloader/install.js";
import { configureSystem } from "./installer/configure/index.js";
import { openGuestSession, type GuestSession } from "./installer/guest/session.js";
import { relabelSystem } from "./installer/configure/selinux.js";
import { writeDracutLvmConf } from "./installer/lvm-guest.js";
import { installLiveimg } from "./installer/liveimg.js";
import { installPackages, rootFstypeOf } from "./installer/packages.js";
import { runPostScripts, runPreInstallScripts, runPreScripts } from "./installer/scripts.js";
import { writeCertificates } from "./installer/configure/certificates.js";
import { configureDefaultDesktop, configureDefaultTarget } from "./installer/configure/default-target.js";
import { configureFirstboot } from "./installer/configure/firstboot.js";
import { runOnErrorScripts } from "./installer/onerror.js";
import { fillVfatFilesystems, vfatTargets } from "./partition/vfat-fill.js";
import { restoreCachedTree, storeCachedTree, type InstalledTree } from "./installer/tree-cache/index.js";
import type { InstallProgress } from "./installer/types.js";
import { makeLiveIso, type IsoResult } from "./live/make-iso.js";
import { mountLiveTreeTmpfs } from "./live/tree-tmpfs.js";
import { collectPackages, type OutputReport, type PackageManifest } from "./output/index.js";
import { writePlanOutputs } from "./output/from-plan.js";
import { handOver, OUTPUT_DIR_MODE, type Owner } from "./output/handover.js";
import type { BuildPlan } from "./plan.js";
import { checkPlanCanBuild, makeWorkdir, unwindOrThrow } from "./build-setup.js";
import { createDiskFile, partialPath, type DiskFile } from "./partition/disk-files.js";
import { writeFstab } from "./partition/fstab.js";
import { deviceMapperAvailable, mapPartitions, type MapMethod, type MappedDisk } from "./partition/map.js";
import { makeVolumes, type VolumeDevices } from "./partition/lvm.js";
import { makeFilesystems } from "./partition/mkfs.js";
import { mountTargets } from "./partition/mount.js";
import { partitionDisk } from "./partition/parted.js";
import { copyCachedDisks, storeCachedDisks } from "./image-cache/steps.js";
import { removeImageIdentity } from "./repro/identity.js";
import { installSources, type SourcesResult } from "./repro/sources.js";
import { rebuildFilesystems, rebuiltMounts, writeRebuiltFilesystems, type RebuiltDisk } from "./repro/rebuild.js";
import { xfsToolsDir } from "./tools/xfsprogs.js";
import { clampTimesArgs, removeVolatile } from "./repro/tree.js";
import { getLogger, installSignalHandlers, isDryRun, run, setJournal, Teardown, type DeferHandle, publishFile, PhaseRecorder, setPhaseRecorder, type PhaseTime } from "./run/index.js";

export interface BuildOptions {
  /** Use this directory as the work directory (it is never removed); default: a fresh one under tmpdir. */
  workdir?: string;
  /** Where the fresh work directory is made (default /var/tmp: the install tree can be large). */
  tmpdir?: string;
  /** Leave the work directory in place at the end and say where it is (mounts and loops are still released). */
  keepWorkdir?: boolean;
  /** One human line per step (the CLI writes them to stderr). */
  log?: (line: string) => void;
  /** On SIGINT/SIGTERM: stop subprocesses, unwind, exit 130/143 (default true; tests may turn it off). */
  handleSignals?: boolean;
  /** Force a partition mapping method (default: kpartx with device-mapper, else loop + partx). */
  mapMethod?: MapMethod;
  /** --cache DIR: package downloads and metadata kept between builds (the root-tree cache is decided in the plan). */
  cacheDir?: string;
  /** Package installation progress (packages done of total), for a live counter. */
  onProgress?: (p: InstallProgress) => void;
  /** The build log's path, given to %onerror scripts as KSIMAGE_LOG. */
  logFile?: string;
  /** --chown: who the finished outputs go to (they are owner-only either way). */
  owner?: Owner;
}

export interface BuildResult {
  outputs: string[];
  /** Every file the output stage wrote, with sizes and times (absent in a dry run). */
  report: OutputReport | undefined;
  warnings: string[];
  /** Seconds each step took, in order. */
  steps: { step: string; seconds: number }[];
  /** The profile by phase (install's download, unpack, configure, triggers; cache, mkfs, grub, conversion, checksums). */
  phases: PhaseTime[];
  workdir: string;
  workdirKept: boolean;
}

/** What the steps share: the plan, where things are, and the stacks that undo them. */
interface BuildContext {
  plan: BuildPlan;
  opts: BuildOptions;
  workdir: string;
  root: string;
  /** Unfinished output files: removed unless published. */
  files: Teardown;
  /** Loop devices, partition maps and mounts: released by the unmap step or on any failure. */
  devices: Teardown;
  disks: Record<string, DiskFile>;
  mapped: Record<string, MappedDisk>;
  /** LVM logical volumes ("VG/LV") -> their block devices. */
  volumes: VolumeDevices;
  cancelled: boolean;
  warnings: string[];
  manifest: PackageManifest | undefined;
  /** The repositories' metadata revisions the install used, for the manifest (undefined: a liveimg). */
  sources: SourcesResult | undefined;
  /** What the package install did, when it ran (the root-tree cache stores its tree). */
  installed: InstalledTree | undefined;
  report: OutputReport | undefined;
  /** Removal of the published raw disks, released once every output is written. */
  published: DeferHandle[];
  /** The step running now (for %onerror) and whether the filesystems are mounted at root. */
  step: string;
  mounted: boolean;
  /** -f iso: the finished ISO. */
  iso: IsoResult | undefined;
  /** Reproducible builds: the ext file systems made again from their trees, to be written into the disk files. */
  rebuilt: RebuiltDisk[];
  /** The one way into the guest, opened once (before a dnf install, else after the install); released by `devices`. */
  guest: GuestSession | undefined;
  /** The disks were copied from the image cache: the steps up to %post that made them are skipped. */
  fromImage: boolean;
  /** What the steps the image cache replaces warned about (stored with the entry, said again by a hit). */
  imageWarnings: string[];
}

type Step = [title: string, run: (ctx: BuildContext) => Promise<void>];

/** The steps the image cache replaces (their progress line says so on a hit); the install returns early by itself. */
const FROM_IMAGE = new WeakSet<Step[1]>([installTree]);

/** The step titles in order (the fault-injection tests iterate over them). */
export const STEP_TITLES = (): string[] => STEPS.map(([title]) => title);

const STEPS: Step[] = [
  ["run %pre scripts", runPre],
  ["create disk files", createDisks],
  ["partition", unlessFromImage(partitionDisks)],
  ["map partitions", mapDisks],
  ["make LVM volumes", makeLvm],
  ["mkfs", unlessFromImage(makeAllFilesystems)],
  ["mount", mountAll],
  ["run %pre-install scripts", runPreInstall],
  ["install", installTree],
  ["store the tree in the cache", cacheTree],
  ["write /etc/fstab", unlessFromImage((ctx) => writeFstab(ctx.plan.layout, ctx.plan.name, ctx.root))],
  ["enter the guest", async (ctx) => void (await enterGuest(ctx))],
  ["configure the system", unlessFromImage(configure)],
  ["first boot, default target, certificates", unlessFromImage(configureExtras)],
  ["install the boot loader", unlessFromImage(bootloader)],
  ["remove SSH host keys and the machine ID", unlessFromImage(removeIdentity)],
  ["store the disks in the image cache", storeImage],
  ["run %post scripts", runPost],
  ["fill vfat filesystems (mtools)", fillVfat],
  ["relabel (SELinux)", relabel],
  ["record installed packages", recordPackages],
  ["make the tree reproducible", reproducibleTree],
  ["make the live ISO", makeIso],
  ["make the ext and xfs file systems again from their trees", rebuildTrees],
  ["trim free space", trimFilesystems],
  ["unmount and unmap", releaseDevices],
  ["write the rebuilt file systems", writeRebuilt],
  ["publish raw disks", publishOutputs],
  ["convert and describe", convertOutputs],
  ["hand over the outputs (owner-only, --chown)", handOverOutputs],
];

// Build every disk of PLAN into its raw output file; a failed or interrupted build leaves no file that looks finished.
export async function buildAppliance(plan: BuildPlan, opts: BuildOptions = {}): Promise<BuildResult> {
  await checkPlanCanBuild(plan);
  // OUTER: the work directory and what lives in it; ALL adds the output files and devices on top (what a failure or
  // a signal undoes). A finished build undoes OUTER first, and only then are its outputs final.
  const outer = new Teardown();
  const all = new Teardown();
  all.defer("remove the work directory and the rest", () => unwindOrThrow(outer));
  let ctx: BuildContext | undefined;
  let current = "start";
  // The step under way: on a signal the unwind waits for it to stop before undoing what it made.
  let running: Promise<unknown> = Promise.resolve();
  const removeHandlers =
    opts.handleSignals === false
      ? () => undefined
      : installSignalHandlers(all, {
          onSignal: () => ctx && (ctx.cancelled = true),
          settle: () => running,
          onUnwound: (report, signal, stopped) =>
            opts.log?.(
              `interrupted by ${signal} during ${current}${stopped.length ? ` (stopped ${stopped.join(", ")})` : ""}: ${report.failures.length === 0 ? "cleaned up" : `could not undo ${report.failures.map((f) => f.label).join(", ")}`}`,
            ),
        });
  const started = Date.now();
  const phases = new PhaseRecorder();
  setPhaseRecorder(phases);
  try {
    const workdir = await makeWorkdir(opts, outer, plan.applianceDir);
    // Runs after the files stack: a SIGINT during "create disk files" can unwind between rm and open, so the
    // disk file is made after its removal ran (the faults layer saw one .partial left at that step).
    if (!isDryRun()) outer.defer("remove disk files an interrupted step made after their undo", () => removeLatePartials(plan));
    const files = new Teardown();
    const devices = new Teardown();
    all.defer("remove unfinished output files", () => unwindOrThrow(files));
    all.defer("unmount and unmap", () => unwindOrThrow(devices));
    ctx = { plan, opts, workdir, root: path.join(workdir, "root"), files, devices, disks: {}, mapped: {}, volumes: {}, cancelled: false, warnings: [], manifest: undefined, sources: undefined, installed: undefined, report: undefined, published: [], iso: undefined, guest: undefined, step: "", mounted: false, rebuilt: [], fromImage: false, imageWarnings: [] };
    const steps: { step: string; seconds: number }[] = [];
    for (const [i, [title, step]] of STEPS.entries()) {
      if (ctx.cancelled) throw new KsimageError("the build was interrupted");
      const elapsed = ((Date.now() - started) / 1000).toFixed(1);
      opts.log?.(`[${i + 1}/${STEPS.length}] ${title} (${elapsed} s)${ctx.fromImage && FROM_IMAGE.has(step) ? ": in the disks from the image cache" : ""}`);
      getLogger().info({ step: title }, `step ${i + 1}/${STEPS.length}: ${title}`);
      const t0 = Date.now();
      ctx.step = title;
      phases.step = title;
      current = `step ${i + 1}/${STEPS.length} (${title})`;
      try {
        running = step(ctx);
        await running;
      } catch (error) {
        if (!ctx.cancelled) opts.log?.(`failed at ${current}`);
        throw error;
      }
      steps.push({ step: title, seconds: (Date.now() - t0) / 1000 });
    }
    // A signal during the last step: its outputs are written, but the build was interrupted and they go.
    if (ctx.cancelled) throw new KsimageError("the build was interrupted");
    // The work directory (and its journal) goes while the outputs are still unfinished: a signal during its removal
    // still removes them, and a SIGKILL leaves a journal that names them for the reaper.
    for (const f of (await outer.unwind()).failures) opts.log?.(`could not undo: ${f.label}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
    if (ctx.cancelled) throw new KsimageError("the build was interrupted");
    // From here the outputs are finished.
    for (const handle of ctx.published) handle.release();
    const outputs = ctx.report ? ctx.report.files.map((f) => f.path) : plan.outputs.map((o) => o.path);
    opts.log?.(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outputs.join(", ")}`);
    return { outputs, report: ctx.report, warnings: ctx.warnings, steps, phases: phases.list(), workdir, workdirKept: opts.keepWorkdir === true || opts.workdir !== undefined };
  } catch (error) {
    // %onerror runs on the host before the teardown, so that it can still look at the mounted tree.
    if (ctx !== undefined && !ctx.cancelled) {
      const c = ctx;
      for (const line of await runOnErrorScripts(plan.ks, { step: c.step, error, ...(opts.logFile ? { logFile: opts.logFile } : {}), ...(c.mounted ? { root: c.root } : {}) })) opts.log?.(line);
    }
    throw error;
  } finally {
    const report = await all.unwind();
    setJournal(undefined);
    setPhaseRecorder(undefined);
    removeHandlers();
    for (const f of report.failures) opts.log?.(`could not undo: ${f.label}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
  }
}

// A step the image cache replaces: skipped when the disks were copied from it; what it warns about is kept for the entry.
function unlessFromImage(step: Step[1]): Step[1] {
  const wrapped: Step[1] = async (ctx) => {
    if (ctx.fromImage) return;
    const before = ctx.warnings.length;
    await step(ctx);
    ctx.imageWarnings.push(...ctx.warnings.slice(before));
  };
  FROM_IMAGE.add(wrapped);
  return wrapped;
}

async function createDisks(ctx: BuildContext): Promise<void> {
  if (!isDryRun()) {
    // Owner-only from the start: nobody else may read a disk image while it is written.
    await mkdir(path.dirname(ctx.plan.applianceDir), { recursive: true });
    await mkdir(ctx.plan.applianceDir, { recursive: true, mode: OUTPUT_DIR_MODE });
    await chmod(ctx.plan.applianceDir, OUTPUT_DIR_MODE);
  }
  if (await copyFromImageCache(ctx)) return;
  for (const out of ctx.plan.outputs) {
    const disk = ctx.plan.layout.disks.find((d) => d.name === out.disk);
    if (disk === undefined) throw new KsimageError(`output ${out.path} names disk ${out.disk}, which the layout does not have`);
    // An output of an earlier build would look finished even if this one fails: it goes now, not at the rename.
    if (!isDryRun() && existsSync(out.path)) {
      getLogger().info({ output: out.path }, `removing the output of an earlier build: ${out.path}`);
      await rm(out.path, { force: true });
    }
    ctx.disks[disk.name] = await createDiskFile(disk, partialPath(out.path), ctx.files);
  }
}

// A planned image cache hit: the disks are copies of the entry's (an entry found unusable now is a plain build instead).
async function copyFromImageCache(ctx: BuildContext): Promise<boolean> {
  const copied = await copyCachedDisks(ctx.plan, ctx.files, (line) => ctx.opts.log?.(line));
  if (copied === null) return false;
  ctx.disks = copied.disks;
  ctx.warnings.push(...copied.warnings);
  return (ctx.fromImage = true);
}

// Just before %post, on a planned miss: the disks as they are now go into the image cache for the next build.
async function storeImage(ctx: BuildContext): Promise<void> {
  if (ctx.fromImage) return;
  const stored = await storeCachedDisks(ctx.plan, { disks: ctx.disks, root: ctx.root, warnings: ctx.imageWarnings, teardown: ctx.devices });
  if (stored?.warning) ctx.warnings.push(stored.line);
  else if (stored) ctx.opts.log?.(stored.line);
}

async function partitionDisks(ctx: BuildContext): Promise<void> {
  for (const disk of ctx.plan.layout.disks) await partitionDisk(disk, diskFile(ctx, disk.name));
}

async function mapDisks(ctx: BuildContext): Promise<void> {
  for (const disk of ctx.plan.layout.disks) {
    ctx.mapped[disk.name] = await mapPartitions(disk, diskFile(ctx, disk.name), ctx.devices, { method: ctx.opts.mapMethod });
  }
}

// PVs, VGs and LVs with lvm2 (--driverloaded n without device-mapper), each LV reachable as a block device.
async function makeLvm(ctx: BuildContext): Promise<void> {
  ctx.volumes = await makeVolumes(ctx.plan.layout, ctx.mapped, ctx.devices, { deviceMapper: ctx.opts.mapMethod === "kpartx" || (ctx.opts.mapMethod === undefined && (await deviceMapperAvailable())), workdir: ctx.workdir });
}

async function makeAllFilesystems(ctx: BuildContext): Promise<void> {
  await makeFilesystems(ctx.plan.layout, ctx.mapped, ctx.workdir, ctx.devices, ctx.volumes);
}

async function mountAll(ctx: BuildContext): Promise<void> {
  if (!isDryRun()) await mkdir(ctx.root, { recursive: true, mode: 0o755 });
  if (ctx.plan.live !== null) await mountLiveTreeTmpfs(ctx.plan.treeCache, ctx.root, ctx.devices);
  await mountTargets(ctx.plan.layout, ctx.mapped, ctx.root, ctx.devices, ctx.volumes);
  ctx.mounted = true;
}

// %pre-install: on the host, with the filesystems mounted at INSTALL_ROOT and nothing installed yet (as Anaconda).
async function runPreInstall(ctx: BuildContext): Promise<void> {
  ctx.warnings.push(...(await runPreInstallScripts(ctx.plan.ks, ctx.root, { teardown: ctx.devices })));
}

// firstboot, skipx/xconfig and %certificate: files and links written from the host, before the boot loader and %post.
async function configureExtras(ctx: BuildContext): Promise<void> {
  ctx.warnings.push(...(await configureFirstboot(ctx.plan.ks, ctx.root)), ...(await configureDefaultTarget(ctx.plan.ks, ctx.root)));
  await configureDefaultDesktop(ctx.plan.ks, ctx.root);
  await writeCertificates(ctx.plan.ks, ctx.root);
}

// Every vfat filesystem gets what the tree holds below its mount point, after %post has written there.
async function fillVfat(ctx: BuildContext): Promise<void> {
  const rawFiles = Object.fromEntries(Object.entries(ctx.disks).map(([name, f]) => [name, f.path]));
  ctx.warnings.push(...(await fillVfatFilesystems(vfatTargets(ctx.plan.layout, rawFiles), ctx.root)));
}

async function runPre(ctx: BuildContext): Promise<void> {
  ctx.warnings.push(...(await runPreScripts(ctx.plan.ks, { teardown: ctx.devices })));
}

async function installTree(ctx: BuildContext): Promise<void> {
  if (ctx.plan.source.kind === "liveimg") {
    await installLiveimg(ctx.plan.source, ctx.root, ctx.workdir, ctx.devices);
    return;
  }
  if (ctx.plan.packages?.backend === "dnf") await writeDracutLvmConf(ctx.root, ctx.plan.layout);
  if (!isDryRun()) ctx.sources = await installSources(ctx.plan.packages, ctx.plan.treeCache);
  if (ctx.fromImage) return;
  if (await restoreCachedTree(ctx.plan.treeCache, ctx.root, (line) => ctx.opts.log?.(line))) return;
  // rpm runs the scriptlets chrooted into the tree, and they need /proc and /dev (dracut, systemctl preset) as in
  // Anaconda; mmdebstrap mounts its own for dpkg's maintainer scripts and wants the tree to itself.
  const guest = ctx.plan.packages?.backend === "dnf" ? await enterGuest(ctx) : undefined;
  const result = await installPackages({
    ...(guest ? { guest } : {}),
    source: ctx.plan.packages,
    root: ctx.root,
    workdir: ctx.workdir,
    teardown: ctx.devices,
    rootFstype: rootFstypeOf(ctx.plan.layout),
    ...(ctx.opts.cacheDir ? { cacheDir: ctx.opts.cacheDir } : {}),
    ...(ctx.opts.onProgress ? { onProgress: ctx.opts.onProgress } : {}),
    ...(ctx.opts.log ? { onPhase: (text: string) => ctx.opts.log?.(`  ${text}`) } : {}),
  });
  if (result) ctx.installed = { packages: result.packages.length, seconds: result.durationMs / 1000 };
}

// After an install from packages (not a cache hit), keep its tree for the next build with the same key.
async function cacheTree(ctx: BuildContext): Promise<void> {
  if (ctx.installed === undefined) return;
  const stored = await storeCachedTree(ctx.plan.treeCache, ctx.root, ctx.plan.layout, ctx.installed, ctx.files, ctx.guest?.mounts);
  if (stored?.warning) ctx.warnings.push(stored.line);
  else if (stored) ctx.opts.log?.(stored.line);
}

// Open the guest session (or complete the one a dnf install opened: the tree has its /etc now). Its undos are on
// ctx.devices, newer than the mounts of the filesystems, so it is released before they are unmounted.
async function enterGuest(ctx: BuildContext): Promise<GuestSession> {
  if (ctx.guest !== undefined) {
    await ctx.guest.provideFiles();
    return ctx.guest;
  }
  const devices = [...Object.values(ctx.mapped).flatMap((m) => [m.device, ...Object.values(m.partitions)]), ...Object.values(ctx.volumes)];
  ctx.guest = await openGuestSession(ctx.root, ctx.devices, { devices });
  return ctx.guest;
}

function guestOf(ctx: BuildContext): GuestSession {
  if (ctx.guest === undefined) throw new KsimageError("the guest session is not open");
  return ctx.guest;
}

async function configure(ctx: BuildContext): Promise<void> {
  ctx.warnings.push(...(await configureSystem({ ks: ctx.plan.ks, root: ctx.root, guest: guestOf(ctx), teardown: ctx.devices, ...(ctx.opts.log ? { log: ctx.opts.log } : {}) })));
}

async function bootloader(ctx: BuildContext): Promise<void> {
  const rawFiles = Object.fromEntries(Object.entries(ctx.disks).map(([name, f]) => [name, f.path]));
  await installBootloader({
    ks: ctx.plan.ks,
    layout: ctx.plan.layout,
    plan: ctx.plan.bootloader,
    root: ctx.root,
    guest: guestOf(ctx),
    devices: ctx.mapped,
    rawFiles,
    teardown: ctx.devices,
    ...(ctx.opts.log ? { log: ctx.opts.log } : {}),
  });
}

async function runPost(ctx: BuildContext): Promise<void> {
  ctx.warnings.push(...(await runPostScripts(ctx.plan.ks, guestOf(ctx), { teardown: ctx.devices })));
}

async function relabel(ctx: BuildContext): Promise<void> {
  ctx.warnings.push(...(await relabelSystem({ ks: ctx.plan.ks, root: ctx.root, guest: guestOf(ctx), teardown: ctx.devices })));
}

// No image carries SSH host keys or a machine ID; before %post, so %post can still add keys on purpose.
async function removeIdentity(ctx: BuildContext): Promise<void> {
  if (isDryRun()) return;
  const r = await removeImageIdentity(ctx.root);
  getLogger().info({ identity: r }, `per-image identity removed: ${r.removedKeys.length} SSH host keys, machine-id ${r.machineId}, keys made at first boot by: ${r.keygen}`);
}

// SOURCE_DATE_EPOCH: remove logs, caches and the random seed; clamp every time in the tree to the epoch.
async function reproducibleTree(ctx: BuildContext): Promise<void> {
  if (ctx.plan.epoch === null || isDryRun()) return;
  const removed = await removeVolatile(ctx.root);
  // The ext and xfs file systems made again from their trees clamp their own trees then; a live ISO takes the whole tree as it is.
  const rebuilt = ctx.plan.live === null ? rebuiltMounts(ctx.plan.layout).map((r) => r.mount) : [];
  const mounts = ctx.plan.layout.mounts.filter((m) => !rebuilt.includes(m));
  if (mounts.length > 0) await run(clampTimesArgs(ctx.root, mounts.map((m) => m.mountpoint), ctx.plan.epoch, mounts.map((m) => m.fstype)), { reason: "clamp the times of the tree to SOURCE_DATE_EPOCH" });
  getLogger().info({ removed }, `reproducible tree: ${removed.length} volatile files removed, times clamped to ${ctx.plan.epoch}`);
}

async function rebuildTrees(ctx: BuildContext): Promise<void> {
  if (ctx.plan.epoch === null) return;
  ctx.rebuilt = await rebuildFilesystems(ctx.plan.layout, ctx.root, ctx.disks, ctx.workdir, xfsToolsDir(), ctx.files, ctx.warnings);
}

async function writeRebuilt(ctx: BuildContext): Promise<void> {
  await writeRebuiltFilesystems(ctx.rebuilt);
}

// Read the package database of the image now: after unmount it is gone.
async function recordPackages(ctx: BuildContext): Promise<void> {
  if (isDryRun()) return;
  const manifest = await collectPackages(ctx.root);
  ctx.manifest = ctx.sources === undefined ? manifest : { ...manifest, sources: ctx.sources.sources };
}

// Discard free blocks so the raw files (and every conversion) stay small (HOST-NOTES §3 step 6).
async function trimFilesystems(ctx: BuildContext): Promise<void> {
  // A file system made again from its tree has nothing to trim, and its old bytes are dropped with the old disk file.
  const rebuilt = ctx.plan.epoch === null ? [] : rebuiltMounts(ctx.plan.layout).map((r) => r.mount);
  const mounts = [...ctx.plan.layout.mounts].filter((m) => m.fstype !== "vfat" && m.options.length === 0 && !rebuilt.includes(m)).reverse();
  for (const m of mounts) {
    const target = path.join(ctx.root, m.mountpoint);
    await run(["fstrim", target], { reason: "discard free blocks before the image is converted", allowExitCodes: [1, 32] });
  }
}

// -f iso: squashfs of the tree, GRUB for BIOS and UEFI, the hybrid ISO (src/live).
async function makeIso(ctx: BuildContext): Promise<void> {
  if (ctx.plan.live === null) return;
  ctx.iso = await makeLiveIso(ctx.plan.live, { root: ctx.root, workdir: ctx.workdir, files: ctx.files, guest: guestOf(ctx), ...(ctx.opts.log ? { log: ctx.opts.log } : {}) });
  ctx.published.push(ctx.iso.published);
}

async function convertOutputs(ctx: BuildContext): Promise<void> {
  ctx.report = await writePlanOutputs(ctx.plan, ctx);
}

// Every output owner-only (0700 directories, 0600 files), and given to --chown's user: the appliance directory, and a
// package (-p) beside it. A log file elsewhere (--logfile) is the caller's.
async function handOverOutputs(ctx: BuildContext): Promise<void> {
  const dir = ctx.plan.applianceDir;
  const outside = (ctx.report?.files ?? []).map((f) => f.path).filter((f) => !f.startsWith(`${dir}${path.sep}`) && existsSync(f));
  await handOver([...(existsSync(dir) ? [dir] : []), ...outside], ctx.opts.owner);
  if (ctx.opts.owner !== undefined) getLogger().info({ owner: ctx.opts.owner.spec }, `outputs handed over to ${ctx.opts.owner.spec}`);
}

// Unmount everything and detach every loop device now: the disk files are only complete afterwards.
async function releaseDevices(ctx: BuildContext): Promise<void> {
  await unwindOrThrow(ctx.devices);
}

// Each .partial becomes its final name by one rename; until the conversions succeed it is still removed on failure.
async function publishOutputs(ctx: BuildContext): Promise<void> {
  for (const out of ctx.plan.outputs) {
    const file = ctx.disks[out.disk];
    if (file === undefined) continue;
    // Until the build is done a published disk is not finished either: a killed build's reaper removes it. It is
    // recorded before the rename (same inode), so a SIGKILL between the two leaves nothing the reaper does not know.
    await publishFile(file.path, out.path);
    file.removal.release();
    ctx.published.push(ctx.files.defer(`remove ${out.path}`, () => rm(out.path, { force: true })));
    getLogger().info({ output: out.path }, `wrote ${out.path}`);
  }
}

function diskFile(ctx: BuildContext, disk: string): string {
  const file = ctx.disks[disk];
  if (file === undefined) throw new KsimageError(`disk ${disk} has no disk file`);
  return file.path;
}

// The raw .partial files of this build's outputs that are still there once everything else is undone.
async function removeLatePartials(plan: BuildPlan): Promise<void> {
  for (const out of plan.outputs) await rm(partialPath(out.path), { force: true });
}
