// Turn a failed subprocess into one self-explaining ToolError: what ran, how it ended, what it said.
import { existsSync } from "node:fs";
import path from "node:path";
import { ToolError } from "../errors.js";
import { installHint } from "./tool-packages.js";

/** How many non-empty stderr lines a ToolError keeps. */
export const STDERR_TAIL_LINES = 20;

/** How a subprocess ended, as execa reports it with reject:false. */
export interface Ending {
  exitCode?: number;
  signal?: string;
  /** Node's error code when spawning failed (ENOENT, EACCES, ...). */
  code?: string;
  timedOut: boolean;
  stderr: string;
}

/** What the caller asked for, to explain the failure. Secrets must already be masked in argv. */
export interface FailureContext {
  argv: string[];
  cwd?: string;
  timeoutMs?: number;
  reason?: string;
}

// Keep the last n non-empty lines of a text.
export function tailLines(text: string, n: number = STDERR_TAIL_LINES): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(-n);
}

// Build the ToolError for a subprocess that ended badly.
export function toolFailure(ending: Ending, ctx: FailureContext): ToolError {
  const argv = ctx.argv;
  const name = path.basename(argv[0] ?? "");
  const stderrTail = tailLines(ending.stderr);
  const base = { argv, stderrTail };

  if (ending.code === "ENOENT" && ctx.cwd !== undefined && !existsSync(ctx.cwd)) {
    return new ToolError(`cannot run ${name}: working directory ${ctx.cwd} does not exist`, base);
  }
  if (ending.code === "ENOENT" || ending.exitCode === 127) {
    const missing = ending.exitCode === 127 ? (missingFromStderr(stderrTail) ?? name) : name;
    return new ToolError(`tool not found: ${missing}`, { ...base, exitCode: ending.exitCode }, notFoundHint(missing, ctx.reason));
  }
  if (ending.code === "EACCES") {
    return new ToolError(`cannot run ${name}: permission denied`, base, `check that ${argv[0]} is an executable file`);
  }
  if (ending.code !== undefined && ending.exitCode === undefined && ending.signal === undefined) {
    return new ToolError(`cannot run ${name}: ${ending.code}`, base);
  }
  if (ending.timedOut) {
    return new ToolError(`${name} timed out after ${ctx.timeoutMs ?? "?"} ms`, { ...base, signal: ending.signal });
  }
  if (ending.signal !== undefined) {
    return new ToolError(`${name} was killed by ${ending.signal}`, { ...base, signal: ending.signal });
  }
  return new ToolError(`${name} failed with exit code ${ending.exitCode ?? "?"}`, { ...base, exitCode: ending.exitCode });
}

function notFoundHint(tool: string, reason: string | undefined): string {
  const install = installHint(tool);
  return reason === undefined ? install : `${tool} is required to ${reason}; ${install}`;
}

// Shells and chroot report a missing command on stderr with exit code 127: name it rather than "sh".
const NOT_FOUND_PATTERNS: RegExp[] = [
  /(?:^|: )([^\s:]+): (?:command )?not found$/,
  /failed to run command ['‘"]([^'’"]+)['’"]: No such file or directory/,
  /^env: ['‘"]([^'’"]+)['’"]: No such file or directory/,
];

function missingFromStderr(lines: string[]): string | undefined {
  for (const line of [...lines].reverse()) {
    for (const pattern of NOT_FOUND_PATTERNS) {
      const match = pattern.exec(line.trim());
      if (match?.[1] !== undefined) return path.basename(match[1]);
    }
  }
  return undefined;
}
