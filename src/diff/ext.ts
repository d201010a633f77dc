// Read an ext2/3/4 file system inside an image file without mounting it or root: debugfs at a byte offset.
import { createHash, type Hash } from "node:crypto";
import { KsimageError } from "../errors.js";
import { run } from "../run/index.js";
import { entryType, type TreeEntry } from "./tree.js";

/** debugfs opens the file system at a byte offset of the image through its unix I/O manager's `offset` option. */
export function debugfsTarget(image: string, offsetBytes: number): string {
  if (image.includes("?")) throw new KsimageError(`${image}: debugfs cannot open a path containing "?"`, "rename or link the image");
  return `${image}?offset=${offsetBytes}`;
}

/** debugfs argv that reads its requests from stdin (one process for many requests). */
export function debugfsArgs(image: string, offsetBytes: number, write = false): string[] {
  return ["debugfs", ...(write ? ["-w"] : []), "-f", "-", debugfsTarget(image, offsetBytes)];
}

/** One line of `ls -p`: /inode/mode/uid/gid/name/size/. */
export interface ExtDirent {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  name: string;
  size: number | null;
}

// Split the stdout of a debugfs -f run into the output of each request, keyed by the request line.
export function splitRequests(stdout: string): { request: string; output: string }[] {
  const out: { request: string; output: string }[] = [];
  for (const part of stdout.split(/^debugfs: /m).slice(1)) {
    const nl = part.indexOf("\n");
    out.push({ request: nl < 0 ? part : part.slice(0, nl), output: nl < 0 ? "" : part.slice(nl + 1) });
  }
  return out;
}

// Parse `ls -p` output; "." and ".." are left out.
export function parseLsP(output: string): ExtDirent[] {
  const out: ExtDirent[] = [];
  for (const line of output.split("\n")) {
    const m = /^\/(\d+)\/([0-7]+)\/(\d+)\/(\d+)\/(.*)\/(\d*)\/$/.exec(line);
    // Inode 0 marks an unused directory slot.
    if (!m || m[1] === "0" || m[5] === "" || m[5] === "." || m[5] === "..") continue;
    out.push({ ino: Number(m[1]), mode: parseInt(m[2]!, 8), uid: Number(m[3]), gid: Number(m[4]), name: m[5]!, size: m[6] === "" ? null : Number(m[6]) });
  }
  return out;
}

// The target of a fast symlink from `stat` output, or null (a slow symlink keeps it in a data block).
export function fastLinkTarget(statOutput: string): string | null {
  const m = /^Fast link dest: "(.*)"$/m.exec(statOutput);
  return m ? m[1]! : null;
}

async function requests(image: string, offset: number, lines: string[], reason: string): Promise<{ request: string; output: string }[]> {
  if (lines.length === 0) return [];
  const { stdout } = await run(debugfsArgs(image, offset), { input: lines.join("\n") + "\n", env: { DEBUGFS_PAGER: "__none__" }, reason });
  return splitRequests(stdout);
}

/** An entry with its inode, while the tree is read. */
type Found = TreeEntry & { ino: number };

// Every path of the file system (breadth first, one debugfs run per directory level), without content hashes.
async function walk(image: string, offset: number): Promise<Found[]> {
  const found: Found[] = [];
  let level: { ino: number; path: string }[] = [{ ino: 2, path: "" }];
  while (level.length > 0) {
    const out = await requests(image, offset, level.map((d) => `ls -p <${d.ino}>`), "list the directories of an ext file system");
    const next: { ino: number; path: string }[] = [];
    level.forEach((dir, i) => {
      for (const e of parseLsP(out[i]?.output ?? "")) {
        const p = `${dir.path}/${e.name}`;
        const type = entryType(e.mode);
        found.push({ ino: e.ino, path: p, type, mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, size: type === "file" || type === "symlink" ? e.size : null, sha256: null, target: null });
        if (type === "dir") next.push({ ino: e.ino, path: p });
      }
    });
    level = next;
  }
  return found;
}

/** Splits debugfs's `cat` stream ("debugfs: cat <N>\n" + exactly size bytes, per request) into one hash per file. */
export class CatStreamHasher {
  private index = 0;
  private header: Buffer[] = [];
  private left = -1;
  private hash: Hash | undefined;
  readonly results: (string | Buffer)[] = [];
  constructor(
    private readonly files: readonly { ino: number; size: number }[],
    /** Keep the bytes instead of hashing them (symlink targets). */
    private readonly keep = false,
  ) {}

