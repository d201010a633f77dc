// The appliance-creator-compatible command line. Until `build` exists it checks the kickstart only.
import { Command, CommanderError } from "commander";
import { parseKickstart } from "../kickstart/parser.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./errors.js";

/** Run appliance-creator's command line; returns the exit code (0 done, 1 failed, 2 usage). */
export async function applianceCreatorMain(argv: string[]): Promise<number> {
  const program = new Command("appliance-creator")
    .description("Build an appliance from a kickstart (ksimage's appliance-creator-compatible entry)")
    .requiredOption("-c, --config <ks>", "path to the kickstart file")
    .option("-n, --name <name>", "name of the appliance")
    .exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw e;
  }
  const { config } = program.opts<{ config: string }>();
  const r = parseKickstart(config);
  for (const d of r.diagnostics) process.stderr.write(`${d.file}:${d.line}: ${d.message}\n`);
  if (r.error) return EXIT_FAILED;
  process.stderr.write(`appliance-creator: ${config} is a valid kickstart; building images is not implemented yet in this version of ksimage\n`);
  return EXIT_FAILED;
}
