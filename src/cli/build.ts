// `ksimage build KS --outdir DIR`: plan the appliance, then build its raw disk images (needs root).
import path from "node:path";
import type { Command } from "commander";
import { buildAppliance } from "../build.js";
import { KsimageError } from "../errors.js";
import { createLogger, setLogger } from "../run/index.js";
import { collect } from "./options.js";
import { planFromFile, type PlanCliOptions } from "./plan.js";

export interface BuildCliOptions extends PlanCliOptions {
  tmpdir?: string;
  keepWorkdir?: boolean;
  logfile?: string;
}

// Loop devices and mounts need root; say which commands do not.
export function requireRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid === 0) return;
  throw new KsimageError(
    "ksimage build must run as root: it attaches loop devices and mounts filesystems",
    "run it with sudo; ksimage validate, inspect and plan work without root",
  );
}

/** Plan and build; returns the exit code. */
export async function buildFromFile(file: string, opts: BuildCliOptions, err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const plan = planFromFile(file, opts);
  requireRoot();
  const logfile = path.resolve(opts.logfile ?? path.join(plan.applianceDir, `${plan.name}-build.log`));
  setLogger(createLogger({ file: logfile }));
  err(`building ${plan.name} (log: ${logfile})\n`);
  for (const w of plan.layout.warnings) err(`warning: ${w}\n`);
  const result = await buildAppliance(plan, {
    tmpdir: opts.tmpdir,
    keepWorkdir: opts.keepWorkdir === true,
    log: (line) => err(`${line}\n`),
  });
  for (const out of result.outputs) process.stdout.write(`${out}\n`);
  return 0;
}

/** Register the build command. */
export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("build the appliance's raw disk images from a kickstart (needs root)")
    .argument("<kickstart>", "kickstart file")
    .requiredOption("-o, --outdir <dir>", "output directory: images go to <outdir>/<name>/<name>-<disk>.raw")
    .option("-n, --name <name>", "appliance name (default: the kickstart's base name)")
    .option("--disk-size <disk=size>", "size of a disk, e.g. sda=4G (repeatable; default: the sum of its partitions)", collect)
    .option("--disklabel <disk=label>", "partition table of a disk, gpt or msdos (repeatable)", collect)
    .option("--tmpdir <dir>", "where the work directory is made", "/var/tmp")
    .option("--keep-workdir", "leave the work directory in place and print where it is (for debugging)")
    .option("--logfile <file>", "structured log of every command (default: <outdir>/<name>/<name>-build.log)")
    .option("--lenient", "accept commands removed from kickstart with a warning")
    .addHelpText("after", "\nExamples:\n  sudo ksimage build appliance.ks --outdir out\n  sudo ksimage build appliance.ks --outdir out --disk-size sda=4G --keep-workdir")
    .action(async (file: string, opts: BuildCliOptions) => {
      process.exitCode = await buildFromFile(file, opts);
    });
}
