// Partition mapping helpers: losetup argv, `losetup -j` and `kpartx -v` parsing, partition node names.
import { describe, expect, it } from "vitest";
import { losetupAttachArgs, parseLosetupList } from "../../../src/partition/loop.js";
import { mapTools, parseKpartxMaps, partitionNode } from "../../../src/partition/map.js";

describe("losetupAttachArgs", () => {
  it("whole disk with a partition rescan (drops stale partitions of a reused loop number)", () => {
    expect(losetupAttachArgs("/w/a.raw", { partscan: true })).toEqual(["losetup", "--find", "--show", "--partscan", "/w/a.raw"]);
  });

  it("one partition at its byte offset and size", () => {
    expect(losetupAttachArgs("/w/a.raw", { offsetBytes: 1048576, sizeLimitBytes: 8388608 })).toEqual([
      "losetup", "--find", "--show", "--offset", "1048576", "--sizelimit", "8388608", "/w/a.raw",
    ]);
  });

  it("read-only image", () => {
    expect(losetupAttachArgs("/x/root.img", { readOnly: true })).toEqual(["losetup", "--find", "--show", "--read-only", "/x/root.img"]);
  });
});

describe("parseLosetupList", () => {
  it("takes the device of each `losetup -j` line", () => {
    const out = "/dev/loop3: [2049]:1234 (/w/a.raw)\n/dev/loop12: [2049]:1234 (/w/a.raw), offset 1048576\n";
    expect(parseLosetupList(out)).toEqual(["/dev/loop3", "/dev/loop12"]);
  });

  it("nothing attached", () => expect(parseLosetupList("")).toEqual([]));
});

describe("parseKpartxMaps", () => {
  it("reads start and size of each map", () => {
    const out = "add map loop0p1 (253:0): 0 2048 linear 7:0 2048\nadd map loop0p5 (253:1): 0 8192 linear 7:0 61440\n";
    expect([...parseKpartxMaps(out)]).toEqual([
      [1, { start: 2048, size: 2048 }],
      [5, { start: 61440, size: 8192 }],
    ]);
  });
});

describe("partitionNode", () => {
  it.each([
    ["/dev/loop3", 2, "loop-partx", "/dev/loop3p2"],
    ["/dev/loop3", 5, "kpartx", "/dev/mapper/loop3p5"],
  ] as const)("%s partition %d by %s -> %s", (device, n, method, node) => expect(partitionNode(device, n, method)).toBe(node));
});

describe("mapTools", () => {
  it("kpartx only where device-mapper is used", () => {
    expect(mapTools("loop-partx").map((t) => t.tool)).toEqual(["losetup", "partx", "blockdev"]);
    expect(mapTools("kpartx").map((t) => t.tool)).toContain("kpartx");
  });
});
