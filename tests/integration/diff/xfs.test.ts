// ksimage diff reads an xfs file system without root (xfs_db on a copy of the partition): every path with its type,
// mode, owner, size, symlink target (short ones in the inode, long ones in a block) and content hash, holes included.
import { createHash } from "node:crypto";
import { chown, link, mkdir, mkdtemp, rm, symlink, truncate, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diffImages, formatDiff } from "../../../src/diff/index.js";
import { readXfsTree } from "../../../src/diff/xfs.js";
import { run } from "../../../src/run/index.js";

const MIB = 1024 * 1024;
const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");
const BIG = Buffer.alloc(300_000, 7);

// An xfs image file of 300 MiB holding a few kinds of files, written through the host's kernel (mounted, then unmounted).
async function makeXfs(dir: string, name: string, hostname: string): Promise<string> {
  const image = path.join(dir, `${name}.img`);
  await writeFile(image, "");
  await truncate(image, 300 * MIB);
  await run(["mkfs.xfs", "-q", "-f", "-m", "uuid=11111111-2222-4333-8444-555555555555", image]);
  const mnt = path.join(dir, `${name}-mnt`);
  await mkdir(mnt);
  await run(["mount", "-o", "loop", "-t", "xfs", image, mnt]);
  try {
    await mkdir(path.join(mnt, "etc/a dir"), { recursive: true });
    await writeFile(path.join(mnt, "etc/hostname"), hostname);
    await writeFile(path.join(mnt, "etc/big"), BIG);
    await link(path.join(mnt, "etc/big"), path.join(mnt, "etc/a dir/big link"));
    await symlink("hostname", path.join(mnt, "etc/short-link"));
    await symlink("y".repeat(600), path.join(mnt, "etc/long-link"));
    // A hole, then data.
    await writeFile(path.join(mnt, "etc/sparse"), "");
    await truncate(path.join(mnt, "etc/sparse"), 2 * MIB);
    await run(["dd", "of=" + path.join(mnt, "etc/sparse"), "bs=1", "seek=" + String(2 * MIB), "conv=notrunc", "status=none"], { input: "end\n" });
    await writeFile(path.join(mnt, "etc/owned"), "x");
    await chown(path.join(mnt, "etc/owned"), 1234, 4321);
    await chmod(path.join(mnt, "etc/owned"), 0o4750);
  } finally {
    await run(["umount", mnt]);
  }
  return image;
}

describe("ksimage diff: xfs", () => {
  it("reads every path of an xfs file system, and names what differs between two", async () => {
    const dir = await mkdtemp("/var/tmp/ksimage-xfsdiff-");
    made.push(dir);
    const a = await makeXfs(dir, "a", "one\n");
    const tmp = path.join(dir, "tmp");
    await mkdir(tmp);
    const tree = new Map((await readXfsTree(a, 0, 300 * MIB, tmp, "a")).map((e) => [e.path, e]));
    expect(tree.get("/etc")).toMatchObject({ type: "dir", mode: 0o755 });
    expect(tree.get("/etc/hostname")).toMatchObject({ type: "file", size: 4, sha256: sha("one\n") });
    expect(tree.get("/etc/big")).toMatchObject({ type: "file", size: BIG.length, sha256: sha(BIG) });
    expect(tree.get("/etc/a dir/big link")).toMatchObject({ type: "file", sha256: sha(BIG) });
    expect(tree.get("/etc/short-link")).toMatchObject({ type: "symlink", target: "hostname" });
    expect(tree.get("/etc/long-link")).toMatchObject({ type: "symlink", size: 600, target: "y".repeat(600) });
    expect(tree.get("/etc/sparse")).toMatchObject({ type: "file", size: 2 * MIB + 4, sha256: sha(Buffer.concat([Buffer.alloc(2 * MIB), Buffer.from("end\n")])) });
    expect(tree.get("/etc/owned")).toMatchObject({ uid: 1234, gid: 4321, mode: 0o4750 });

    const b = await makeXfs(dir, "b", "two\n");
    const report = await diffImages(a, b);
    const text = formatDiff(report);
    expect(report.identical).toBe(false);
    expect(report.regions[0]!.tree).toEqual([
      { path: "/etc/hostname", what: expect.stringMatching(/content sha256/) as unknown as string },
    ]);
    expect(text).toMatch(/the file system \(xfs\): \d+ blocks differ; 1 file difference/);
  });
});
