// The registry of live subprocesses, so a SIGINT handler can stop them, and their own children, before tearing down.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getLogger } from "./logger.js";

/** Anything that can be sent a signal: an execa subprocess satisfies this. */
export interface Killable {
  kill(signal?: NodeJS.Signals): boolean;
  readonly pid?: number | undefined;
}

const live = new Map<Killable, string>();

/** How long children get after the signal to exit with their process trees before they are killed. */
export const CHILD_GRACE_MS = 10_000;
const POLL_MS = 100;

// Remember a running subprocess (and the tool's name) until forgetChild is called for it.
export function trackChild(child: Killable, name = "?"): void {
  live.set(child, path.basename(name));
}

// Drop a subprocess that has exited.
export function forgetChild(child: Killable): void {
  live.delete(child);
}

// How many subprocesses started by run() are still running.
export function liveChildCount(): number {
  return live.size;
}

// The names of the tools started by run() that still run.
export function liveChildNames(): string[] {
  return [...live.values()];
}

// Send signal to every live subprocess started by run(); returns how many were signalled.
export function killAllChildren(signal: NodeJS.Signals = "SIGTERM"): number {
  let count = 0;
  for (const child of live.keys()) {
    try {
      if (child.kill(signal)) count += 1;
    } catch {
      // Already gone: nothing to stop.
    }
  }
  return count;
}

// pid -> parent pid of every process /proc shows, zombies left out (they hold nothing).
function parentMap(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z") out.set(Number(entry), Number(fields[1]));
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

// ROOTS and all their descendants that still run (alive: not exited, not a zombie).
export function processTree(roots: readonly number[]): number[] {
  const parents = parentMap();
  const chosen = new Set(roots.filter((pid) => parents.has(pid)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!chosen.has(pid) && chosen.has(ppid)) {
        chosen.add(pid);
        grew = true;
      }
    }
  }
  return [...chosen];
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

// On SIGINT/SIGTERM: send SIGNAL to every child started by run(), wait up to GRACE ms for them and all their
// descendants (mmdebstrap's apt and dpkg, a script's own children) to exit, then SIGKILL what is left and wait.
// Descendants are remembered before the signal: an orphan reparented elsewhere is still found and stopped.
export async function stopAllChildren(signal: NodeJS.Signals, graceMs = CHILD_GRACE_MS): Promise<string[]> {
  const names = liveChildNames();
  const roots = [...live.keys()].map((c) => c.pid).filter((p): p is number => p !== undefined);
  if (roots.length === 0) return names;
  let tree = processTree(roots);
  killAllChildren(signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    // Keep following the tree: a dying parent's children must not slip away unseen.
    tree = [...new Set([...tree, ...processTree(tree)])];
    const running = processTree(tree);
    if (running.length === 0) return names;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const left = processTree(tree);
  getLogger().warn({ pids: left }, `killing ${left.length} process(es) still running ${graceMs} ms after ${signal}`);
  signalAll(left, "SIGKILL");
  const killDeadline = Date.now() + 5_000;
  while (processTree(left).length > 0 && Date.now() < killDeadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  return names;
}
