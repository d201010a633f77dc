// ksimage diff's pure parts: debugfs, dumpe2fs, sfdisk and mtools output parsing, the cat stream splitter, tree and table comparison.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { addRange } from "../../../src/diff/bytes.js";
import { CatStreamHasher, debugfsArgs, debugfsTarget, fastLinkTarget, parseLsP, splitRequests } from "../../../src/diff/ext.js";
import { classifyBlock, fieldDifferences, parseDumpe2fs, parseFields } from "../../../src/diff/ext-layout.js";
import { compareTables, parseSfdiskJson } from "../../../src/diff/table.js";
import { compareTrees, entryType, type TreeEntry } from "../../../src/diff/tree.js";
import { parseMdirBare } from "../../../src/diff/vfat.js";

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

describe("debugfs output", () => {
  it("opens the file system at a byte offset and reads requests from stdin", () => {
    expect(debugfsArgs("/i/disk.raw", 1048576)).toEqual(["debugfs", "-f", "-", "/i/disk.raw?offset=1048576"]);
    expect(() => debugfsTarget("/i/a?b.raw", 0)).toThrow(/\?/);
  });

  it("splits a -f run into requests and parses ls -p, leaving out ., .. and unused slots", () => {
    const out = "debugfs: ls -p <2>\n/2/040755/0/0/.//\n/2/040755/0/0/..//\n/12/100644/0/0/a file/7/\n/0/000000/0/0//0/\n/13/120777/1000/100/l/9/\ndebugfs: ls -p <14>\n/15/040700/0/0/d//\n";
    const reqs = splitRequests(out);
    expect(reqs.map((r) => r.request)).toEqual(["ls -p <2>", "ls -p <14>"]);
    expect(parseLsP(reqs[0]!.output)).toEqual([
      { ino: 12, mode: 0o100644, uid: 0, gid: 0, name: "a file", size: 7 },
      { ino: 13, mode: 0o120777, uid: 1000, gid: 100, name: "l", size: 9 },
    ]);
    expect(parseLsP(reqs[1]!.output)).toEqual([{ ino: 15, mode: 0o40700, uid: 0, gid: 0, name: "d", size: null }]);
  });

  it("reads a fast symlink's target from stat, and knows a slow one has none there", () => {
    expect(fastLinkTarget('Inode: 65   Type: symlink\nFast link dest: "../etc/f1"\n')).toBe("../etc/f1");
    expect(fastLinkTarget("Inode: 66   Type: symlink\nEXTENTS:\n(0):1234\n")).toBeNull();
  });

  it("splits the cat stream into one hash per file, whatever the chunk boundaries", () => {
    const files = [{ ino: 12, size: 5 }, { ino: 13, size: 0 }, { ino: 14, size: 3 }];
    const stream = Buffer.from("debugfs: cat <12>\nhello" + "debugfs: cat <13>\n" + "debugfs: cat <14>\na\nb");
    for (const step of [1, 3, 7, stream.length]) {
      const h = new CatStreamHasher(files);
      for (let i = 0; i < stream.length; i += step) h.push(stream.subarray(i, i + step));
      h.finish();
      expect(h.results).toEqual([sha("hello"), sha(""), sha("a\nb")]);
    }
  });

  it("refuses a stream out of step with the requests, and one that stops early", () => {
    expect(() => new CatStreamHasher([{ ino: 12, size: 1 }]).push(Buffer.from("debugfs: cat <99>\nx"))).toThrow(/out of step/);
    const h = new CatStreamHasher([{ ino: 12, size: 1 }, { ino: 13, size: 1 }]);
    h.push(Buffer.from("debugfs: cat <12>\nx"));
    expect(() => h.finish()).toThrow(/1 of 2/);
  });
});

const DUMPE2FS = `Inode count:              16384
Block size:               1024
Inode size:\t          256
Inodes per group:         2048
Group 0: (Blocks 1-8192) csum 0xc4f3 [ITABLE_ZEROED]
  Primary superblock at 1, Group descriptors at 2-2
  Reserved GDT blocks at 3-258
  Block bitmap at 259 (+258), csum 0x6dcf0bec
  Inode bitmap at 267 (+266), csum 0x61b9aadf
  Inode table at 275-786 (+274)
  Free inodes: 67-2048
Group 1: (Blocks 8193-16384) csum 0x7682 [INODE_UNINIT, BLOCK_UNINIT, ITABLE_ZEROED]
  Backup superblock at 8193, Group descriptors at 8194-8194
  Block bitmap at 260 (bg #0 + 259)
  Inode bitmap at 268 (bg #0 + 267)
  Inode table at 787-1298 (bg #0 + 786)
`;

