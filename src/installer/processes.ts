// Find and stop, by PID, the processes that belong to an install root: chrooted into it, or (optionally) naming it on their command line.
import { readFileSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { getLogger } from "../run/index.js";

/** How long processes get to exit after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 10_000;
const POLL_MS = 100;

/** One process of /proc: its parent, its root directory and its argv. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  root: string | null;
  argv: string[];
}

function inside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

// The PIDs among PROCS that belong to DIR: root inside DIR, or (byArgv) an argument inside DIR; plus all their descendants.
export function selectProcesses(procs: readonly ProcInfo[], dir: string, opts: { byArgv?: boolean; exclude?: readonly number[] } = {}): number[] {
  const base = path.resolve(dir);
  const exclude = new Set(opts.exclude ?? []);
  const chosen = new Set<number>();
  for (const p of procs) {
    if (exclude.has(p.pid)) continue;
    if ((p.root !== null && p.root !== "/" && inside(p.root, base)) || (opts.byArgv === true && p.argv.some((a) => inside(a, base)))) chosen.add(p.pid);
  }
  // Children of what we stop would be orphaned and keep running (dpkg under mmdebstrap): take them too.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!chosen.has(p.pid) && !exclude.has(p.pid) && chosen.has(p.ppid)) {
        chosen.add(p.pid);
        grew = true;
      }
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

// Read every process of /proc that can still be read.
export async function listProcesses(): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
      const root = await readlink(`/proc/${pid}/root`).catch(() => null);
      out.push({ pid, ppid, root, argv });
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

// A zombie has exited already: only its parent's wait() is missing, and it holds no mount busy.
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    left = left.filter(alive);
  }
  return left;
}

// Stop every process that belongs to DIR: SIGTERM, GRACE ms, then SIGKILL; returns the PIDs that were found. Never this process or its ancestors.
export async function stopProcessesIn(dir: string, opts: { byArgv?: boolean; graceMs?: number } = {}): Promise<number[]> {
  const procs = await listProcesses();
  const pids = selectProcesses(procs, dir, { byArgv: opts.byArgv, exclude: ancestors(procs) });
  if (pids.length === 0) return [];
  const log = getLogger();
  log.warn({ dir, pids }, `stopping ${pids.length} process(es) still running in ${dir}`);
  signal(pids, "SIGTERM");
  const left = await waitGone(pids, opts.graceMs ?? STOP_GRACE_MS);
  if (left.length > 0) {
    log.warn({ dir, pids: left }, `killing ${left.length} process(es) that ignored SIGTERM in ${dir}`);
    signal(left, "SIGKILL");
    await waitGone(left, 5_000);
  }
  // New children may have appeared while the parents were dying.
  const again = selectProcesses(await listProcesses(), dir, { byArgv: opts.byArgv, exclude: ancestors(procs) });
  if (again.length > 0) {
    signal(again, "SIGKILL");
    await waitGone(again, 5_000);
  }
  return pids;
}

function ancestors(procs: readonly ProcInfo[]): number[] {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const out: number[] = [];
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 0 && !out.includes(pid); pid = byPid.get(pid)?.ppid) out.push(pid);
  return out;
}
