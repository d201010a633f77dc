// Read an xfs file system inside an image without root: the host's xfs_db (xfsprogs) on a sparse copy of the partition
// (xfs_db has no offset option) lists the directories and prints each inode and its extents; the content hashes come
// from the extents read straight from that copy. V5 (CRC) file systems only: their inodes say their own numbers.
import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { run } from "../run/index.js";
import { entryType, type TreeEntry } from "./tree.js";

/** One directory entry as `xfs_db ls` prints it. */
export interface XfsDirent {
  inode: number;
  type: string;
  name: string;
}

/** One extent of an inode's data fork as `xfs_db bmap` prints it (blocks; the start as AG and block in the AG). */
export interface XfsExtent {
  offset: number;
  ag: number;
  agBlock: number;
  count: number;
  unwritten: boolean;
}

/** What ksimage reads of one inode. */
export interface XfsInode {
  inode: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  extents: XfsExtent[];
  /** A short symlink's target, kept in the inode. */
  localTarget: string | null;
}

// `ls` lines: "12  131  regular  0x0c3cba7a  6 sparse (good)"; the name is NAMELEN characters, blanks included.
export function parseXfsLs(stdout: string): XfsDirent[] {
  const out: XfsDirent[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*\d+\s+(\d+)\s+(\S+)\s+0x[0-9a-f]+\s+(\d+) (.*) \([^)]*\)$/.exec(line);
    if (m === null) continue;
    out.push({ inode: Number(m[1]), type: m[2]!, name: m[4]!.slice(0, Number(m[3])) });
  }
  return out;
}

// The sessions' output, one inode at a time (each begins with "v3.inumber = N").
export function parseXfsInodes(stdout: string): XfsInode[] {
  const out: XfsInode[] = [];
  let cur: XfsInode | null = null;
  for (const line of stdout.split("\n")) {
    const field = /^(\S+) = (.*)$/.exec(line);
    if (field?.[1] === "v3.inumber") {
      cur = { inode: Number(field[2]), mode: 0, uid: 0, gid: 0, size: 0, extents: [], localTarget: null };
      out.push(cur);
      continue;
    }
    if (cur === null) continue;
    const ext = /^data offset (\d+) startblock \d+ \((\d+)\/(\d+)\) count (\d+) flag (\d+)$/.exec(line);
    if (ext !== null) {
      cur.extents.push({ offset: Number(ext[1]), ag: Number(ext[2]), agBlock: Number(ext[3]), count: Number(ext[4]), unwritten: ext[5] !== "0" });
    } else if (field?.[1] === "core.mode") cur.mode = Number.parseInt(field[2]!, 8);
    else if (field?.[1] === "core.uid") cur.uid = Number(field[2]);
    else if (field?.[1] === "core.gid") cur.gid = Number(field[2]);
    else if (field?.[1] === "core.size") cur.size = Number(field[2]);
    else if (field?.[1] === "u3.symlink") cur.localTarget = field[2]!.replace(/^"/, "").replace(/"$/, "");
  }
  return out;
}

const xfsDb = (file: string, commands: string[], reason: string) => run(["xfs_db", "-r", "-f", file], { input: `${commands.join("\n")}\n`, reason, allowExitCodes: [0, 1] });

// Every directory's entries, level by level from ROOTINO: paths to inodes and the type xfs_db names.
async function walk(file: string, rootIno: number): Promise<{ path: string; inode: number; type: string }[]> {
  const out: { path: string; inode: number; type: string }[] = [{ path: "/", inode: rootIno, type: "directory" }];
  let level = [{ path: "/", inode: rootIno }];
  const seen = new Set([rootIno]);
  while (level.length > 0) {
    const { stdout } = await xfsDb(file, level.flatMap((d) => [`inode ${d.inode}`, "ls"]), "list the directories of an xfs file system");
    const next: { path: string; inode: number }[] = [];
    // Each listing starts with its own "." entry: that says which directory the lines below belong to.
    let dir: { path: string; inode: number } | undefined;
    for (const e of parseXfsLs(stdout)) {
      if (e.name === ".") {
        dir = level.find((d) => d.inode === e.inode);
        continue;
      }
      if (e.name === ".." || dir === undefined) continue;
      const p = path.posix.join(dir.path, e.name);
      out.push({ path: p, inode: e.inode, type: e.type });
      if (e.type === "directory" && !seen.has(e.inode)) {
        seen.add(e.inode);
        next.push({ path: p, inode: e.inode });
      }
    }
    level = next;
  }
  return out;
}