describe("ext layout", () => {
  const layout = parseDumpe2fs(DUMPE2FS);

  it("reads block size, inode size and each group's metadata blocks", () => {
    expect(layout).toMatchObject({ blockSize: 1024, inodeSize: 256, inodesPerGroup: 2048 });
    expect(layout.groups[1]).toMatchObject({ group: 1, first: 8193, superblock: 8193, descriptors: [8194, 8194], inodeTable: [787, 1298] });
  });

  it("names what a block holds, with the inodes of an inode-table block", () => {
    expect(classifyBlock(layout, 1)).toEqual({ kind: "superblock", group: 0 });
    expect(classifyBlock(layout, 100)).toEqual({ kind: "reserved GDT blocks", group: 0 });
    expect(classifyBlock(layout, 259)).toEqual({ kind: "block bitmap", group: 0 });
    expect(classifyBlock(layout, 267)).toEqual({ kind: "inode bitmap", group: 0 });
    // 4 inodes of 256 bytes per 1 KiB block: block 276 of group 0 holds inodes 5-8.
    expect(classifyBlock(layout, 276)).toEqual({ kind: "inode table", group: 0, inodes: [5, 8] });
    // flex_bg: group 1's inode table lies in group 0's blocks.
    expect(classifyBlock(layout, 787)).toEqual({ kind: "inode table", group: 1, inodes: [2049, 2052] });
    expect(classifyBlock(layout, 260)).toEqual({ kind: "block bitmap", group: 1 });
    expect(classifyBlock(layout, 5000)).toEqual({ kind: "data", group: 0 });
  });

  it("lists the superblock fields whose values differ", () => {
    const a = parseFields("Filesystem created:       Fri Dec  4 15:16:44 2026\nDirectory Hash Seed:      aaa\nBlock size: 4096\n");
    const b = parseFields("Filesystem created:       Tue Nov 14 22:13:20 2023\nDirectory Hash Seed:      aaa\nBlock size: 4096\n");
    expect(fieldDifferences(a, b)).toEqual(["Filesystem created: Fri Dec  4 15:16:44 2026 -> Tue Nov 14 22:13:20 2023"]);
  });
});

describe("trees", () => {
  const e = (path: string, more: Partial<TreeEntry> = {}): TreeEntry => ({ path, type: "file", mode: 0o644, uid: 0, gid: 0, size: 1, sha256: "a".repeat(64), target: null, ...more });

  it("maps mode bits to entry types", () => {
    expect([0o100644, 0o40755, 0o120777, 0o20666, 0o60660, 0o10644, 0o140755].map(entryType)).toEqual(["file", "dir", "symlink", "char", "block", "fifo", "socket"]);
  });

  it("finds nothing in identical trees", () => {
    expect(compareTrees([e("/a"), e("/b")], [e("/b"), e("/a")])).toEqual([]);
  });

  it("names each path that differs and how, in path order", () => {
    const a = [e("/etc/shadow"), e("/gone"), e("/l", { type: "symlink", target: "x", sha256: null }), e("/m")];
    const b = [e("/etc/shadow", { sha256: "b".repeat(64) }), e("/new"), e("/l", { type: "symlink", target: "y", sha256: null }), e("/m", { mode: 0o600, uid: 1 })];
    expect(compareTrees(a, b)).toEqual([
      { path: "/etc/shadow", what: "content sha256 aaaaaaaaaaaa -> bbbbbbbbbbbb" },
      { path: "/gone", what: "only in A (file)" },
      { path: "/l", what: "target x -> y" },
      { path: "/m", what: "mode 0644 -> 0600" },
      { path: "/m", what: "owner 0:0 -> 1:0" },
      { path: "/new", what: "only in B (file)" },
    ]);
  });
});

describe("partition tables", () => {
  const json = (id: string, uuid: string) =>
    JSON.stringify({ partitiontable: { label: "gpt", id, sectorsize: 512, partitions: [{ node: "d.raw1", start: 2048, size: 4096, type: "0FC63DAF-8483-4772-8E79-3D69D8477DE4", uuid, name: "root" }] } });

  it("parses sfdisk --json and finds the disk and partition GUIDs that differ", () => {
    const a = parseSfdiskJson(json("AAAA", "P1"));
    expect(a.partitions[0]).toEqual({ number: 1, start: 2048, size: 4096, type: "0FC63DAF-8483-4772-8E79-3D69D8477DE4", uuid: "P1", name: "root", bootable: false });
    expect(compareTables(a, parseSfdiskJson(json("AAAA", "P1")))).toEqual([]);
    expect(compareTables(a, parseSfdiskJson(json("BBBB", "P2")))).toEqual(["disk identifier AAAA -> BBBB", "partition 1: partition GUID P1 -> P2"]);
    expect(compareTables(a, null)).toEqual(["partition table: gpt -> none"]);
  });
});

describe("byte ranges and FAT listings", () => {
  it("merges touching blocks into one range and counts past the limit", () => {
    const r: { start: number; end: number }[] = [];
    addRange(r, 0, 4096, 2);
    addRange(r, 4096, 4096, 2);
    addRange(r, 16384, 4096, 2);
    addRange(r, 65536, 4096, 2);
    expect(r).toEqual([{ start: 0, end: 8192 }, { start: 16384, end: 20480 }]);
  });

  it("reads mdir's bare listing", () => {
    expect(parseMdirBare("::/EFI/\n::/EFI/BOOT/\n::/EFI/BOOT/BOOTX64.EFI\n")).toEqual([
      { path: "/EFI", dir: true },
      { path: "/EFI/BOOT", dir: true },
      { path: "/EFI/BOOT/BOOTX64.EFI", dir: false },
    ]);
  });
});
