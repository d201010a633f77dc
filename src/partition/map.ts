// Map a disk file's partitions to block devices: kpartx, or a loop device + partx, or one loop per partition.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { getLogger, isDryRun, run, type Teardown } from "../run/index.js";
import { attachLoop, detachLoopsOf, sysfsPartitions } from "./loop.js";
import type { DiskPlan, PartitionPlan } from "./types.js";

/** kpartx (device-mapper), a loop device with partitions added by partx, or one loop device per partition. */
export type MapMethod = "kpartx" | "loop-partx" | "loop-offset";

/** A disk file mapped to block devices. */
export interface MappedDisk {
  disk: string;
  file: string;
  /** The whole-disk loop device (boot loaders are installed on it). */
  device: string;
  method: MapMethod;
  /** Partition number -> block device; the msdos extended partition is left out. */
  partitions: Record<number, string>;
}

/** How long to wait for a device node to appear in /dev once its partition is in sysfs. */
const PARTSCAN_WAIT_MS = 1_000;

// Whether device-mapper works here (kpartx and LVM need it; this project's reference host has none).
export async function deviceMapperAvailable(): Promise<boolean> {
  if (!existsSync("/sys/class/misc/device-mapper") && !existsSync("/dev/mapper/control")) return false;
  try {
    await run(["dmsetup", "version"], { reason: "check that device-mapper works", dryRun: false });
    return true;
  } catch {
    return false;
  }
}

// The device node of partition n of a loop device or a kpartx map (/dev/loop3 -> /dev/loop3p2).
export function partitionNode(device: string, n: number, method: MapMethod): string {
  return method === "kpartx" ? `/dev/mapper/${path.basename(device)}p${n}` : `${device}p${n}`;
}

// Parse `kpartx -a -v` output ("add map loop0p1 (253:0): 0 2048 linear 7:0 2048") into number -> start/size.
export function parseKpartxMaps(stdout: string): Map<number, { start: number; size: number }> {
  const maps = new Map<number, { start: number; size: number }>();
  for (const line of stdout.split("\n")) {
    const m = /^add map \S*?p(\d+) \(\d+:\d+\): 0 (\d+) linear \S+ (\d+)/.exec(line.trim());
    if (m) maps.set(Number(m[1]), { start: Number(m[3]), size: Number(m[2]) });
  }
  return maps;
}

const mappable = (disk: DiskPlan): PartitionPlan[] => disk.partitions.filter((p) => p.kind !== "extended");

// Map every partition of DISK (backed by FILE); the undo is registered before anything is attached.
export async function mapPartitions(disk: DiskPlan, file: string, teardown: Teardown, opts: { method?: MapMethod } = {}): Promise<MappedDisk> {
  // Registered first: whatever gets attached to FILE below, even if we are interrupted mid-way, is found and detached.
  teardown.defer(`detach the loop devices of ${file}`, () => detachLoopsOf(file));
  const method = opts.method ?? ((await deviceMapperAvailable()) ? "kpartx" : "loop-partx");
  const placeholder = `\${LOOP_${disk.name.toUpperCase()}}`;
  const device = await attachLoop(file, { partscan: method !== "loop-offset", reason: `map the partitions of disk ${disk.name}`, placeholder });
  const mapped: MappedDisk = { disk: disk.name, file, device, method, partitions: {} };
  if (method === "kpartx") return mapWithKpartx(disk, mapped, teardown);
  if (method === "loop-partx") {
    try {
      return await mapWithPartx(disk, mapped);
    } catch (error) {
      if (!(error instanceof PartxFailed)) throw error;
      getLogger().warn({ disk: disk.name, err: error.cause }, "partx could not add the partitions: using one loop device per partition");
      await run(["partx", "-d", device], { reason: `remove partial partitions of ${device}`, allowExitCodes: [1] });
    }
  }
  return mapWithOffsets(disk, { ...mapped, method: "loop-offset" });
}

class PartxFailed extends Error {}

