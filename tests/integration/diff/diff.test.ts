// ksimage diff on real images made without root: a partitioned disk with an ext4 and a FAT file system at their offsets.
import { mkdtemp, rm, writeFile, mkdir, chmod, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { diffImages, formatDiff } from "../../../src/diff/index.js";
import { inodeTimeRequests, usedInodes } from "../../../src/repro/rebuild.js";
import { run } from "../../../src/run/index.js";

const MIB = 1024 * 1024;
const EXT_START = 1 * MIB;
const EXT_SIZE = 16 * MIB;
const FAT_START = 17 * MIB;
const FAT_SIZE = 34 * MIB;

// A 52 MiB msdos disk: partition 1 ext4 made from TREE, partition 2 FAT with one file; no root, no loop device.
async function makeDisk(file: string, tree: string, fatText: string): Promise<void> {
  await run(["truncate", "-s", `${52 * MIB}`, file]);
  await run(["sfdisk", "--quiet", file], { input: "label: dos\nlabel-id: 0x1234abcd\nstart=2048, size=32768, type=83\nstart=34816, size=69632, type=c\n" });
  const env = { E2FSPROGS_FAKE_TIME: "1700000000" };
  await run(["mkfs.ext4", "-q", "-F", "-U", "11111111-2222-4333-8444-555555555555", "-E", `offset=${EXT_START},hash_seed=11111111-2222-4333-8444-555555555556`, "-d", tree, file, `${EXT_SIZE / 1024}k`], { env });
  // Reading the tree moves its access times: set them all (as the reproducible build does) so equal trees give equal bytes.
  const target = `${file}?offset=${EXT_START}`;
  const { stdout } = await run(["dumpe2fs", target]);
  await run(["debugfs", "-w", "-f", "-", target], { input: inodeTimeRequests(usedInodes(stdout, 4096), 1700000000), env });
  await run(["mkfs.vfat", "-F", "32", "--invariant", "-i", "ABCD1234", `--offset=${FAT_START / 512}`, file, `${FAT_SIZE / 1024}`]);
  const text = path.join(path.dirname(file), "efi.txt");
  await writeFile(text, fatText);
  await run(["mmd", "-i", `${file}@@${FAT_START}`, "::/EFI"], { env: { MTOOLS_SKIP_CHECK: "1", SOURCE_DATE_EPOCH: "1700000000" } });
  await run(["mcopy", "-i", `${file}@@${FAT_START}`, text, "::/EFI/boot.txt"], { env: { MTOOLS_SKIP_CHECK: "1", SOURCE_DATE_EPOCH: "1700000000" } });
}

async function makeTree(dir: string, hostname: string, mode = 0o644): Promise<void> {
  await mkdir(path.join(dir, "etc/ssh"), { recursive: true });
  await writeFile(path.join(dir, "etc/hostname"), hostname);
  await chmod(path.join(dir, "etc/hostname"), mode);
  await writeFile(path.join(dir, "etc/big"), Buffer.alloc(300_000, 7));
  await symlink("hostname", path.join(dir, "etc/name-link"));
  await symlink("x".repeat(100), path.join(dir, "etc/slow-link"));
  await run(["find", dir, "-exec", "touch", "-h", "-d", "@1600000000", "{}", "+"]);
}

describe("ksimage diff", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-diff-it-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 for two identical images, and reads every file of both file systems", async () => {
    // One tree for both: mke2fs -d copies its ctimes, which no two trees share.
    await makeTree(path.join(dir, "tree"), "same\n");
    for (const n of ["a", "b"]) await makeDisk(path.join(dir, `${n}.raw`), path.join(dir, "tree"), "fat\n");
    const code = await main(["diff", path.join(dir, "a.raw"), path.join(dir, "b.raw")]);
    expect(code).toBe(0);
    const report = await diffImages(path.join(dir, "a.raw"), path.join(dir, "b.raw"));
    expect(formatDiff(report)).toMatch(/are identical/);
    expect(report.identical).toBe(true);
  });

  it("names the changed file, its mode, the FAT file and the disk identifier, and exits 1", async () => {
    await makeTree(path.join(dir, "tree-a"), "one\n");
    await makeTree(path.join(dir, "tree-b"), "two\n", 0o600);
    await makeDisk(path.join(dir, "a.raw"), path.join(dir, "tree-a"), "fat one\n");
    await makeDisk(path.join(dir, "b.raw"), path.join(dir, "tree-b"), "fat two\n");
    await run(["sfdisk", "--disk-id", path.join(dir, "b.raw"), "0x0badf00d"]);
    const report = await diffImages(path.join(dir, "a.raw"), path.join(dir, "b.raw"));
    expect(report.identical).toBe(false);
    expect(report.table).toEqual(["disk identifier 0x1234abcd -> 0x0badf00d"]);
    const ext = report.regions.find((r) => r.name === "partition 1")!;
    expect(ext.fstype).toBe("ext4");
    expect(ext.entries).toBeGreaterThanOrEqual(6);
    expect(ext.tree!.map((d) => `${d.path}: ${d.what.replace(/ [0-9a-f]{12} -> [0-9a-f]{12}$/, "")}`)).toEqual(["/etc/hostname: mode 0644 -> 0600", "/etc/hostname: content sha256"]);
    expect(ext.blocks!.details.join("\n")).toMatch(/\/etc\/hostname/);
    const fat = report.regions.find((r) => r.name === "partition 2")!;
    expect(fat.fstype).toBe("vfat");
    expect(fat.tree!.map((d) => `${d.path}: ${d.what.slice(0, 14)}`)).toEqual(["/EFI/boot.txt: content sha256"]);

    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (lines.push(s), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(["diff", path.join(dir, "a.raw"), path.join(dir, "b.raw")]);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(1);
    expect(lines.join("")).toMatch(/\/etc\/hostname: mode 0644 -> 0600/);
    expect(lines.join("")).toMatch(/disk identifier 0x1234abcd -> 0x0badf00d/);
  });
});
