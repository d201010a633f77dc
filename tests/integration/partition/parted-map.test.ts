// parted on a plain file read back with sfdisk; then each mapping method gives block devices of exactly the planned extents.
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loopsOf } from "../../../src/partition/loop.js";
import { mapPartitions, type MapMethod } from "../../../src/partition/map.js";
import { partitionDisk } from "../../../src/partition/parted.js";
import type { DiskPlan } from "../../../src/partition/types.js";
import { run, Teardown } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";
import { gptDisk, msdosDisk } from "../../helpers/disk-plans.js";
import { expectTableMatchesPlan } from "../../helpers/image-readback.js";

async function sparseFile(file: string, disk: DiskPlan): Promise<void> {
  const handle = await open(file, "w");
  await handle.truncate(disk.sizeBytes);
  await handle.close();
}

describe("partitionDisk", () => {
  const sandbox = useSandbox();

  it.each([
    ["msdos with extended and logical partitions", msdosDisk()],
    ["gpt with BIOS boot, ESP and the x86-64 root type", gptDisk()],
  ])("%s: sfdisk reads back every planned start, size and type", async (_, disk) => {
    const file = path.join(sandbox().dir, "disk.raw");
    await sparseFile(file, disk);
    await partitionDisk(disk, file);
    await expectTableMatchesPlan(file, disk);
  });
});

describe("mapPartitions", () => {
  const sandbox = useSandbox();

  it.each(["loop-partx", "loop-offset"] as const)("%s: every partition device has the planned size; unwinding detaches all", async (method: MapMethod) => {
    const disk = msdosDisk();
    const file = path.join(sandbox().dir, "disk.raw");
    await sparseFile(file, disk);
    await partitionDisk(disk, file);
    const teardown = new Teardown();
    try {
      const mapped = await mapPartitions(disk, file, teardown, { method });
      expect(mapped.method).toBe(method);
      expect(Object.keys(mapped.partitions).map(Number)).toEqual([1, 2, 3, 5, 6]); // the extended partition is skipped
      for (const p of disk.partitions.filter((x) => x.kind !== "extended")) {
        const device = mapped.partitions[p.number]!;
        expect(existsSync(device)).toBe(true);
        const { stdout } = await run(["blockdev", "--getsize64", device]);
        expect([p.number, Number(stdout)]).toEqual([p.number, p.sizeBytes]);
      }
      expect((await loopsOf(file)).length).toBe(method === "loop-offset" ? 6 : 1);
    } finally {
      const report = await teardown.unwind();
      expect(report.failures).toEqual([]);
    }
    expect(await loopsOf(file)).toEqual([]);
  });
});
