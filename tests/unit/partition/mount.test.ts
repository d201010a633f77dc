// mount/umount argv: explicit type and planned options; umount is never lazy.
import { describe, expect, it } from "vitest";
import { buildMountOptions, mountArgs, umountArgs } from "../../../src/partition/mount.js";

describe("mountArgs", () => {
  it("without options", () => expect(mountArgs("/dev/loop0p2", "/w/root", "ext4")).toEqual(["mount", "-t", "ext4", "/dev/loop0p2", "/w/root"]));
  it("btrfs subvolume", () => {
    expect(mountArgs("/dev/loop0p2", "/w/root/home", "btrfs", ["subvol=home", "compress=zstd"])).toEqual([
      "mount", "-t", "btrfs", "-o", "subvol=home,compress=zstd", "/dev/loop0p2", "/w/root/home",
    ]);
  });
});

describe("umountArgs", () => {
  it("plain umount, never --lazy", () => expect(umountArgs("/w/root/boot")).toEqual(["umount", "/w/root/boot"]));
});

describe("buildMountOptions", () => {
  it("ext3/ext4 are written without barriers; the planned options stay", () => {
    expect(buildMountOptions("ext4", [])).toEqual(["barrier=0"]);
    expect(buildMountOptions("ext3", ["noatime"])).toEqual(["noatime", "barrier=0"]);
  });
  it("an explicit barrier option wins, and other filesystems are left alone", () => {
    expect(buildMountOptions("ext4", ["barrier=1"])).toEqual(["barrier=1"]);
    expect(buildMountOptions("xfs", [])).toEqual([]);
    expect(buildMountOptions("btrfs", ["subvol=root"])).toEqual(["subvol=root"]);
  });
});
