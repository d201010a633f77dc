// Progress on stderr: step lines with elapsed time, and a live package counter (in place on a terminal, plain lines otherwise).
import type { InstallProgress } from "../installer/types.js";

export interface Progress {
  /** A step or message line. */
  line(text: string): void;
  /** Package installation progress. */
  packages(p: InstallProgress): void;
}

/** A progress display writing to OUT; `tty` rewrites the counter in place, `quiet` prints nothing. */
export function createProgress(out: (s: string) => void, opts: { tty: boolean; quiet: boolean }): Progress {
  if (opts.quiet) return { line: () => undefined, packages: () => undefined };
  let live = false; // a counter line is on screen without its newline
  let lastPlain = -1;
  const endLive = () => {
    if (live) out("\n");
    live = false;
  };
  return {
    line(text) {
      endLive();
      out(`${text}\n`);
    },
    packages(p) {
      const text = `  packages: ${p.done}${p.total ? ` of ${p.total}` : ""}${p.package ? ` (${p.package})` : ""}`;
      if (opts.tty) {
        out(`\r\x1b[2K${text}`);
        live = true;
      } else if (p.done !== lastPlain && (p.done % 10 === 0 || p.done === p.total)) {
        out(`${text}\n`);
        lastPlain = p.done;
      }
    },
  };
}
