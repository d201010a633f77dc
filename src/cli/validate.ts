// `ksimage validate FILE...`: print file:line: message for each problem; exit 1 if any file failed.
import type { Command } from "commander";
import { redact } from "../run/shell-quote.js";
import { parseKickstart } from "../kickstart/parser.js";
import { EXIT_FAILED, EXIT_OK } from "./errors.js";

/** Validate kickstart files and return the exit code. */
export function validateFiles(files: string[], opts: { lenient?: boolean; quiet?: boolean }, out: (s: string) => void): number {
  let failed = 0;
  for (const file of files) {
    const r = parseKickstart(file, { lenient: opts.lenient ?? false });
    for (const d of r.diagnostics) {
      const chain = d.includeStack.length > 1 ? ` (via ${d.includeStack.slice(0, -1).join(" -> ")})` : "";
      out(`${d.file}:${d.line}: ${d.severity === "warning" ? "warning: " : ""}${d.message}${chain}\n`);
    }
    if (r.error) failed++;
    else if (!opts.quiet) out(`${file}: ok\n`);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

/** Register the validate command. */
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check kickstart files; prints file:line: message for each problem (no root needed)")
    .argument("<files...>", "kickstart files")
    .option("--lenient", "accept commands removed from kickstart (install, auth, ...) with a warning")
    .option("-q, --quiet", "print only problems")
    .addHelpText("after", "\nExamples:\n  ksimage validate examples/debian-minimal.ks\n  ksimage validate --lenient old/*.ks")
    .action((files: string[], opts: { lenient?: boolean; quiet?: boolean }) => {
      process.exitCode = validateFiles(files, opts, (s) => process.stdout.write(redact(s)));
    });
}
