// Parsing what xfs_db prints (xfsprogs 6.1): directory listings and inode fields with extents.
import { describe, expect, it } from "vitest";
import { parseXfsInodes, parseXfsLs } from "../../../src/diff/xfs.js";

describe("xfs_db output", () => {
  it("ls: inode, type and a name of NAMELEN characters (blanks and parentheses included)", () => {
    const out = [
      "8          132                directory      0x0000002e   1 . (good)",
      "10         128                directory      0x0000172e   2 .. (good)",
      "12         133                symlink        0x0000366e   2 ln (good)",
      "16         134                regular        0x00199031   3 f 1 (good)",
      "20         140                regular        0x00199032   5 a (b) (good)",
      "xfs_db: some warning",
    ].join("\n");
    expect(parseXfsLs(out)).toEqual([
      { inode: 132, type: "directory", name: "." },
      { inode: 128, type: "directory", name: ".." },
      { inode: 133, type: "symlink", name: "ln" },
      { inode: 134, type: "regular", name: "f 1" },
      { inode: 140, type: "regular", name: "a (b)" },
    ]);
  });

  it("inodes: mode (octal), owner, size, extents with their AG, and a short symlink's target", () => {
    const out = [
      "v3.inumber = 131",
      "core.mode = 0100644",
      "core.uid = 1234",
      "core.gid = 4321",
      "core.size = 1048580",
      "data offset 256 startblock 262152 (1/8) count 2 flag 0",
      "data offset 300 startblock 12 (0/12) count 1 flag 1",
      "field u3.symlink not found",
      "v3.inumber = 133",
      "core.mode = 0120777",
      'u3.symlink = "f 1"',
    ].join("\n");
    expect(parseXfsInodes(out)).toEqual([
      { inode: 131, mode: 0o100644, uid: 1234, gid: 4321, size: 1048580, localTarget: null, extents: [
        { offset: 256, ag: 1, agBlock: 8, count: 2, unwritten: false },
        { offset: 300, ag: 0, agBlock: 12, count: 1, unwritten: true },
      ] },
      { inode: 133, mode: 0o120777, uid: 0, gid: 0, size: 0, localTarget: "f 1", extents: [] },
    ]);
  });
});
