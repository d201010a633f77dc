// `ksimage build KS`: plan the appliance, build its disks, convert and describe them (needs root).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { bootImage } from "../boot/boot-image.js";
import { buildAppliance, type BuildResult } from "../build.js";
import { KsimageError, UsageError } from "../errors.js";
import { resolveOwner } from "../output/handover.js";
import { FORMAT_NAMES, PACKAGE_KINDS, type CompressChoice, type FormatName, type PackageKind } from "../output/index.js";
import type { BuildPlan, OutputSettings } from "../plan.js";
import { createLogger, redact, setLogger } from "../run/index.js";
import { startBuildProcess } from "./build-process.js";
import { parseAttempts, reportBoot } from "./boot.js";
import { liveOptions } from "./live-options.js";
import { collect, treeCacheChoice } from "./options.js";
import { createProgress } from "./progress.js";
import { planFromFile, type PlanCliOptions } from "./plan.js";

export interface BuildCliOptions extends PlanCliOptions {
  tmpdir?: string;
  keepWorkdir?: boolean;
  logfile?: string;
  format?: string[];
  compress?: string | boolean;
  compressLevel?: string;
  vcpu?: string;
  vmem?: string;
  checksum?: boolean;
  releasever?: string;
  suite?: string;
  variant?: string;
  /** --cache DIR, or false with --no-cache. */
  cache?: string | false;
  /** false with --no-image-cache. */
  imageCache?: boolean;
  bootTest?: boolean;
  /** --boot-attempts N: with --boot-test, boot up to N times while the login prompt does not come in time. */
  bootAttempts?: string;
  json?: boolean;
  quiet?: boolean;
  version?: string;
  release?: string;
  package?: string;
  include?: string[];
  fslabel?: string;
  title?: string;
  /** livecd-creator's --product. */
  product?: string;
  /** livecd-creator: the ISO and its files straight into --outdir. */
  flat?: boolean;
  /** --chown USER[:GROUP]: who the finished outputs go to. */
  chown?: string;
}

// Loop devices and mounts need root; say which commands do not.
export function requireRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid === 0) return;
  throw new KsimageError(
    "ksimage build must run as root: it attaches loop devices and mounts filesystems",
    "run it as root (from another account: through sudo); ksimage validate, inspect, plan and doctor work without root",
  );
}

function positiveInt(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${what} must be a positive whole number, got "${value}"`);
  return Number(value);
}

/** The output settings the command line asks for; UsageError for values that make no sense. */
export function outputSettings(opts: BuildCliOptions): Partial<OutputSettings> {
  // -f iso is the live stage's (src/cli/live-options.ts): its --compress names a squashfs codec.
  const formats = (opts.format ?? []).flatMap((f) => f.split(",")).filter((f) => f !== "iso");
  const iso = formats.length === 0 && (opts.format ?? []).length > 0;
  for (const f of formats) if (!(FORMAT_NAMES as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}" (use ${FORMAT_NAMES.join(", ")})`);
  let compress: CompressChoice | undefined;
  if (iso) compress = undefined;
  else if (opts.compress === false) compress = "none";
  else if (typeof opts.compress === "string") {
    if (!["xz", "zstd", "zlib", "none"].includes(opts.compress)) throw new UsageError(`--compress must be xz, zstd, zlib or none, got "${opts.compress}"`);
    compress = opts.compress as CompressChoice;
  }
  if (opts.package !== undefined && !(PACKAGE_KINDS as readonly string[]).includes(opts.package)) {
    throw new UsageError(`unknown package type "${opts.package}" (use ${PACKAGE_KINDS.join(", ")})`);
  }
  const level = opts.compressLevel === undefined ? undefined : Number(opts.compressLevel);
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 19)) throw new UsageError(`--compress-level must be 0-19, got "${opts.compressLevel}"`);
  const vcpu = positiveInt(opts.vcpu, "--vcpu");
  const vmem = positiveInt(opts.vmem, "--vmem");
  return {
    ...(formats.length ? { formats: formats as FormatName[] } : {}),
    ...(compress ? { compress } : {}),
    ...(level !== undefined ? { compressLevel: level } : {}),
    ...(vcpu ? { vcpu } : {}),
    ...(vmem ? { memoryMiB: vmem } : {}),
    ...(opts.checksum ? { checksum: true } : {}),
    ...(opts.version ? { version: opts.version } : {}),
    ...(opts.release ? { release: opts.release } : {}),
    ...(opts.package ? { package: opts.package as PackageKind } : {}),
    ...(opts.include?.length ? { include: opts.include.map((i) => path.resolve(i)) } : {}),
  };
}