// Use the kernel's own partition scan if it made the partitions, else add them with partx; then check their geometry.
async function mapWithPartx(disk: DiskPlan, mapped: MappedDisk): Promise<MappedDisk> {
  const parts = mappable(disk);
  const wanted = parts.map((p) => `${path.basename(mapped.device)}p${p.number}`);
  // The kernel scans the table inside losetup's LOOP_CONFIGURE ioctl: what is not in sysfs when losetup returns never
  // comes (waiting here cost every build a second). A dry run shows the partx fallback this project's hosts need.
  const appeared = !isDryRun() && wanted.every((w) => sysfsPartitions(mapped.device).includes(w));
  if (!appeared) {
    // Kernels without partition-table parsers create no pN nodes at --partscan; partx parses in user space.
    try {
      await run(["partx", "-a", mapped.device], { reason: `add the partitions of ${mapped.device} (no kernel partition scan)` });
    } catch (error) {
      throw new PartxFailed("partx -a failed", { cause: error });
    }
  }
  for (const p of parts) {
    const node = partitionNode(mapped.device, p.number, "loop-partx");
    if (!isDryRun()) await checkSysfsGeometry(mapped.device, node, p);
    mapped.partitions[p.number] = node;
  }
  return mapped;
}

// Stale partitions of an earlier user of this loop number would send mkfs to the wrong extent: refuse them.
async function checkSysfsGeometry(device: string, node: string, p: PartitionPlan): Promise<void> {
  const sys = `/sys/block/${path.basename(device)}/${path.basename(node)}`;
  const read = (f: string) => Number(readFileSync(`${sys}/${f}`, "utf8").trim());
  const start = read("start");
  const size = read("size");
  if (start !== p.startSector || size !== p.sizeSectors) {
    throw new KsimageError(
      `${node} covers sectors ${start}+${size}, but partition ${p.number} is planned at ${p.startSector}+${p.sizeSectors}`,
      `the kernel kept a stale partition table for ${device}; detach it (partx -d ${device}; losetup -d ${device}) and retry`,
    );
  }
  if (!(await waitFor(() => existsSync(node), PARTSCAN_WAIT_MS))) throw new KsimageError(`${node} is in sysfs but no device node appeared in /dev`);
}

// One read-write loop device per partition at its byte offset: works with neither partition scanning nor partx.
async function mapWithOffsets(disk: DiskPlan, mapped: MappedDisk): Promise<MappedDisk> {
  for (const p of mappable(disk)) {
    mapped.partitions[p.number] = await attachLoop(mapped.file, {
      offsetBytes: p.startSector * 512,
      sizeLimitBytes: p.sizeBytes,
      reason: `map partition ${p.number} of disk ${disk.name} at its offset`,
      placeholder: `\${LOOP_${disk.name.toUpperCase()}_P${p.number}}`,
    });
  }
  return mapped;
}

// device-mapper maps through kpartx; its undo (kpartx -d) runs before the loop device is detached.
async function mapWithKpartx(disk: DiskPlan, mapped: MappedDisk, teardown: Teardown): Promise<MappedDisk> {
  teardown.defer(`remove the device-mapper maps of ${mapped.device}`, () => run(["kpartx", "-d", mapped.device], { reason: "remove partition maps" }).then(() => undefined));
  const { stdout } = await run(["kpartx", "-a", "-v", mapped.device], { reason: `map the partitions of disk ${disk.name}` });
  const maps = parseKpartxMaps(stdout);
  for (const p of mappable(disk)) {
    const node = partitionNode(mapped.device, p.number, "kpartx");
    const got = maps.get(p.number);
    if (!isDryRun() && (got?.start !== p.startSector || got.size !== p.sizeSectors)) {
      throw new KsimageError(`kpartx mapped partition ${p.number} of ${mapped.device} as ${got ? `${got.start}+${got.size}` : "nothing"}, planned ${p.startSector}+${p.sizeSectors}`);
    }
    if (!isDryRun() && !(await waitFor(() => existsSync(node), PARTSCAN_WAIT_MS))) throw new KsimageError(`kpartx created no ${node}`);
    mapped.partitions[p.number] = node;
  }
  return mapped;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The host tools mapPartitions runs with METHOD, and why.
export function mapTools(method: MapMethod): { tool: string; reason: string }[] {
  const loop = [
    { tool: "losetup", reason: "attach the disk files to loop devices" },
    { tool: "partx", reason: "add and remove the partitions of loop devices" },
    { tool: "blockdev", reason: "flush loop devices before detaching them" },
  ];
  return method === "kpartx" ? [...loop, { tool: "kpartx", reason: "map partitions with device-mapper" }] : loop;
}
