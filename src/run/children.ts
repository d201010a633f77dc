// The registry of live subprocesses, so a SIGINT handler can stop them before tearing down.

/** Anything that can be sent a signal: an execa subprocess satisfies this. */
export interface Killable {
  kill(signal?: NodeJS.Signals): boolean;
}

const live = new Set<Killable>();

// Remember a running subprocess until forgetChild is called for it.
export function trackChild(child: Killable): void {
  live.add(child);
}

// Drop a subprocess that has exited.
export function forgetChild(child: Killable): void {
  live.delete(child);
}

// How many subprocesses started by run() are still running.
export function liveChildCount(): number {
  return live.size;
}

// Send signal to every live subprocess started by run(); returns how many were signalled.
export function killAllChildren(signal: NodeJS.Signals = "SIGTERM"): number {
  let count = 0;
  for (const child of live) {
    try {
      if (child.kill(signal)) count += 1;
    } catch {
      // Already gone: nothing to stop.
    }
  }
  return count;
}
