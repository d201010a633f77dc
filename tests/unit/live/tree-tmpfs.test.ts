import { describe, expect, it } from "vitest";
import { memAvailable, TREE_EXPANSION, treeTmpfsArgs, treeTmpfsSize } from "../../../src/live/tree-tmpfs.js";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe("the live tree's tmpfs", () => {
  it("is used when the unpacked tree takes at most a quarter of the available memory, sized at half of it", () => {
    // The Debian live example: a 204 MiB tarball, 23 GiB available.
    expect(treeTmpfsSize(204 * MiB, 23 * GiB)).toBe(Math.floor((23 * GiB) / 2 / 4096) * 4096);
    expect(treeTmpfsSize(GiB / (4 * TREE_EXPANSION), GiB)).toBe(GiB / 2);
  });

  it("is not used for a tree that would take more than a quarter (a desktop tree on a small host)", () => {
    expect(treeTmpfsSize(1.5 * GiB, 23 * GiB)).toBeNull();
    expect(treeTmpfsSize(GiB / (4 * TREE_EXPANSION) + 1, GiB)).toBeNull();
    expect(treeTmpfsSize(204 * MiB, 0)).toBeNull();
  });

  it("is mounted 0755 with its size limit", () => {
    expect(treeTmpfsArgs("/w/root", 4096)).toEqual(["mount", "-t", "tmpfs", "-o", "mode=0755,size=4096", "ksimage-live-tree", "/w/root"]);
  });

  it("reads MemAvailable from /proc/meminfo", () => {
    expect(memAvailable("MemTotal:       24558344 kB\nMemFree:        22000000 kB\nMemAvailable:   23000000 kB\n")).toBe(23000000 * 1024);
    expect(memAvailable("MemTotal: 1 kB\n")).toBe(0);
  });
});
