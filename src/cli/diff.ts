// `ksimage diff A B`: why two images differ (partition table, file trees, what each differing block holds), without root.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { diffImages, formatDiff } from "../diff/index.js";
import { UsageError } from "../errors.js";
import { run, which } from "../run/index.js";
import { EXIT_FAILED, EXIT_OK } from "./errors.js";

export interface DiffCliOptions {
  json?: boolean;
  max?: string;
  diffoscope?: boolean;
}

// Compare A and B and print the report; 0 when the bytes are identical, 1 when they differ.
export async function diffCommand(a: string, b: string, opts: DiffCliOptions, out: (s: string) => void): Promise<number> {
  for (const f of [a, b]) if (!existsSync(f)) throw new UsageError(`${f}: no such file`);
  if (opts.diffoscope) {
    if ((await which("diffoscope")) === undefined) throw new UsageError("--diffoscope: diffoscope is not installed", "apt-get install diffoscope, or leave out --diffoscope");
    const { exitCode } = await run(["diffoscope", a, b], { stdio: "inherit", allowExitCodes: [1], reason: "compare the images with diffoscope" });
    return exitCode;
  }
  const max = opts.max === undefined ? 20 : Number(opts.max);
  if (!Number.isInteger(max) || max <= 0) throw new UsageError(`--max must be a positive whole number, got "${opts.max}"`);
  const report = await diffImages(a, b, { detail: max });
  out(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatDiff(report, max));
  return report.identical ? EXIT_OK : EXIT_FAILED;
}

/** Register the diff command. */
export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("compare two disk images: partition tables, each file system's files (modes, owners, sizes, sha256) and what the differing blocks hold (no root needed)")
    .argument("<a>", "first image (raw, or any format qemu-img reads)")
    .argument("<b>", "second image")
    .option("--json", "print the whole report as JSON")
    .option("--max <n>", "differences shown per section (default 20)")
    .option("--diffoscope", "hand both images to diffoscope instead (when it is installed)")
    .addHelpText("after", "\nExit status: 0 when the images are byte-identical, 1 when they differ, 2 for bad usage.\n\nExamples:\n  ksimage diff out1/app/app-sda.raw out2/app/app-sda.raw\n  ksimage diff --json a.qcow2 b.qcow2 | jq '.regions[].tree'")
    .action(async (a: string, b: string, opts: DiffCliOptions) => {
      process.exitCode = await diffCommand(a, b, opts, (s) => process.stdout.write(s));
    });
}
