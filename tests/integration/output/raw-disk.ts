// Integration fixtures for the output stage: a small real raw disk (msdos label, ext4 with files) made without a loop device.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect } from "vitest";
import { mountsUnder } from "../../../src/partition/mount.js";
import { run } from "../../../src/run/index.js";
import { loopsUnder } from "../../helpers/build-sandbox.js";

export const DISK_BYTES = 64 * 2 ** 20;
const PART_OFFSET = 2 ** 20;

// A 64 MiB raw disk: parted writes the label, mkfs.ext4 -E offset= -d fills the partition from a tree
// (some text, 4 MiB of random bytes so compressed formats carry real data) without any loop device.
export async function makeRawDisk(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  const tree = path.join(dir, `${name}.tree`);
  await mkdir(path.join(tree, "etc"), { recursive: true });
  await writeFile(path.join(tree, "etc", "motd"), "ksimage output test\n".repeat(1000));
  await writeFile(path.join(tree, "random.bin"), randomBytes(4 * 2 ** 20));
  await run(["truncate", "-s", String(DISK_BYTES), file]);
  await run(["parted", "-s", file, "mklabel", "msdos", "mkpart", "primary", "ext4", "1MiB", "100%"]);
  await run(["mkfs.ext4", "-F", "-q", "-E", `offset=${PART_OFFSET}`, "-d", tree, file, `${(DISK_BYTES - PART_OFFSET) / 1024}k`]);
  await run(["rm", "-rf", "--", tree]);
  return file;
}

// A fresh sandbox under /var/tmp; removeSandbox first asserts that nothing of it is mounted or attached.
export async function makeSandbox(): Promise<string> {
  return mkdtemp("/var/tmp/ksimage-output-it-");
}

export async function removeSandbox(dir: string): Promise<void> {
  const leaks = { loops: await loopsUnder(dir), mounts: await mountsUnder(dir) };
  await run(["rm", "-rf", "--one-file-system", "--", dir]);
  expect(leaks).toEqual({ loops: [], mounts: [] });
}
