// The lifetime writes counter zeroed in a real ext4 (mke2fs -d, at an offset in a disk file, as a reproducible build
// makes it): e2fsck finds every checksum good, and dumpe2fs reads no counter from the primary or from a backup.
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { superblockOffsets, zeroLifetimeWrites } from "../../../src/repro/ext-superblocks.js";
import { atOffset } from "../../../src/repro/rebuild.js";
import { run } from "../../../src/run/index.js";

const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("the ext lifetime writes counter", () => {
  it("is zero in every superblock afterwards, and e2fsck finds the file system clean", async () => {
    const dir = await mkdtemp("/var/tmp/ksimage-sb-test-");
    made.push(dir);
    const tree = path.join(dir, "tree");
    await run(["mkdir", "-p", tree]);
    await writeFile(path.join(tree, "file"), Buffer.alloc(3 * 1024 * 1024, 7));
    const disk = path.join(dir, "disk.raw");
    const offset = 1024 * 1024;
    await writeFile(disk, "");
    await truncate(disk, 400 * 1024 * 1024);
    await run(["mkfs.ext4", "-F", "-q", "-E", `offset=${offset}`, "-d", tree, disk, `${300 * 1024}k`], { env: { E2FSPROGS_FAKE_TIME: "1700000000" } });
    const device = atOffset(disk, offset);
    const before = (await run(["dumpe2fs", device])).stdout;
    expect(before).toMatch(/^Lifetime writes:\s+\d+/m);
    const offsets = superblockOffsets(before);
    expect(offsets.length).toBeGreaterThan(1);

    await zeroLifetimeWrites(disk, offset, offsets);
    const after = (await run(["dumpe2fs", "-h", device])).stdout;
    expect(after).not.toMatch(/^Lifetime writes:/m);
    // A backup, read as the superblock: its checksum is good (dumpe2fs refuses a bad one) and it has no counter either.
    const blockSize = Number(/^Block size:\s+(\d+)/m.exec(before)![1]);
    const backup = await run(["dumpe2fs", "-h", "-o", `superblock=${offsets[1]! / blockSize}`, "-o", `blocksize=${blockSize}`, device]);
    expect(backup.stdout).toMatch(/^Filesystem magic number:\s+0xEF53/m);
    expect(backup.stdout).not.toMatch(/^Lifetime writes:/m);
    expect(backup.stderr).not.toMatch(/checksum/i);
    const fsck = await run(["e2fsck", "-fn", device], { allowExitCodes: [0, 4, 8] });
    expect({ exit: fsck.exitCode, out: fsck.stdout }).toEqual({ exit: 0, out: expect.stringMatching(/clean|files/) as unknown as string });
  });
});