  // Feed the next chunk of stdout.
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.left < 0) {
        const nl = chunk.indexOf(10, pos);
        this.header.push(chunk.subarray(pos, nl < 0 ? chunk.length : nl));
        if (nl < 0) return;
        pos = nl + 1;
        this.startFile(Buffer.concat(this.header).toString("utf8"));
        this.header = [];
        continue;
      }
      const take = Math.min(this.left, chunk.length - pos);
      this.hash!.update(chunk.subarray(pos, pos + take));
      this.left -= take;
      pos += take;
      if (this.left === 0) this.endFile();
    }
  }

  private startFile(line: string): void {
    const f = this.files[this.index];
    if (f === undefined || line !== `debugfs: cat <${f.ino}>`) throw new KsimageError(`debugfs output out of step: expected the content of inode ${f?.ino ?? "(none)"}, got "${line.slice(0, 80)}"`);
    this.hash = this.keep ? (new Collector() as unknown as Hash) : createHash("sha256");
    this.left = f.size;
    if (this.left === 0) this.endFile();
  }

  private endFile(): void {
    const h = this.hash!;
    this.results.push(this.keep ? (h as unknown as Collector).bytes() : h.digest("hex"));
    this.index += 1;
    this.left = -1;
  }

  // Throw unless every file was read to its end.
  finish(): void {
    if (this.index !== this.files.length) throw new KsimageError(`debugfs gave the content of ${this.index} of ${this.files.length} files`);
  }
}

class Collector {
  private parts: Buffer[] = [];
  update(b: Buffer): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

async function catAll(image: string, offset: number, files: { ino: number; size: number }[], keep: boolean): Promise<(string | Buffer)[]> {
  if (files.length === 0) return [];
  const hasher = new CatStreamHasher(files, keep);
  await run(debugfsArgs(image, offset), {
    input: files.map((f) => `cat <${f.ino}>`).join("\n") + "\n",
    env: { DEBUGFS_PAGER: "__none__" },
    reason: "read the files of an ext file system",
    onStdoutData: (chunk) => hasher.push(chunk),
  });
  hasher.finish();
  return hasher.results;
}

// The whole tree of the ext file system at OFFSET of IMAGE: paths, modes, owners, sizes, symlink targets, content hashes.
export async function readExtTree(image: string, offset: number): Promise<TreeEntry[]> {
  const found = await walk(image, offset);
  // A hard link's inode is read once.
  const files = [...new Map(found.filter((e) => e.type === "file").map((e) => [e.ino, { ino: e.ino, size: e.size ?? 0 }])).values()];
  const hashes = await catAll(image, offset, files, false);
  const byIno = new Map(files.map((f, i) => [f.ino, hashes[i] as string]));
  const links = found.filter((e) => e.type === "symlink");
  const stats = await requests(image, offset, links.map((l) => `stat <${l.ino}>`), "read the symlinks of an ext file system");
  const slow: Found[] = [];
  links.forEach((l, i) => {
    const t = fastLinkTarget(stats[i]?.output ?? "");
    if (t === null) slow.push(l);
    else l.target = t;
  });
  const slowTargets = await catAll(image, offset, slow.map((l) => ({ ino: l.ino, size: l.size ?? 0 })), true);
  slow.forEach((l, i) => (l.target = (slowTargets[i] as Buffer).toString("utf8")));
  return found.map(({ ino, ...e }) => ({ ...e, sha256: e.type === "file" ? (byIno.get(ino) ?? null) : null }));
}

// `stat` of each inode (one debugfs run), for showing which fields of an inode differ.
export async function statInodes(image: string, offset: number, inodes: readonly number[]): Promise<Map<number, string>> {
  const out = await requests(image, offset, inodes.map((i) => `stat <${i}>`), "read inodes of an ext file system");
  return new Map(inodes.map((ino, i) => [ino, out[i]?.output ?? ""]));
}

// The path of each inode (ncheck), for naming a differing inode or data block; inodes without a name are left out.
export async function inodePaths(image: string, offset: number, inodes: readonly number[]): Promise<Map<number, string>> {
  const out = await requests(image, offset, chunks(inodes).map((c) => `ncheck ${c.join(" ")}`), "name inodes of an ext file system");
  const paths = new Map<number, string>();
  for (const line of out.map((o) => o.output).join("\n").split("\n")) {
    const m = /^(\d+)\s+(\/.*)$/.exec(line);
    if (m && !paths.has(Number(m[1]))) paths.set(Number(m[1]), m[2]!.replace(/^\/+/, "/"));
  }
  return paths;
}

// The inode owning each file system block (icheck); a block no inode owns is left out.
export async function blockOwners(image: string, offset: number, blocks: readonly number[]): Promise<Map<number, number>> {
  const out = await requests(image, offset, chunks(blocks).map((c) => `icheck ${c.join(" ")}`), "find the inodes owning blocks of an ext file system");
  const owners = new Map<number, number>();
  for (const line of out.map((o) => o.output).join("\n").split("\n")) {
    const m = /^(\d+)\s+(\d+)$/.exec(line.trim());
    if (m) owners.set(Number(m[1]), Number(m[2]));
  }
  return owners;
}

// debugfs reads a request line into a fixed buffer: long lists go in several requests.
function chunks(numbers: readonly number[], size = 40): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < numbers.length; i += size) out.push(numbers.slice(i, i + size));
  return out;
}