// The sha256 of each output, read back from the SHA256SUMS the output stage wrote.
function sums(dir: string): Map<string, string> {
  const file = path.join(dir, "SHA256SUMS");
  if (!existsSync(file)) return new Map();
  return new Map(
    readFileSync(file, "utf8")
      .split("\n")
      .map((l) => /^([0-9a-f]{64}) [ *](.+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2]!, m[1]!]),
  );
}

/** The machine-readable summary `--json` prints. */
export function buildSummary(plan: BuildPlan, result: BuildResult, seconds: number): Record<string, unknown> {
  const hashes = sums(plan.applianceDir);
  return {
    name: plan.name,
    kickstart: plan.kickstart,
    seconds,
    outputs: (result.report?.files ?? []).map((f) => ({ path: f.path, kind: f.kind, format: f.format ?? null, bytes: f.bytes, allocatedBytes: f.allocatedBytes, sha256: hashes.get(path.basename(f.path)) ?? null })),
    steps: result.steps,
    phases: result.phases,
    warnings: [...plan.warnings, ...plan.layout.warnings, ...result.warnings],
    treeCache: { status: plan.treeCache.status, reason: plan.treeCache.reason },
    imageCache: { status: plan.imageCache.status, reason: plan.imageCache.reason },
    // ksimage's own process (the tools it runs are not in these figures).
    process: { maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), cpuSeconds: Number((process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6).toFixed(2)) },
  };
}

/** Plan and build; returns the exit code. */
export async function buildFromFile(file: string, opts: BuildCliOptions, err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const progress = createProgress(err, { tty: process.stderr.isTTY === true, quiet: opts.quiet === true });
  const say = (s: string) => progress.line(redact(s.replace(/\n$/, "")));
  const output = outputSettings(opts);
  const live = liveOptions(opts);
  const bootAttempts = parseAttempts(opts.bootAttempts, "--boot-attempts");
  if (opts.bootAttempts !== undefined && opts.bootTest !== true) throw new UsageError("--boot-attempts is for --boot-test: give both, or neither");
  // Before anything is touched: an unknown user is a usage error (exit 2), not a build that fails at its end.
  const owner = opts.chown !== undefined ? await resolveOwner(opts.chown) : undefined;
  requireRoot();
  // Reap dead builds' leftovers, then (from the real CLI) run the build itself in its own namespaces.
  const supervised = await startBuildProcess(opts.tmpdir ?? "/var/tmp", say);
  if (supervised !== undefined) return supervised;
  const started = Date.now();
  const plan = await planFromFile(file, opts, {
    output,
    ...(live ? { live } : {}),
    treeCache: treeCacheChoice(opts.cache),
    imageCache: opts.imageCache !== false,
    sources: {
      ...(opts.releasever ?? opts.version ? { releasever: opts.releasever ?? opts.version } : {}),
      ...(opts.suite ? { suite: opts.suite } : {}),
      ...(opts.variant ? { variant: opts.variant } : {}),
    },
  });
  const logfile = path.resolve(opts.logfile ?? path.join(plan.applianceDir, `${plan.name}-build.log`));
  setLogger(createLogger({ file: logfile }), logfile);
  say(`building ${plan.name} (log: ${logfile})\n`);
  for (const w of plan.warnings) say(`warning: ${w}\n`);
  for (const w of plan.layout.warnings) say(`warning: ${w}\n`);
  const result = await buildAppliance(plan, {
    tmpdir: opts.tmpdir,
    keepWorkdir: opts.keepWorkdir === true,
    logFile: logfile,
    ...(owner ? { owner } : {}),
    ...(opts.cache ? { cacheDir: path.resolve(opts.cache) } : {}),
    log: (line) => say(`${line}\n`),
    onProgress: (p) => progress.packages(p),
  });
  for (const w of result.warnings) say(`warning: ${w}\n`);
  const seconds = (Date.now() - started) / 1000;
  if (opts.json) process.stdout.write(redact(JSON.stringify(buildSummary(plan, result, seconds), null, 2)) + "\n");
  else for (const out of result.outputs) process.stdout.write(`${out}\n`);
  if (opts.bootTest) {
    // A compressed raw (.raw.xz) cannot boot as it is; every other disk format can.
    const disk = plan.live ? result.report?.files[0] : result.report?.files.find((f) => f.kind === "disk" && f.disk === plan.outputs[0]?.disk && f.format !== "ova" && !(f.format === "raw" && f.codec));
    const image = disk?.path ?? plan.outputs[0]?.path;
    if (!image) throw new KsimageError("--boot-test: the build wrote no bootable disk image");
    say(`boot test: ${image}\n`);
    const boot = await bootImage({ image, uefi: plan.bootloader.firmware === "uefi", attempts: bootAttempts, log: (l) => say(`${l}\n`) });
    reportBoot(image, boot, say);
  }
  return 0;
}

