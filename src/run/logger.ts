// The structured log of a build: pino writing JSON lines to --logfile, or nothing at all.
import { pino, type Logger } from "pino";
import { tolerantLogFile, type LogLossReporter } from "./log-file.js";
import { redact } from "./shell-quote.js";

export type { Logger } from "pino";

/** Where and how much to log; no file means a silent logger. */
export interface LoggerOptions {
  file?: string;
  level?: string;
  /** Told once when a line cannot be written (default: one line on stderr). */
  onLoss?: LogLossReporter;
}

// Create a pino logger that writes JSON lines to a file, synchronously so nothing is lost on exit, and never throws
// (a log on a full disk must not hide the build's own error or stop its cleanup).
export function createLogger(opts: LoggerOptions = {}): Logger {
  if (opts.file === undefined) return pino({ level: "silent" });
  const file = tolerantLogFile(opts.file, opts.onLoss);
  // Every line passes the run's secrets mask, whoever wrote it.
  return pino({ level: opts.level ?? "debug", base: { pid: process.pid } }, { write: (line: string) => file.write(redact(line)) });
}

let current: Logger = createLogger();
let currentFile: string | undefined;

// Install the process-wide logger; the CLI calls this once with the --logfile logger and its FILE (named in errors).
export function setLogger(logger: Logger, file?: string): void {
  current = logger;
  currentFile = file;
}

// The file the process-wide logger writes to, when the caller said.
export function getLogFile(): string | undefined {
  return currentFile;
}

// Return the process-wide logger (silent until setLogger is called).
export function getLogger(): Logger {
  return current;
}
