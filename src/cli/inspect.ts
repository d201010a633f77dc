// `ksimage inspect --json FILE...`: one normalized JSON document per file (JSON Lines), in argument order.
import type { Command } from "commander";
import { redact } from "../run/shell-quote.js";
import { inspectResult } from "../kickstart/inspect.js";
import { parseKickstart } from "../kickstart/parser.js";
import { EXIT_FAILED, EXIT_OK } from "./errors.js";

/** Inspect kickstart files, writing one line per file; returns the exit code. */
export function inspectFiles(files: string[], opts: { lenient?: boolean; json?: boolean }, out: (s: string) => void): number {
  let failed = 0;
  for (const file of files) {
    const r = parseKickstart(file, { lenient: opts.lenient ?? false });
    if (r.error) failed++;
    const doc = inspectResult(r);
    out(opts.json === false ? JSON.stringify(doc, null, 2) + "\n" : JSON.stringify(doc) + "\n");
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

/** Register the inspect command. */
export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("print what ksimage reads from kickstart files: one JSON document per file (no root needed)")
    .argument("<files...>", "kickstart files")
    .option("--json", "JSON Lines: one compact document per line (the default)", true)
    .option("--pretty", "indented JSON instead of JSON Lines")
    .option("--lenient", "accept commands removed from kickstart (install, auth, ...) with a warning")
    .addHelpText("after", "\nExamples:\n  ksimage inspect --json examples/debian-minimal.ks | jq .partitions\n  ksimage inspect --json a.ks b.ks > docs.jsonl")
    .action((files: string[], opts: { lenient?: boolean; pretty?: boolean }) => {
      process.exitCode = inspectFiles(files, { lenient: opts.lenient ?? false, json: !opts.pretty }, (s) => process.stdout.write(redact(s)));
    });
}
