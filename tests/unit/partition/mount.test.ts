// mount/umount argv: explicit type and planned options; umount is never lazy.
import { describe, expect, it } from "vitest";
import { mountArgs, umountArgs } from "../../../src/partition/mount.js";

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
