// Reproducible xfs: made again from its finished tree by the tools tree's mkfs.xfs (-p DIR) on the SOURCE_DATE_EPOCH
// clock with its fixed random seed, on a loop device at the partition's offset in the new disk file (mkfs.xfs has no
// offset option). Times, owners, modes, hard links and extended attributes come from the tree; every inode's change
// and access time is the epoch.
import { KsimageError } from "../errors.js";
import { attachLoop, detachLoop } from "../partition/loop.js";
import { mkfsArgs } from "../partition/mkfs.js";
import type { FilesystemPlan } from "../partition/types.js";
import { isDryRun, run } from "../run/index.js";
import { xfsLtsConfig, xfsToolArgv } from "../tools/xfsprogs.js";

// The environment of the tools tree's mkfs.xfs: its clock, and its fixed random seed for inode generation numbers and the
// like. DETERMINISTIC_SEED is a switch, not a seed: only "1" gave the same bytes twice (2, 42, 1000, 2^31-1 and 0 each
// gave two different file systems from one tree, xfsprogs 7.2.0).
export function xfsFromTreeEnv(fs: FilesystemPlan): Record<string, string> {
  if (fs.reproducible === undefined) throw new KsimageError(`the xfs file system ${fs.uuid} is not planned reproducible`);
  return { SOURCE_DATE_EPOCH: String(fs.reproducible.time), DETERMINISTIC_SEED: "1" };
}

// The argv that makes FS on DEVICE with the contents of TREE, with the tools tree in TOOLS: the planned UUID, label and
// --mkfsoptions as the first mkfs made them, the Linux 6.1 LTS feature set (Debian 12's mkfs.xfs defaults), no discard
// (the new disk file is sparse), atimes from the epoch.
export function mkfsXfsFromTreeArgs(fs: FilesystemPlan, tools: string, tree: string, device: string): string[] {
  // -p takes comma-separated suboptions: a comma in the tree's path would be read as one.
  if (tree.includes(",")) throw new KsimageError(`mkfs.xfs cannot read a tree at ${tree}: its path holds a comma`, "use a --tmpdir without commas");
  const [, ...planned] = mkfsArgs(fs, device);
  return [...xfsToolArgv(tools, "mkfs.xfs"), "-c", `options=${xfsLtsConfig(tools)}`, "-K", "-p", `file=${tree},atime=0`, ...planned];
}

// Make FS again from TREE at byte OFFSET (SIZEBYTES long) of the new disk file NEXT, whose loop devices the caller's
// teardown detaches if this fails half-way.
export async function rebuildXfsAt(fs: FilesystemPlan, tools: string, tree: string, next: string, offset: number, sizeBytes: number, what: string): Promise<void> {
  const device = await attachLoop(next, { offsetBytes: offset, sizeLimitBytes: sizeBytes, reason: `make the xfs file system of ${what} again at its offset`, placeholder: "${LOOP_REBUILD}" });
  try {
    await run(mkfsXfsFromTreeArgs(fs, tools, tree, device), { env: xfsFromTreeEnv(fs), phase: "rebuild xfs", reason: `make the xfs file system of ${what} again from its tree (reproducible)` });
  } finally {
    if (!isDryRun()) await detachLoop(device, next);
  }
}
