// The structured log of a build: pino writing JSON lines to --logfile, or nothing at all.
import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/** Where and how much to log; no file means a silent logger. */
export interface LoggerOptions {
  file?: string;
  level?: string;
}

// Create a pino logger that writes JSON lines to a file, synchronously so nothing is lost on exit.
export function createLogger(opts: LoggerOptions = {}): Logger {
  if (opts.file === undefined) return pino({ level: "silent" });
  const destination = pino.destination({ dest: opts.file, sync: true, mkdir: true });
  return pino({ level: opts.level ?? "debug", base: { pid: process.pid } }, destination);
}

let current: Logger = createLogger();

// Install the process-wide logger; the CLI calls this once with the --logfile logger.
export function setLogger(logger: Logger): void {
  current = logger;
}

// Return the process-wide logger (silent until setLogger is called).
export function getLogger(): Logger {
  return current;
}
