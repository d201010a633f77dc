// The ksimage command line: commander setup, subcommands, and the one place errors become exit codes.
import { Command, CommanderError } from "commander";
import { UsageError } from "../errors.js";
import { ksimageVersion } from "../package-root.js";
import { registerBoot } from "./boot.js";
import { registerBuild } from "./build.js";
import { registerCache } from "./cache.js";
import { registerCleanup } from "./cleanup.js";
import { registerConvert } from "./convert.js";
import { registerDiff } from "./diff.js";
import { registerDoctor } from "./doctor.js";
import { EXIT_USAGE, reportError } from "./errors.js";
import { registerInspect } from "./inspect.js";
import { registerPlan } from "./plan.js";
import { registerValidate } from "./validate.js";

/** Build the commander program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command("ksimage")
    .description("Build bootable appliance disk images from kickstart files")
    .version(ksimageVersion())
    .option("--debug", "show stack traces on errors")
    .exitOverride()
    .showHelpAfterError();
  registerValidate(program);
  registerInspect(program);
  registerPlan(program);
  registerBuild(program);
  registerDoctor(program);
  registerConvert(program);
  registerBoot(program);
  registerCache(program);
  registerCleanup(program);
  registerDiff(program);
  return program;
}

/** Run the CLI with argv; returns the exit code instead of exiting (tests call this). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version are "errors" to commander with exit code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const debug = program.opts<{ debug?: boolean }>().debug ?? argv.includes("--debug");
    const usage = e instanceof Error && e.name === "UsageError" && !(e instanceof UsageError);
    return reportError(usage ? new UsageError(e.message, (e as { hint?: string }).hint) : e, { debug });
  }
}
