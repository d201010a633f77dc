// The livecd-creator-compatible command line: its options with their meaning, LABEL.iso in the current directory, exit codes 0/1/2.
import { Command, Option } from "commander";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../errors.js";
import { ISO_LABEL_MAX, isoLabelProblem } from "../live/label.js";
import type { BuildCliOptions } from "./build.js";
import { runDropIn } from "./drop-in.js";

/** livecd-creator's --compression-type values ksimage's mksquashfs takes ("None" is the original's spelling of none). */
export const LIVECD_COMPRESSION = ["xz", "zstd", "gzip", "lz4", "none"] as const;

interface LcOptions {
  config?: string;
  fslabel?: string;
  title?: string;
  product?: string;
  releasever?: string;
  compressionType: string;
  tmpdir: string;
  cache?: string;
  nocleanup?: boolean;
  logfile?: string;
  debug?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  skipCompression?: boolean;
  skipMinimize?: boolean;
  baseOn?: string;
  shell?: boolean;
  imageType?: string;
}

/** Options of livecd-creator that ksimage cannot honour, and why (refused, never ignored). */
const REFUSED: [keyof LcOptions, string, string][] = [
  ["baseOn", "-b/--base-on", "ksimage builds the live tree from the kickstart alone; adding packages to an existing ISO is not supported"],
  ["shell", "-l/--shell", "ksimage runs unattended and opens no shell in the image (use %post, or --nocleanup to inspect the work directory)"],
];

// livecd-creator's default label: livecd-<kickstart base name>-<arch>-YYYYMMDDHHMM, cut to 32 characters at the name.
export function defaultLivecdLabel(config: string, now = new Date(), arch = os.machine()): string {
  const base = path.basename(config).replace(/\.[^.]*$/, "").replace(/^livecd-/, "");
  const p = (n: number) => String(n).padStart(2, "0");
  const suffix = `-${arch}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}`;
  const name = `livecd-${base}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  return `${name.slice(0, ISO_LABEL_MAX - suffix.length)}${suffix}`;
}

function program(): Command {
  return new Command("livecd-creator")
    .description("Build a live ISO from a kickstart file (ksimage's livecd-creator-compatible command line)")
    .option("-c, --config <ks>", "path of the kickstart")
    .argument("[kickstart...]", "the kickstart, as image-creator takes it")
    .option("-f, --fslabel <label>", "volume label, and the ISO's name (default livecd-<kickstart>-<arch>-<date>)")
    .option("--title <title>", "title of the boot menu entries (default: the label)")
    .option("--product <product>", "product name: the boot entries read \"TITLE - Start PRODUCT\"")
    .option("--releasever <ver>", "$releasever in the kickstart's repository URLs")
    .addOption(new Option("--compression-type <type>", "squashfs compression").default("xz"))
    .option("-t, --tmpdir <dir>", "temporary directory", "/var/tmp")
    .option("--cache <dir>", "cache directory: packages, metadata and installed root trees between builds")
    .option("--nocleanup", "keep the work directory (its path is printed)")
    .option("--logfile <file>", "log of every command")
    .option("-d, --debug", "debug output (stack traces on errors)")
    .option("-v, --verbose", "verbose output")
    .option("-q, --quiet", "no progress output")
    .option("-s, --skip-compression", "store the squashfs uncompressed (same as --compression-type none)")
    .option("--skip-minimize", "accepted: there is no ext image to minimize (the squashfs holds the tree directly), so it changes nothing")
    .addOption(new Option("-b, --base-on <iso>", "refused: see the message").hideHelp())
    .addOption(new Option("-l, --shell", "refused: see the message").hideHelp())
    .addOption(new Option("--image-type <type>", "livecd only").hideHelp())
    .addHelpText(
      "after",
      "\nOutput: LABEL.iso in the current directory, with LABEL.xml (virt-image), LABEL.libvirt.xml, the package manifest,\n" +
        "the SBOM and SHA256SUMS beside it. Needs root.\n" +
        "Exit status: 0 done, 1 the build failed, 2 a usage error.\n" +
        "\nExamples:\n  livecd-creator -c examples/debian-live.ks -f DEBIAN_LIVE\n  livecd-creator --config=fedora-live.ks --fslabel=Fedora-Live --releasever=41 --cache=/var/cache/live",
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Map livecd-creator's options onto `ksimage build -f iso`; UsageError (exit 2) for a value or option that cannot apply. */
export function toLiveBuildOptions(o: LcOptions, args: string[], cwd = process.cwd()): { config: string; opts: BuildCliOptions } {
  for (const [key, flag, why] of REFUSED) if (o[key] !== undefined) throw new UsageError(`${flag} is not supported: ${why}`);
  if (o.imageType !== undefined && o.imageType !== "livecd") throw new UsageError(`--image-type ${o.imageType}: ksimage's livecd-creator makes live ISOs only (use ksimage build for disk images)`);
  if (args.length > 1) throw new UsageError("Extra arguments given");
  const config = o.config ?? args[0];
  if (config === undefined) throw new UsageError("Kickstart file must be provided");
  const type = o.compressionType.toLowerCase();
  if (!(LIVECD_COMPRESSION as readonly string[]).includes(type)) {
    throw new UsageError(`--compression-type ${o.compressionType}: use ${LIVECD_COMPRESSION.join(", ")} (what this host's mksquashfs and the live kernel read)`);
  }
  if (o.fslabel !== undefined && o.fslabel.length > ISO_LABEL_MAX) throw new UsageError("CD labels are limited to 32 characters");
  if (o.fslabel !== undefined && o.fslabel.includes(" ")) throw new UsageError("CD labels cannot contain spaces.");
  const label = o.fslabel ?? defaultLivecdLabel(config);
  const problem = isoLabelProblem(label);
  if (problem !== null) throw new UsageError(problem);
  const opts: BuildCliOptions = {
    name: label,
    outdir: cwd,
    format: ["iso"],
    fslabel: label,
    compress: o.skipCompression ? "none" : type,
    ...(o.title !== undefined ? { title: o.title } : {}),
    ...(o.product !== undefined ? { product: o.product } : {}),
    ...(o.releasever !== undefined ? { releasever: o.releasever } : {}),
    tmpdir: o.tmpdir,
    ...(o.cache !== undefined ? { cache: o.cache } : {}),
    keepWorkdir: o.nocleanup === true,
    logfile: o.logfile ?? path.join(cwd, `${label}-build.log`),
    quiet: o.quiet === true,
    flat: true,
  };
  return { config, opts };
}

/** Run livecd-creator's command line; returns the exit code (0 done, 1 failed, 2 usage), as the original does. */
export async function livecdCreatorMain(argv: string[]): Promise<number> {
  return runDropIn<LcOptions>(program(), argv, async (o, args) => toLiveBuildOptions(o, args));
}