/** Register the build command. */
export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("build the appliance from a kickstart: disks, packages, boot loader, images and descriptors (needs root)")
    .argument("<kickstart>", "kickstart file")
    .option("-o, --outdir <dir>", "output directory: files go to <outdir>/<name>/", ".")
    .option("-n, --name <name>", "appliance name (default: the kickstart's base name)")
    .option("-f, --format <format>", `output format, repeatable (${FORMAT_NAMES.join(", ")}; default raw), or iso for a live ISO`, collect)
    .option("--compress <codec>", "compression: xz or zstd for raw, zstd or zlib for qcow2, or none; for an ISO's squashfs zstd (default), xz, gzip, lz4 or none")
    .option("--fslabel <label>", "volume label of the ISO (default: the name; at most 32 of A-Z a-z 0-9 _ - .)")
    .option("--title <title>", "title of the ISO's boot menu entries (default: the label)")
    .option("--no-compress", "write uncompressed images")
    .option("--compress-level <n>", "compression level (xz 0-9, zstd 1-19)")
    .option("--disk-size <disk=size>", "size of a disk, e.g. sda=4G (repeatable; default: the sum of its partitions)", collect)
    .option("--disklabel <disk=label>", "partition table of a disk, gpt or msdos (repeatable)", collect)
    .option("--vcpu <n>", "virtual CPUs in the descriptors (default 1)")
    .option("--vmem <MiB>", "memory in the descriptors, in MiB (default 512)")
    .option("--checksum", "put sha256 checksums into the virt-image XML too (SHA256SUMS is always written)")
    .option("--releasever <ver>", "$releasever for dnf repositories")
    .option("--suite <suite>", "Debian suite (overrides %addon org_ksimage_debian --suite)")
    .option("--variant <variant>", "mmdebstrap variant (overrides the addon's)")
    .option("--cache <dir>", "keep downloaded packages, metadata and installed root trees here between builds")
    .option("--no-cache", "use no cache at all for this build (it also overrides an earlier --cache)")
    .option("--no-image-cache", "with --cache: keep no disks in the cache, only packages and root trees (a warm build then configures and installs GRUB again)")
    .option("--tmpdir <dir>", "where the work directory is made", "/var/tmp")
    .option("--keep-workdir", "leave the work directory in place and print where it is (for debugging)")
    .option("--logfile <file>", "structured log of every command (default: <outdir>/<name>/<name>-build.log)")
    .option("--json", "print a JSON summary (outputs with sizes and sha256, step durations, warnings)")
    .option("--boot-test", "boot the result in QEMU and wait for a login prompt")
    .option("--boot-attempts <n>", "with --boot-test: boot up to n times (1 to 5, default 1) while the login prompt does not come in time (see ksimage boot --attempts)")
    .option("-q, --quiet", "no progress on stderr")
    .option("--lenient", "accept commands removed from kickstart with a warning")
    .option("--source-date-epoch <seconds>", "build reproducibly with this clock: the same kickstart and package versions give the same bytes (default: $SOURCE_DATE_EPOCH)")
    .option("--chown <user[:group]>", "give the finished outputs to this user (and group; default the user's own); outputs are owner-only (0600 files, 0700 directories) either way")
    .option("--gpgkey <file>", "check the signatures of the kickstart's RPM repositories with this key (repeatable; without it dnf installs them unchecked, and the build says so)", collect)
    .addHelpText(
      "after",
      "\nExamples:\n  ksimage build examples/debian-minimal.ks --outdir out -f qcow2 --boot-test\n  ksimage build appliance.ks -o out -f qcow2 -f vmdk --disk-size sda=4G --json\n  ksimage build examples/debian-live.ks --outdir out -f iso --boot-test\n(as root; from another account, through sudo)",
    )
    .action(async (file: string, opts: BuildCliOptions) => {
      process.exitCode = await buildFromFile(file, opts);
    });
}
