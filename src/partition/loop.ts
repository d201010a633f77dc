// Attach and detach loop devices carefully: only our own files' loops, flushed, verified gone (HOST-NOTES §6, §7).
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { getLogger, isDryRun, journal, retryUntil, run } from "../run/index.js";

/** How a loop device is attached. */
export interface LoopAttach {
  /** Let the kernel rescan (and drop stale) partitions at attach time. */
  partscan?: boolean;
  offsetBytes?: number;
  sizeLimitBytes?: number;
  readOnly?: boolean;
}

/** How long a busy loop device may take to let go before we give up. */
export const DETACH_DEADLINE_MS = 15_000;
const DETACH_INTERVAL_MS = 250;

// The losetup argv that attaches FILE to the first free loop device and prints its name (atomic on shared hosts).
export function losetupAttachArgs(file: string, opts: LoopAttach = {}): string[] {
  return [
    "losetup",
    "--find",
    "--show",
    ...(opts.partscan ? ["--partscan"] : []),
    ...(opts.readOnly ? ["--read-only"] : []),
    ...(opts.offsetBytes !== undefined ? ["--offset", String(opts.offsetBytes)] : []),
    ...(opts.sizeLimitBytes !== undefined ? ["--sizelimit", String(opts.sizeLimitBytes)] : []),
    file,
  ];
}

/** Our own open file descriptor on each loop device we attached: it keeps an autoclear device attached until released. */
const held = new Map<string, number>();

// Attach FILE to a free loop device with autoclear set, and return its path (a placeholder in dry-run).
// The device then detaches itself once its last user is gone: our descriptor (closed by the kernel if we are
// killed), its mounts (gone with our mount namespace) and whatever another process opened.
export async function attachLoop(file: string, opts: LoopAttach & { reason: string; placeholder: string }): Promise<string> {
  const { stdout } = await run(losetupAttachArgs(file, opts), { reason: opts.reason });
  if (isDryRun()) return opts.placeholder;
  const device = stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new KsimageError(`losetup printed "${device}" instead of a loop device for ${file}`);
  journal()?.loop(device, file);
  await armAutoclear(device, file);
  return device;
}

// Hold DEVICE open and ask for its detach: the kernel only sets AUTOCLEAR while it is in use (HOST-NOTES §6).
async function armAutoclear(device: string, file: string): Promise<void> {
  held.set(device, openSync(device, "r"));
  await run(["losetup", "--detach", device], { reason: `let ${device} detach itself once nothing uses it (autoclear)` });
  if (!(await autoclearSet(device, file))) throw new KsimageError(`${device} did not keep ${file} attached with autoclear set`);
}

// Whether DEVICE is attached to FILE with the autoclear flag.
export async function autoclearSet(device: string, file: string): Promise<boolean> {
  const r = await run(["losetup", "--list", "--noheadings", "--output", "AUTOCLEAR,BACK-FILE", device], { reason: `check the autoclear flag of ${device}`, allowExitCodes: [1] });
  const [flag, ...back] = r.stdout.trim().split(/\s+/);
  return r.exitCode === 0 && flag === "1" && back.join(" ").replace(/ \(deleted\)$/, "") === file;
}

// Whether DEVICE or one of its partitions is mounted in this process's mount namespace (by major:minor).
function mountedHere(device: string): boolean {
  const name = path.basename(device);
  const ids = [`/sys/block/${name}/dev`, ...sysfsPartitions(device).map((p) => `/sys/block/${name}/${p}/dev`)].map((f) => {
    try {
      return readFileSync(f, "utf8").trim();
    } catch {
      return "";
    }
  });
  const mounted = new Set(readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")[2]));
  return ids.some((id) => id !== "" && mounted.has(id));
}

// Close our descriptor on DEVICE (a no-op if we hold none).
function release(device: string): void {
  const fd = held.get(device);
  if (fd === undefined) return;
  held.delete(device);
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

// Parse `losetup -j FILE` output ("/dev/loop3: [2049]:1234 (/path)") into device paths.
export function parseLosetupList(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => /^(\/dev\/loop\d+):/.exec(line.trim())?.[1])
    .filter((d): d is string => d !== undefined);
}

// The loop devices attached to FILE right now; only these are ours to detach (never `losetup -D`).
export async function loopsOf(file: string): Promise<string[]> {
  if (isDryRun() || !existsSync(file)) return [];
  const { stdout } = await run(["losetup", "--associated", file], { reason: `find the loop devices of ${file}` });
  return parseLosetupList(stdout);
}

// Partition nodes the kernel holds for a loop device, from sysfs (e.g. loop3p1, loop3p5).
export function sysfsPartitions(device: string): string[] {
  const name = path.basename(device);
  const dir = `/sys/block/${name}`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((entry) => entry.startsWith(`${name}p`));
}

// Detach one loop device of FILE: drop its partitions, flush, detach, and retry until `losetup -j` no longer lists it.
// If another process still holds it when the deadline passes, but autoclear is set, the kernel finishes the detach
// when that process lets go: nothing leaks, and the build need not fail for it.
export async function detachLoop(device: string, file: string): Promise<void> {
  try {
    await retryUntil(
      async () => {
        if (!(await loopsOf(file)).includes(device)) return release(device);
        // Partitions added by partx survive `losetup -d` unless removed first (HOST-NOTES pitfall 2); with autoclear
        // and --partscan the kernel drops them itself at the detach, so a busy partition need not stop us here.
        if (sysfsPartitions(device).length > 0) {
          await run(["partx", "-d", device], { reason: `remove the partitions of ${device}`, allowExitCodes: [1] });
        }
        await run(["blockdev", "--flushbufs", device], { reason: `flush ${device} before detaching it` });
        release(device);
        // Closing our descriptor may have detached it already (autoclear): then losetup has nothing to do.
        if ((await loopsOf(file)).includes(device)) await run(["losetup", "--detach", device], { reason: `detach ${device}`, allowExitCodes: [1] });
        // A busy loop device accepts -d with rc 0 and only sets autoclear: check that it is really gone.
        if ((await loopsOf(file)).includes(device)) throw new KsimageError(`${device} is still attached to ${file} (busy)`);
      },
      { deadlineMs: DETACH_DEADLINE_MS, intervalMs: DETACH_INTERVAL_MS, label: `detach ${device}` },
    );
  } catch (error) {
    // Still mounted in our own namespace is our failure, not another process's pin: say so.
    if (mountedHere(device) || !(await autoclearSet(device, file).catch(() => false))) throw error;
    getLogger().warn({ device, file }, `${device} is still in use by another process; it detaches itself (autoclear) once that process lets go`);
  }
}

// Detach every loop device still attached to FILE (our own file, so every such loop is ours).
export async function detachLoopsOf(file: string): Promise<void> {
  const failures: string[] = [];
  for (const device of await loopsOf(file)) {
    try {
      await detachLoop(device, file);
    } catch (error) {
      failures.push(`${device}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new KsimageError(`could not detach the loop devices of ${file}: ${failures.join("; ")}`);
}
