// What the drop-ins (appliance-creator, livecd-creator) share: parse the old tool's command line, build, and give its
// exit codes: 0 done (or --help), 1 failed, 2 usage.
import { CommanderError, type Command } from "commander";
import { buildFromFile, type BuildCliOptions } from "./build.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, reportError } from "./errors.js";

/** The kickstart to build and the build options, from the drop-in's parsed options and operands. */
export type DropInPrepare<O> = (o: O, args: string[]) => Promise<{ config: string; opts: BuildCliOptions }>;

/** Run a drop-in's command line CMD on ARGV; returns the exit code. */
export async function runDropIn<O extends { debug?: boolean }>(cmd: Command, argv: string[], prepare: DropInPrepare<O>): Promise<number> {
  try {
    await cmd.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw e;
  }
  const o = cmd.opts<O>();
  try {
    const { config, opts } = await prepare(o, cmd.args);
    return await buildFromFile(config, opts);
  } catch (e) {
    const code = reportError(e, { debug: o.debug === true });
    return code === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILED;
  }
}