// The bytes of INODE's data (SIZE of them), extent by extent from the copy open as HANDLE; holes and unwritten extents
// read as zeros.
async function readData(handle: FileHandle, ino: XfsInode, geometry: { blockSize: number; agBlocks: number }, each: (chunk: Buffer) => void): Promise<void> {
  const { blockSize, agBlocks } = geometry;
  let at = 0;
  const zeros = (n: number): void => {
    for (let left = n; left > 0; left -= Math.min(left, 1 << 20)) each(Buffer.alloc(Math.min(left, 1 << 20)));
  };
  for (const e of [...ino.extents].sort((a, b) => a.offset - b.offset)) {
    const start = e.offset * blockSize;
    if (start >= ino.size) break;
    if (start > at) zeros(start - at);
    const length = Math.min(e.count * blockSize, ino.size - start);
    if (e.unwritten) zeros(length);
    else {
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, (e.ag * agBlocks + e.agBlock) * blockSize);
      each(buf);
    }
    at = start + length;
  }
  if (at < ino.size) zeros(ino.size - at);
}

// A symlink whose target lives in blocks: each block starts with a 56-byte header ("XSLM") on a V5 file system.
async function remoteTarget(handle: FileHandle, ino: XfsInode, geometry: { blockSize: number; agBlocks: number }): Promise<string> {
  const parts: Buffer[] = [];
  await readData(handle, { ...ino, size: ino.extents.reduce((n, e) => n + e.count, 0) * geometry.blockSize }, geometry, (chunk) => parts.push(chunk));
  const all = Buffer.concat(parts);
  const text: Buffer[] = [];
  for (let at = 0; at < all.length; at += geometry.blockSize) {
    const block = all.subarray(at, at + geometry.blockSize);
    text.push(block.toString("latin1", 0, 4) === "XSLM" ? block.subarray(56) : block);
  }
  return Buffer.concat(text).subarray(0, ino.size).toString();
}

// Every path of the xfs file system of SIZE bytes at OFFSET of IMAGE, with modes, owners, sizes, symlink targets and
// content hashes; TMP holds the partition's copy while it is read.
export async function readXfsTree(image: string, offset: number, size: number, tmp: string, tag: string): Promise<TreeEntry[]> {
  const file = path.join(tmp, `${tag}-${offset}.xfs`);
  const n = String(offset);
  await run(["dd", `if=${image}`, `of=${file}`, "bs=1M", `skip=${n}`, `count=${size}`, "iflag=skip_bytes,count_bytes", "conv=sparse", "status=none"], { reason: "copy an xfs partition out of the image (xfs_db reads whole files)" });
  const sb = (await xfsDb(file, ["sb 0", "print blocksize agblocks rootino versionnum"], "read an xfs superblock")).stdout;
  const num = (name: string): number => Number(new RegExp(`^${name} = (\\S+)`, "m").exec(sb)?.[1] ?? NaN);
  const geometry = { blockSize: num("blocksize"), agBlocks: num("agblocks") };
  const rootIno = num("rootino");
  if (![geometry.blockSize, geometry.agBlocks, rootIno].every(Number.isSafeInteger)) throw new KsimageError(`xfs_db read no superblock from ${image} at byte ${offset}`);
  if ((num("versionnum") & 0xf) < 5) throw new KsimageError("only V5 (CRC) xfs file systems are read");
  const paths = await walk(file, rootIno);
  const inodes = [...new Set(paths.map((p) => p.inode))];
  const wantsData = new Set(paths.filter((p) => p.type === "regular" || p.type === "symlink").map((p) => p.inode));
  const commands = inodes.flatMap((i) => [`inode ${i}`, "print v3.inumber core.mode core.uid core.gid core.size", ...(wantsData.has(i) ? ["bmap", "print u3.symlink"] : [])]);
  const { stdout } = await xfsDb(file, commands, "read the inodes of an xfs file system");
  const byInode = new Map(parseXfsInodes(stdout).map((i) => [i.inode, i]));
  const out: TreeEntry[] = [];
  const handle = await open(file, "r");
  try {
    for (const p of paths) {
      const ino = byInode.get(p.inode);
      if (ino === undefined) throw new KsimageError(`xfs_db printed nothing for inode ${p.inode} (${p.path})`);
      const type = entryType(ino.mode);
      let sha256: string | null = null;
      let target: string | null = null;
      if (type === "file") {
        const hash = createHash("sha256");
        await readData(handle, ino, geometry, (chunk) => hash.update(chunk));
        sha256 = hash.digest("hex");
      } else if (type === "symlink") target = ino.localTarget ?? (await remoteTarget(handle, ino, geometry));
      out.push({ path: p.path, type, mode: ino.mode & 0o7777, uid: ino.uid, gid: ino.gid, size: type === "file" || type === "symlink" ? ino.size : null, sha256, target });
    }
  } finally {
    await handle.close();
  }
  return out;
}
