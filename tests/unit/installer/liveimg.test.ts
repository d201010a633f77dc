// liveimg argv: tar keeps owners, modes, xattrs and ACLs with the right decompressor; images are copied with cp -a.
import { describe, expect, it } from "vitest";
import { imageMountArgs, liveimgTools, tarExtractArgs, treeCopyArgs, type LiveimgSource } from "../../../src/installer/liveimg.js";

const keep = ["--xattrs", "--xattrs-include=*", "--acls", "--numeric-owner", "--same-owner", "-xpf"];

describe("tarExtractArgs", () => {
  it.each([
    ["tar", []],
    ["tar.gz", ["--gzip"]],
    ["tar.xz", ["--xz"]],
    ["tar.zst", ["--zstd"]],
    ["tar.bz2", ["--bzip2"]],
  ] as const)("%s", (format, decompress) => {
    expect(tarExtractArgs(`/src/root.${format}`, format, "/w/root")).toEqual(["tar", ...decompress, ...keep, `/src/root.${format}`, "-C", "/w/root"]);
  });
});

describe("filesystem images", () => {
  it("mounted read-only, type detected by mount", () => expect(imageMountArgs("/dev/loop7", "/w/liveimg")).toEqual(["mount", "-o", "ro", "/dev/loop7", "/w/liveimg"]));
  it("copied with cp -a, contents only", () => expect(treeCopyArgs("/w/liveimg", "/w/root")).toEqual(["cp", "-a", "--", "/w/liveimg/.", "/w/root/"]));
});

describe("liveimgTools", () => {
  const src = (format: LiveimgSource["format"]): LiveimgSource => ({ kind: "liveimg", url: "file:///x", path: "/x", format, line: 1 });
  it("tar plus its decompressor", () => expect(liveimgTools(src("tar.zst")).map((t) => t.tool)).toEqual(["tar", "zstd"]));
  it("plain tar", () => expect(liveimgTools(src("tar")).map((t) => t.tool)).toEqual(["tar"]));
  it("image", () => expect(liveimgTools(src("image")).map((t) => t.tool)).toEqual(["cp"]));
});
