// Run one external command: log it, honour dry-run, explain failures. The only place that spawns.
import path from "node:path";
import { execa, type Options } from "execa";
import { InternalError } from "../errors.js";
import { forgetChild, trackChild } from "./children.js";
import { isDryRun, recordCommand } from "./dry-run.js";
import { toolFailure } from "./failure.js";
import { getLogger } from "./logger.js";
import { recordCommandTime } from "./phases.js";
import { REDACTED, redact, redactArgv, shellQuote } from "./shell-quote.js";

/** Options of one run() call. */
export interface RunOptions {
  cwd?: string;
  /** Added to (not replacing) the environment of ksimage itself. */
  env?: Record<string, string | undefined>;
  /** Written to stdin; without it stdin is /dev/null (or the terminal with stdio "inherit"). */
  input?: string;
  timeoutMs?: number;
  /** Overrides the process-wide switch for this call, in both directions. */
  dryRun?: boolean;
  /** Strings masked as *** in the log, the dry-run record and errors (e.g. plaintext passwords). */
  secrets?: readonly string[];
  /** Why the command runs, e.g. "partition disk vda": logged, and named when the tool is missing. */
  reason?: string;
  /** "inherit" shows stdout/stderr on the terminal (stderr is still captured for errors). */
  stdio?: "pipe" | "inherit";
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Hand stdout to this callback as raw bytes instead of keeping it (large binary output, e.g. file contents); stdout is then "". */
  onStdoutData?: (chunk: Buffer) => void;
  /** Exit codes that count as success besides 0 (e.g. grep's 1). */
  allowExitCodes?: readonly number[];
  /** The phase of the build's profile this command's time goes to (default: named by the command, src/run/phases.ts). */
  phase?: string;
  /** Keep stdout out of the log (it is a secret itself, e.g. a password hash). */
  secretOutput?: boolean;
}

/** What a successful (or dry) run returns. */
export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** How much of each output stream is copied into the debug log. */
const LOG_OUTPUT_LIMIT = 256 * 1024;

// Run argv (no shell), logging "+ <command>" first; throw ToolError when it fails.
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined || file === "") throw new InternalError("run() was called with an empty command");
  const secrets = opts.secrets ?? [];
  const shown = redactArgv(argv, secrets);
  const line = shellQuote(shown);
  const dry = opts.dryRun ?? isDryRun();
  const log = getLogger();
  log.info(
    { argv: shown, cwd: opts.cwd, reason: opts.reason, env: opts.env && Object.keys(opts.env), dryRun: dry || undefined },
    `+ ${line}`,
  );
  if (dry) {
    recordCommand({ argv: shown, line, cwd: opts.cwd, reason: opts.reason });
    return { stdout: "", stderr: "", exitCode: 0 };
  }

  const started = Date.now();
  const child = execa(file, args, execaOptions(opts));
  trackChild(child, file);
  if (opts.onStdoutData !== undefined) child.stdout?.on("data", opts.onStdoutData);
  const result = await child.finally(() => forgetChild(child));
  recordCommandTime(argv, opts.phase, started, Date.now());

  const stdout = typeof result.stdout === "string" ? result.stdout : "";
  const stderr = typeof result.stderr === "string" ? result.stderr : "";
  log.debug(
    {
      exitCode: result.exitCode,
      signal: result.signal,
      code: result.code,
      durationMs: Math.round(result.durationMs),
      stdout: opts.secretOutput ? REDACTED : clip(redact(stdout, secrets)),
      stderr: clip(redact(stderr, secrets)),
    },
    `${path.basename(file)} exited ${result.exitCode ?? result.signal ?? result.code ?? "?"}`,
  );

  const exitCode = result.exitCode;
  const spawned = result.code === undefined && !result.timedOut && result.signal === undefined;
  if (spawned && exitCode !== undefined && (exitCode === 0 || (opts.allowExitCodes ?? []).includes(exitCode))) {
    return { stdout, stderr, exitCode };
  }
  const error = toolFailure(
    { exitCode, signal: result.signal, code: result.code, timedOut: result.timedOut, stderr: redact(stderr, secrets) },
    { argv: shown, cwd: opts.cwd, timeoutMs: opts.timeoutMs, reason: opts.reason },
  );
  // The one place a tool failure is logged (STYLE.md convention 5); callers must not log it again.
  log.error(
    { argv: shown, exitCode: error.exitCode, signal: error.signal, stderrTail: error.stderrTail, hint: error.hint },
    error.message,
  );
  throw error;
}

// Translate RunOptions into execa's: never reject, no shell, stdin closed unless given or inherited.
function execaOptions(opts: RunOptions): Options {
  const inherit = opts.stdio === "inherit";
  const options: Options = {
    cwd: opts.cwd,
    env: opts.env,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: true,
    stdout: [...tap(opts.onStdoutLine), inherit ? "inherit" : "pipe"],
    ...(opts.onStdoutData !== undefined ? { buffer: { stdout: false } } : {}),
    stderr: [...tap(opts.onStderrLine), ...(inherit ? (["inherit"] as const) : []), "pipe"],
  };
  if (opts.input !== undefined) return { ...options, input: opts.input };
  return { ...options, stdin: inherit ? "inherit" : "ignore" };
}

// An execa line transform that hands each line to a callback and passes it on unchanged.
function tap(onLine: ((line: string) => void) | undefined) {
  if (onLine === undefined) return [];
  return [
    // Lines arrive as strings (encoding utf8, binary false); execa types them as unknown.
    function* (line: unknown) {
      try {
        onLine(String(line));
      } catch (error) {
        getLogger().warn({ err: error }, "output line callback threw");
      }
      yield line;
    },
  ];
}

function clip(text: string): string {
  if (text.length <= LOG_OUTPUT_LIMIT) return text;
  return `[... ${text.length - LOG_OUTPUT_LIMIT} characters omitted]\n${text.slice(-LOG_OUTPUT_LIMIT)}`;
}
