// Attach and detach loop devices carefully: only our own files' loops, flushed, verified gone (HOST-NOTES §6, §7).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { isDryRun, retryUntil, run } from "../run/index.js";

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

// Attach FILE to a free loop device and return its path (a placeholder in dry-run).
export async function attachLoop(file: string, opts: LoopAttach & { reason: string; placeholder: string }): Promise<string> {
  const { stdout } = await run(losetupAttachArgs(file, opts), { reason: opts.reason });
  if (isDryRun()) return opts.placeholder;
  const device = stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new KsimageError(`losetup printed "${device}" instead of a loop device for ${file}`);
  return device;
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
export async function detachLoop(device: string, file: string): Promise<void> {
  await retryUntil(
    async () => {
      if (!(await loopsOf(file)).includes(device)) return;
      // Partitions added by partx survive `losetup -d` unless removed first (HOST-NOTES pitfall 2).
      if (sysfsPartitions(device).length > 0) await run(["partx", "-d", device], { reason: `remove the partitions of ${device}` });
      await run(["blockdev", "--flushbufs", device], { reason: `flush ${device} before detaching it` });
      await run(["losetup", "--detach", device], { reason: `detach ${device}` });
      // A busy loop device accepts -d with rc 0 and only sets autoclear: check that it is really gone.
      if ((await loopsOf(file)).includes(device)) throw new KsimageError(`${device} is still attached to ${file} (busy)`);
    },
    { deadlineMs: DETACH_DEADLINE_MS, intervalMs: DETACH_INTERVAL_MS, label: `detach ${device}` },
  );
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
