// Map ksimage's typed errors to one human message, a hint, and an exit code (the only place that does).
import { InternalError, KickstartError, KsimageError, PlanError, ToolError, UsageError } from "../errors.js";
import { redact } from "../run/shell-quote.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const NO_SPACE = /No space left on device|\bENOSPC\b/i;

/** What a person can do about a full disk, whichever step ran into it. */
export const DISK_FULL_HINT =
  "free some space on that filesystem, or give ksimage directories with more room (--outdir for the images, --tmpdir for the work directory); df -h shows what is left";

// Whether E comes from a full disk, however it arrived: a tool's stderr, Node's ENOSPC, or a message that wraps either.
export function isDiskFull(e: unknown): boolean {
  if (e instanceof ToolError && e.stderrTail.some((l) => NO_SPACE.test(l))) return true;
  if (!(e instanceof Error)) return false;
  return (e as NodeJS.ErrnoException).code === "ENOSPC" || NO_SPACE.test(e.message);
}

// The first line and the context lines of E (without the hint).
function describe(e: unknown): { head: string; context: string[]; code: number } {
  if (e instanceof UsageError) return { head: `ksimage: ${e.message}`, context: [], code: EXIT_USAGE };
  if (e instanceof KickstartError) {
    const chain = e.pos.includeStack.length > 1 ? ` (included from ${e.pos.includeStack.slice(0, -1).join(" -> ")})` : "";
    return { head: `${e.pos.file}:${e.pos.line}: ${e.message}${chain}`, context: [], code: EXIT_FAILED };
  }
  if (e instanceof PlanError) return { head: e.pos ? `${e.pos.file}:${e.pos.line}: ${e.message}` : `ksimage: ${e.message}`, context: [], code: EXIT_FAILED };
  if (e instanceof ToolError) return { head: `ksimage: ${e.message}`, context: [`  command: ${e.argv.join(" ")}`, ...e.stderrTail.map((l) => `  | ${l}`)], code: EXIT_FAILED };
  if (e instanceof InternalError) {
    return { head: `ksimage: internal error: ${e.message}`, context: ["  This is a bug in ksimage: please report it with the command line and the log file."], code: EXIT_FAILED };
  }
  if (e instanceof KsimageError) return { head: `ksimage: ${e.message}`, context: [], code: EXIT_FAILED };
  const message = e instanceof Error ? e.message : String(e);
  return { head: `ksimage: unexpected error: ${message}`, context: ["  This is a bug in ksimage: please report it (run with --debug for the stack)."], code: EXIT_FAILED };
}

/** Print an error for a person and return the exit code it deserves. */
export function reportError(e: unknown, opts: { debug?: boolean; write?: (s: string) => void } = {}): number {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const described = describe(e);
  const code = described.code;
  let { head, context } = described;
  let hint = e instanceof KsimageError ? e.hint : undefined;
  if (code !== EXIT_USAGE && isDiskFull(e)) {
    // Not a bug and not the tool's fault: say so first, whatever the error's class.
    const message = e instanceof Error ? e.message : String(e);
    head = `ksimage: the disk is full (no space left on device): ${message}`;
    context = e instanceof ToolError ? context : [];
    hint = DISK_FULL_HINT;
  }
  const lines = [head, ...context];
  if (hint) lines.push(`  hint: ${hint}`);
  if (opts.debug && e instanceof Error && e.stack) lines.push(e.stack);
  // No message may carry a secret of the kickstart (the run registered them when it read it).
  write(redact(lines.join("\n") + "\n"));
  return code;
}
