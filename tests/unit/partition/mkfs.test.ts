// mkfs argv per filesystem type: forced, quiet, planned UUID and label, then the kickstart's --mkfsoptions.
import { describe, expect, it } from "vitest";
import { btrfsSubvolumeArgs, mkfsArgs, mkfsTools, vfatVolumeId } from "../../../src/partition/mkfs.js";
import type { LayoutPlan } from "../../../src/partition/types.js";
import { fsPlan, gptDisk, msdosDisk } from "../../helpers/disk-plans.js";

const uuid = "11111111-2222-4333-8444-555555555555";

describe("mkfsArgs", () => {
  it.each([
    [fsPlan({ fstype: "ext4", label: "root" }), ["mkfs.ext4", "-F", "-q", "-U", uuid, "-L", "root", "/dev/loop0p2"]],
    [fsPlan({ fstype: "ext3" }), ["mkfs.ext3", "-F", "-q", "-U", uuid, "/dev/loop0p2"]],
    [fsPlan({ fstype: "ext2", label: "boot", mkfsOptions: ["-O", "^has_journal"] }), ["mkfs.ext2", "-F", "-q", "-U", uuid, "-L", "boot", "-O", "^has_journal", "/dev/loop0p2"]],
    [fsPlan({ fstype: "xfs", label: "data" }), ["mkfs.xfs", "-f", "-q", "-m", `uuid=${uuid}`, "-L", "data", "/dev/loop0p2"]],
    [fsPlan({ fstype: "btrfs", label: "pool" }), ["mkfs.btrfs", "-f", "-q", "-U", uuid, "-L", "pool", "/dev/loop0p2"]],
    [fsPlan({ fstype: "vfat", uuid: "abcd-12ef", label: "ESP" }), ["mkfs.vfat", "-F", "32", "-i", "ABCD12EF", "-n", "ESP", "/dev/loop0p2"]],
    [fsPlan({ fstype: "swap", label: "swap" }), ["mkswap", "-U", uuid, "-L", "swap", "/dev/loop0p2"]],
  ])("%o", (fs, argv) => expect(mkfsArgs(fs, "/dev/loop0p2")).toEqual(argv));
});

describe("vfatVolumeId", () => {
  it("XXXX-XXXX -> 8 hex digits", () => expect(vfatVolumeId("1a2b-3c4d")).toBe("1A2B3C4D"));
  it("refuses anything else", () => expect(() => vfatVolumeId(uuid)).toThrow(/not a FAT volume ID/));
});

describe("btrfsSubvolumeArgs", () => {
  it("creates the subvolume below the mounted top level", () => {
    expect(btrfsSubvolumeArgs("/w/btrfs-sda-2", "root")).toEqual(["btrfs", "subvolume", "create", "/w/btrfs-sda-2/root"]);
  });
});

describe("mkfsTools", () => {
  it("names each mkfs the layout needs, with the partition it is for", () => {
    const layout: LayoutPlan = { disks: [msdosDisk(), gptDisk()], mounts: [], fstab: [], volumeGroups: [], needsDeviceMapper: false, deviceMapperReasons: [], warnings: [] };
    expect(mkfsTools(layout).map((t) => t.tool)).toEqual(["mkfs.ext4", "mkfs.ext4", "mkswap", "mkfs.ext4", "mkfs.vfat", "mkfs.xfs"]);
    expect(mkfsTools(layout)[4]!.reason).toBe("make the vfat filesystem of p2 on disk sdb");
  });
});
