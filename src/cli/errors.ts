// Map ksimage's typed errors to one human message, a hint, and an exit code (the only place that does).
import { InternalError, KickstartError, KsimageError, PlanError, ToolError, UsageError } from "../errors.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Print an error for a person and return the exit code it deserves. */
export function reportError(e: unknown, opts: { debug?: boolean; write?: (s: string) => void } = {}): number {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const lines: string[] = [];
  let code = EXIT_FAILED;
  if (e instanceof UsageError) {
    code = EXIT_USAGE;
    lines.push(`ksimage: ${e.message}`);
  } else if (e instanceof KickstartError) {
    const chain = e.pos.includeStack.length > 1 ? ` (included from ${e.pos.includeStack.slice(0, -1).join(" -> ")})` : "";
    lines.push(`${e.pos.file}:${e.pos.line}: ${e.message}${chain}`);
  } else if (e instanceof PlanError) {
    lines.push(e.pos ? `${e.pos.file}:${e.pos.line}: ${e.message}` : `ksimage: ${e.message}`);
  } else if (e instanceof ToolError) {
    lines.push(`ksimage: ${e.message}`);
    lines.push(`  command: ${e.argv.join(" ")}`);
    for (const l of e.stderrTail) lines.push(`  | ${l}`);
  } else if (e instanceof InternalError) {
    lines.push(`ksimage: internal error: ${e.message}`);
    lines.push("  This is a bug in ksimage: please report it with the command line and the log file.");
  } else if (e instanceof KsimageError) {
    lines.push(`ksimage: ${e.message}`);
  } else {
    lines.push(`ksimage: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    lines.push("  This is a bug in ksimage: please report it (run with --debug for the stack).");
  }
  if (e instanceof KsimageError && e.hint) lines.push(`  hint: ${e.hint}`);
  if (opts.debug && e instanceof Error && e.stack) lines.push(e.stack);
  write(lines.join("\n") + "\n");
  return code;
}
