// From a parsed kickstart to the BuildPlan: everything decided before a disk is touched, as pure data.
import path from "node:path";
import { PlanError } from "./errors.js";
import { checkOptionStates } from "./faithful/check.js";
import { planBootloader } from "./installer/bootloader/plan.js";
import type { BootloaderPlan, Firmware } from "./installer/bootloader/types.js";
import { withLvmPackage } from "./installer/lvm-guest.js";
import { checkAptRepoOptions } from "./installer/apt-repo-options.js";
import { firstbootPlanWarnings } from "./installer/configure/firstboot.js";
import { parseLiveimgChecksum } from "./installer/liveimg-checksum.js";
import { choosePackageSource, type SourceOptions } from "./installer/source.js";
import { planTreeCache, type TreeCacheChoice, type TreeCachePlan } from "./installer/tree-cache/index.js";
import type { PackageSource } from "./installer/types.js";
import type { Kickstart } from "./kickstart/model.js";
import type { CompressChoice, FormatName, PackageKind } from "./output/index.js";
import { liveBootFor, planLive, type LiveOptions } from "./live/plan.js";
import { withLiveBootPackage } from "./live/packages.js";
import { liveBootloader, liveLayout } from "./live/layout.js";
import type { LivePlan } from "./live/types.js";
import { planLayout, type LayoutOptions } from "./partition/layout.js";
import { refuseMountsUnderVfat } from "./partition/vfat-fill.js";
import { refuseUnbuildable } from "./refusals.js";
import type { LayoutPlan } from "./partition/types.js";
import { planImageCache, type ImageCachePlan } from "./image-cache/index.js";

/** Where the installed tree comes from. */
export type InstallSource =
  | { kind: "liveimg"; url: string; path: string; format: "tar" | "tar.gz" | "tar.xz" | "tar.zst" | "tar.bz2" | "image"; line: number; checksum?: string }
  | { kind: "packages"; backend: PackageSource["backend"] }
  | { kind: "none"; reason: string };

/** One output file of the build. */
export interface OutputPlan {
  disk: string;
  format: "raw";
  path: string;
}

/** What the output stage makes of the raw disks (appliance-creator's -f, --compress, --vcpu, ...). */
export interface OutputSettings {
  formats: FormatName[];
  compress: CompressChoice;
  compressLevel?: number;
  vcpu: number;
  memoryMiB: number;
  checksum: boolean;
  version: string | null;
  release: string | null;
  package: PackageKind;
  include: string[];
}

export interface BuildPlan {
  name: string;
  kickstart: string;
  /** The parsed kickstart the steps configure the system from. */
  ks: Kickstart;
  outdir: string;
  /** Directory of this appliance's outputs: <outdir>/<name>. */
  applianceDir: string;
  layout: LayoutPlan;
  source: InstallSource;
  /** The package manager, repositories and package set (null: liveimg, or nothing to install). */
  packages: PackageSource | null;
  bootloader: BootloaderPlan;
  /** Whether the installed tree comes from the root-tree cache (hit), is stored there after the install (miss), or neither. */
  treeCache: TreeCachePlan;
  /** Whether the disks up to %post come from the image cache (hit), are stored there before %post (miss), or neither. */
  imageCache: ImageCachePlan;
  /** Raw disk images the disk steps write (the output stage converts them). */
  outputs: OutputPlan[];
  output: OutputSettings;
  /** -f iso: the live ISO (the disk layout is then empty and no raw disk is written); null for disk images. */
  live: LivePlan | null;
  /** What plan and build say about options that have no effect on an image (file:line: option: reason). */
  warnings: string[];
  /** SOURCE_DATE_EPOCH of a reproducible build (null: an ordinary build). */
  epoch: number | null;
}

export interface PlanOptions extends LayoutOptions {
  name?: string;
  outdir?: string;
  firmware?: Firmware;
  output?: Partial<OutputSettings>;
  /** Package source choices (backend, suite, variant, releasever...). */
  sources?: SourceOptions;
  /** The root-tree cache: --cache DIR, none, or --no-cache. */
  treeCache?: TreeCacheChoice;
  /** The image cache beside the root-tree cache (default true; --no-image-cache). */
  imageCache?: boolean;
  /** Build a live ISO (-f iso) instead of disk images. */
  live?: LiveOptions;
}

/** appliance-creator's defaults: one vCPU, 512 MiB, raw output. */
export const DEFAULT_OUTPUT: OutputSettings = {
  formats: ["raw"],
  compress: "default",
  vcpu: 1,
  memoryMiB: 512,
  checksum: false,
  version: null,
  release: null,
  package: "none",
  include: [],
};

/** Recognize a liveimg file by its name: a root tarball or a filesystem image. */
export function liveimgFormat(file: string): Extract<InstallSource, { kind: "liveimg" }>["format"] {
  if (/\.tar$/.test(file)) return "tar";
  if (/\.(tar\.gz|tgz)$/.test(file)) return "tar.gz";
  if (/\.(tar\.xz|txz)$/.test(file)) return "tar.xz";
  if (/\.(tar\.zst|tzst)$/.test(file)) return "tar.zst";
  if (/\.(tar\.bz2|tbz2)$/.test(file)) return "tar.bz2";
  return "image";
}

