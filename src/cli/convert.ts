// `ksimage convert IMAGE...`: convert existing raw images to other formats with the output stage, no root needed.
import path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { convertImages, type ConvertedFile } from "../output/convert-images.js";
import { CONVERTIBLE_FORMATS, type ImageConversionInput } from "../output/image-conversions.js";
import type { FormatName } from "../output/index.js";
import { createLogger, installSignalHandlers, setLogger, Teardown } from "../run/index.js";
import { outputSettings } from "./build.js";
import { collect } from "./options.js";
import { createProgress } from "./progress.js";

export interface ConvertCliOptions {
  format?: string[];
  compress?: string | boolean;
  compressLevel?: string;
  outdir?: string;
  json?: boolean;
  quiet?: boolean;
  logfile?: string;
}

/** The conversion the command line asks for (default: qcow2 beside each image); UsageError for values that make no sense. */
export function convertInput(images: string[], opts: ConvertCliOptions): ImageConversionInput {
  const formats = (opts.format ?? ["qcow2"]).flatMap((f) => f.split(",")).filter((f) => f !== "");
  for (const f of formats) {
    if (f === "ova") throw new UsageError("ksimage convert does not write OVA: its OVF envelope describes the appliance", "build it with ksimage build -f ova");
    if (!(CONVERTIBLE_FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}" (use ${CONVERTIBLE_FORMATS.join(", ")})`);
  }
  if (formats.length === 0) throw new UsageError("-f needs a format");
  // The same rules as ksimage build for --compress, --no-compress and --compress-level.
  const settings = outputSettings({ compress: opts.compress, compressLevel: opts.compressLevel });
  return {
    images: images.map((i) => path.resolve(i)),
    formats: formats as FormatName[],
    compress: settings.compress ?? "default",
    ...(settings.compressLevel !== undefined ? { compressLevel: settings.compressLevel } : {}),
    outdir: opts.outdir === undefined ? null : path.resolve(opts.outdir),
  };
}

/** The machine-readable summary `--json` prints. */
export function convertSummary(files: ConvertedFile[], seconds: number): Record<string, unknown> {
  return { seconds, outputs: files.map((f) => ({ image: f.image, path: f.path, format: f.format, codec: f.codec, bytes: f.bytes, sha256: f.sha256, seconds: f.seconds })) };
}

/** Convert; returns the exit code. */
export async function convertFromCli(images: string[], opts: ConvertCliOptions, err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const input = convertInput(images, opts);
  const progress = createProgress(err, { tty: process.stderr.isTTY === true, quiet: opts.quiet === true });
  if (opts.logfile) setLogger(createLogger({ file: path.resolve(opts.logfile) }));
  const teardown = new Teardown();
  // Ctrl-C: stop qemu-img (run's child registry), remove the .partial files, exit 130.
  const removeHandlers = installSignalHandlers(teardown, { onSignal: (s) => err(`${s}: removing unfinished outputs\n`) });
  const started = Date.now();
  try {
    const files = await convertImages(input, { teardown, log: (line) => progress.line(line) });
    const seconds = (Date.now() - started) / 1000;
    if (opts.json) process.stdout.write(JSON.stringify(convertSummary(files, seconds), null, 2) + "\n");
    else for (const f of files) process.stdout.write(`${f.path}\n`);
    return 0;
  } finally {
    await teardown.unwind();
    removeHandlers();
  }
}

/** Register the convert command. */
export function registerConvert(program: Command): void {
  program
    .command("convert")
    .description("convert existing raw disk images to other formats; the inputs are never modified (no root needed)")
    .argument("<images...>", "raw disk images (for example the <name>-sda.raw of ksimage build -f raw --no-compress)")
    .option("-f, --format <format>", `output format, repeatable (${CONVERTIBLE_FORMATS.join(", ")}; default qcow2)`, collect)
    .option("--compress <codec>", "compression: xz or zstd for raw, zstd or zlib for qcow2, or none")
    .option("--no-compress", "write uncompressed images")
    .option("--compress-level <n>", "compression level (xz 0-9, zstd 1-19)")
    .option("-o, --outdir <dir>", "write the outputs here (default: beside each image)")
    .option("--json", "print a JSON summary (outputs with sizes, sha256 and times)")
    .option("-q, --quiet", "no progress on stderr")
    .option("--logfile <file>", "structured log of every command")
    .addHelpText(
      "after",
      "\nOutputs are named after the image without .raw or .img (disk.raw -> disk.qcow2), written as .partial and renamed\n" +
        "when complete and checked; SHA256SUMS in the output directory gets a line for each (other lines are kept).\n" +
        "\nExamples:\n" +
        "  ksimage convert out/app/app-sda.raw -f qcow2 -f vmdk\n" +
        "  ksimage convert disk.raw -f qcow2 --compress zlib --outdir images\n" +
        "  ksimage convert app-sda.raw app-sdb.raw -f vhdx -f vdi -o /srv/images --json\n" +
        "  ksimage convert disk.raw -f raw --compress zstd --compress-level 19   # writes disk.raw.zst",
    )
    .action(async (images: string[], opts: ConvertCliOptions) => {
      process.exitCode = await convertFromCli(images, opts);
    });
}
