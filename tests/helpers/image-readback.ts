// Read a built raw image back without trusting the builder: sfdisk, blkid at offsets, read-only loop mounts.
import { expect } from "vitest";
import { attachLoop, detachLoop } from "../../src/partition/loop.js";
import { mountAt } from "../../src/partition/mount.js";
import type { DiskPlan, FsType, PartitionPlan } from "../../src/partition/types.js";
import { run, type Teardown } from "../../src/run/index.js";

/** `sfdisk --json` partitions of a raw file by number. */
export async function partitionTable(file: string): Promise<{ label: string; partitions: Map<number, { start: number; size: number; type: string }> }> {
  const { stdout } = await run(["sfdisk", "--json", file]);
  const table = (JSON.parse(stdout) as { partitiontable: { label: string; partitions: { node: string; start: number; size: number; type: string }[] } }).partitiontable;
  return { label: table.label, partitions: new Map(table.partitions.map((p) => [Number(/(\d+)$/.exec(p.node)![1]), p])) };
}

/** Assert that every partition of the raw file has the planned start, size and type. */
export async function expectTableMatchesPlan(file: string, disk: DiskPlan): Promise<void> {
  const table = await partitionTable(file);
  expect(table.label).toBe(disk.label === "msdos" ? "dos" : "gpt");
  const got = [...table.partitions].map(([n, p]) => [n, p.start, p.size, p.type.toUpperCase().replace(/^([0-9A-F])$/, "0$1")]);
  const want = disk.partitions
    .map((p) => [p.number, p.startSector, p.sizeSectors, (p.typeGuid ?? p.msdosType!).toUpperCase()])
    .sort((a, b) => (a[0] as number) - (b[0] as number));
  expect(got).toEqual(want);
}

/** blkid's probe of one partition inside the raw file (TYPE, UUID, LABEL, ...). */
export async function blkidPartition(file: string, p: PartitionPlan): Promise<Record<string, string>> {
  const { stdout } = await run(["blkid", "-p", "-o", "export", "-O", String(p.startSector * 512), "-S", String(p.sizeBytes), file]);
  return Object.fromEntries(stdout.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

/** Assert TYPE, UUID and LABEL of every planned filesystem of the disk. */
export async function expectFilesystemsMatchPlan(file: string, disk: DiskPlan): Promise<void> {
  for (const p of disk.partitions) {
    if (p.filesystem === null) continue;
    const probe = await blkidPartition(file, p);
    expect({ n: p.number, TYPE: probe.TYPE, UUID: probe.UUID, LABEL: probe.LABEL }).toEqual({
      n: p.number,
      TYPE: p.filesystem.fstype,
      UUID: p.filesystem.uuid,
      LABEL: p.filesystem.label ?? undefined,
    });
  }
}

/** Mount one partition of the raw file read-only at TARGET through its own loop device; undone by TEARDOWN. */
export async function mountPartitionReadOnly(
  file: string,
  p: PartitionPlan,
  fstype: FsType,
  target: string,
  teardown: Teardown,
  options: string[] = [],
): Promise<void> {
  const device = await attachLoop(file, { readOnly: true, offsetBytes: p.startSector * 512, sizeLimitBytes: p.sizeBytes, reason: "read back", placeholder: "" });
  teardown.defer(`detach ${device}`, () => detachLoop(device, file));
  await mountAt(device, target, fstype, ["ro", ...options], teardown);
}