function planSource(ks: Kickstart): InstallSource {
  const live = ks.other.liveimg as { url?: string | null; lineno?: number; checksum?: string | null } | undefined;
  if (live?.url) {
    const pos = { file: ks.file, line: live.lineno ?? 0, includeStack: [ks.file] };
    if (!live.url.startsWith("file://")) throw new PlanError(`liveimg --url=${live.url}: only file:// URLs are supported`, pos);
    const file = decodeURIComponent(live.url.slice("file://".length));
    // --checksum: verified before the build creates anything (build.ts checkPlanCanBuild).
    const checksum = live.checksum ? { checksum: parseLiveimgChecksum(live.checksum, pos) } : {};
    return { kind: "liveimg", url: live.url, path: file, format: liveimgFormat(file), line: live.lineno ?? 0, ...checksum };
  }
  return { kind: "none", reason: "no installation source: add %packages (with url/repo, or the host's own package sources) or liveimg --url=file://..." };
}

/** Default appliance name: the kickstart's base name without extension. */
export function defaultName(kickstart: string): string {
  return path.basename(kickstart).replace(/\.(ks|cfg)$/, "");
}

/** Decide the whole build from the kickstart. Pure: reads no disk, runs no tool. */
export function buildPlan(ks: Kickstart, opts: PlanOptions = {}): BuildPlan {
  const name = opts.name ?? defaultName(ks.file);
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) {
    throw new PlanError(`appliance name "${name}" is not usable as a file name`, undefined, "use letters, digits, '.', '_', '+' and '-'");
  }
  // Refusals come first, before any other check: they name the line that asked for what is missing.
  const warnings = checkOptionStates(ks);
  const outdir = path.resolve(opts.outdir ?? ".");
  // livecd-creator writes LABEL.iso straight into the output directory (flat); ksimage's own layout is <outdir>/<name>/.
  const applianceDir = opts.live?.flat ? outdir : path.join(outdir, name);
  const live = opts.live ? planLive(ks, name, applianceDir, null, opts.live) : null;
  const output = { ...DEFAULT_OUTPUT, ...opts.output };
  refuseUnbuildable(ks);
  const layout = live ? liveLayout() : planLayout(ks, { ...opts, memoryMiB: output.memoryMiB, applianceName: name });
  refuseMountsUnderVfat(layout, ks.file);
  const outputs = layout.disks.map((d) => ({ disk: d.name, format: "raw" as const, path: path.join(applianceDir, `${name}-${d.name}.raw`) }));
  const bootloader = live ? liveBootloader(live) : planBootloader(ks, layout, opts.firmware ? { firmware: opts.firmware } : {});
  const treeCache: TreeCachePlan = { status: "off", reason: "no --cache DIR" };
  const imageCache: ImageCachePlan = { status: "off", reason: "no --cache DIR" };
  const epoch = opts.seed !== undefined && /^\d+$/.test(opts.seed) ? Number(opts.seed) : null;
  return { name, kickstart: ks.file, ks, outdir, applianceDir, layout, source: planSource(ks), packages: null, bootloader, treeCache, imageCache, outputs, output, live, warnings, epoch };
}

/** The one warning about dnf repositories whose signatures are not checked (no --gpgkey), naming each. */
export function unsignedRepos(packages: PackageSource): string[] {
  if (packages.backend !== "dnf") return [];
  const unchecked = packages.repos.filter((r) => r.gpgkeys.length === 0).map((r) => r.id);
  if (unchecked.length === 0) return [];
  return [`package signatures are not checked for ${unchecked.map((id) => `repository ${id}`).join(", ")}: dnf installs from them with --nogpgcheck (give --gpgkey FILE to check them)`];
}

/** The whole plan, with the package source and the root-tree cache resolved (the one step that reads repository metadata). */
export async function planAppliance(ks: Kickstart, opts: PlanOptions = {}): Promise<BuildPlan> {
  const plan = buildPlan(ks, opts);
  const chosen = plan.source.kind === "liveimg" ? null : await choosePackageSource(ks, opts.sources ?? {});
  const lvm = chosen === null ? null : withLvmPackage(chosen, plan.layout);
  if (lvm?.warning) plan.layout.warnings.push(lvm.warning);
  let packages = lvm?.source ?? null;
  if (plan.live && opts.live) {
    // The live boot method follows the guest's package manager; its package must be in the tree before the one initramfs build.
    plan.live = planLive(ks, plan.name, plan.applianceDir, packages?.backend ?? null, opts.live);
    if (packages !== null) {
      const added = withLiveBootPackage(packages, liveBootFor(packages.backend));
      packages = added.source;
      if (added.warning !== null) plan.layout.warnings.push(added.warning);
    }
  }
  // Some options are applied by one backend only (repo --proxy by dnf): check again once it is known.
  const warnings = [
    ...(packages === null ? plan.warnings : checkOptionStates(ks, packages.backend)),
    ...(packages === null ? [] : unsignedRepos(packages)),
    ...checkAptRepoOptions(ks, packages),
    ...firstbootPlanWarnings(ks, packages),
  ];
  const treeCache = await planTreeCache(packages, opts.treeCache ?? "none", plan.layout, plan.epoch);
  if (packages === null) return planImageCache({ ...plan, treeCache, warnings }, opts.imageCache ?? true);
  return planImageCache({ ...plan, packages, treeCache, warnings, source: { kind: "packages", backend: packages.backend } }, opts.imageCache ?? true);
}
