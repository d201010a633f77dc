// The log file pino writes to: synchronous appends that never throw, so a full disk cannot replace the real error or stop a cleanup.
import { mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";

/** What a log file that lost lines tells: once, when the first line is lost. */
export type LogLossReporter = (file: string, error: NodeJS.ErrnoException) => void;

const sayOnStderr: LogLossReporter = (file, error) => {
  process.stderr.write(`ksimage: cannot write the log file ${file} (${error.code ?? error.message}); its lines are lost until there is room again\n`);
};

// A pino destination appending to FILE. A line that cannot be written (ENOSPC, EIO...) is dropped, not thrown; the next
// line that can be written is preceded by a record saying how many were lost.
export function tolerantLogFile(file: string, onLoss: LogLossReporter = sayOnStderr): { write(line: string): void } {
  // Owner-only: the log names every path and command of the build (secrets are masked, the layout is not).
  // Only its own directory (the appliance directory by default) is made owner-only, not the output directory above.
  mkdirSync(path.dirname(path.dirname(file)), { recursive: true });
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(file, "a", 0o600);
  let lost = 0;
  let reported = false;
  const append = (text: string): void => {
    const bytes = Buffer.from(text);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
  };
  return {
    write(line: string): void {
      try {
        if (lost > 0) {
          append(`${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, lostLines: lost, msg: `${lost} log lines were lost: the log file could not be written` })}\n`);
          lost = 0;
        }
        append(line);
      } catch (error) {
        lost += 1;
        if (!reported) onLoss(file, error as NodeJS.ErrnoException);
        reported = true;
      }
    },
  };
}
