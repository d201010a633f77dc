// autopart (plain, btrfs, lvm) at three disk sizes and reqpart on BIOS, UEFI and hybrid, as Anaconda lays them out.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { planLayout, type LayoutOptions } from "../../../src/partition/layout.js";
import type { LayoutPlan } from "../../../src/partition/types.js";
import { parseOk } from "../../helpers/ks.js";

const MiB = 2 ** 20;
const GiB = 1024 * MiB;
const plan = (ks: string, opts: LayoutOptions = {}) => planLayout(parseOk(ks), { applianceName: "app", ...opts });
const parts = (p: LayoutPlan) => p.disks[0]!.partitions.map((x) => [x.role, x.mountpoint, x.filesystem?.fstype ?? null, x.sizeBytes / MiB]);
const lvs = (p: LayoutPlan) => p.volumeGroups.flatMap((vg) => vg.lvs.map((l) => [vg.name, l.name, l.mountpoint, l.filesystem?.fstype, l.sizeBytes / MiB]));

function planError(ks: string, opts: LayoutOptions = {}): PlanError {
  try {
    plan(ks, opts);
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("expected a PlanError");
}

describe("autopart --type=plain", () => {
  it("no --disk-size: the smallest disk (gpt, biosboot + ESP for hybrid, /boot 1 GiB, / 1 GiB, swap 2×RAM), no /home", () => {
    const p = plan("autopart --type=plain\n");
    expect(p.disks[0]!.label).toBe("gpt");
    expect(parts(p)).toEqual([
      ["biosboot", null, null, 1],
      ["esp", "/boot/efi", "vfat", 500],
      ["filesystem", "/boot", "ext4", 1024],
      ["filesystem", "/", "ext4", 1024],
      ["swap", null, "swap", 1024],
    ]);
  });
  it("20 GiB: / grows, the ESP grows to at most 600 MiB, swap at most 10% of the disk, still no /home", () => {
    const p = plan("autopart --type=plain\n", { diskSizes: { sda: 20 * GiB }, memoryMiB: 4096 });
    const r = parts(p);
    expect(r.map((x) => x[1])).toEqual([null, "/boot/efi", "/boot", "/", null]);
    expect(r[1]![3]).toBe(600);
    expect(r[4]![3]).toBe(2048);
    expect(r[3]![3]).toBe(20480 - 1 - 1 - 600 - 1024 - 2048 - 1);
  });
  it("200 GiB: /home appears (50 GiB free), / stops at 70 GiB, /home takes the rest; --fstype applies to all", () => {
    const p = plan("autopart --type=plain --fstype=xfs\n", { diskSizes: { sda: 200 * GiB } });
    const r = parts(p);
    expect(r.map((x) => [x[1], x[2]])).toEqual([[null, null], ["/boot/efi", "vfat"], ["/boot", "xfs"], ["/", "xfs"], ["/home", "xfs"], [null, "swap"]]);
    expect(r[3]![3]).toBe(70 * 1024);
    expect(r[4]![3]).toBe(204800 - 2 - 1 - 600 - 1024 - 70 * 1024 - 1024);
  });
  it("--nolvm is --type=plain; --hibernation sizes swap as RAM plus the recommended swap", () => {
    expect(parts(plan("autopart --nolvm\n"))).toEqual(parts(plan("autopart --type=plain\n")));
    const p = plan("autopart --type=plain --hibernation\n", { memoryMiB: 4096 });
    expect(parts(p).find((x) => x[0] === "swap")![3]).toBe(8192);
  });
  it("--nohome, --noswap, --noboot leave those out; msdos has no biosboot", () => {
    const p = plan("clearpart --all --disklabel=msdos\nautopart --type=plain --nohome --noswap --noboot\n", { diskSizes: { sda: 100 * GiB } });
    expect(parts(p).map((x) => x[1])).toEqual(["/boot/efi", "/"]);
  });
});

describe("autopart --type=btrfs", () => {
  it("three sizes: / (and /home on a large disk) are subvolumes of one btrfs volume named after the appliance; swap and /boot are partitions", () => {
    for (const [size, home] of [[undefined, false], [20 * GiB, false], [200 * GiB, true]] as const) {
      const p = plan("autopart --type=btrfs\n", size ? { diskSizes: { sda: size } } : {});
      const btrfs = p.disks[0]!.partitions.find((x) => x.role === "btrfs-member")!;
      expect(btrfs.filesystem).toMatchObject({ fstype: "btrfs", label: "app", subvolumes: [{ name: "root", mountpoint: "/" }, ...(home ? [{ name: "home", mountpoint: "/home" }] : [])] });
      expect(p.mounts.find((m) => m.mountpoint === "/")!.options).toEqual(["subvol=root"]);
      expect(parts(p).map((x) => x[0])).toEqual(["biosboot", "esp", "filesystem", "swap", "btrfs-member"]);
    }
  });
});

describe("autopart (LVM, the default)", () => {
  it("no --disk-size: /boot and a PV holding root 1 GiB and swap; the VG named after the appliance", () => {
    const p = plan("autopart\n");
    expect(parts(p).map((x) => x[0])).toEqual(["biosboot", "esp", "filesystem", "lvm-pv"]);
    expect(lvs(p)).toEqual([["app", "root", "/", "ext4", 1024], ["app", "swap", null, "swap", 1024]]);
    expect(p.mounts.find((m) => m.mountpoint === "/")!.volume).toBe("app/root");
  });
  it("20 GiB: root grows over the VG; 200 GiB: root stops at 70 GiB, /home takes the rest", () => {
    const small = plan("autopart --nohome\n", { diskSizes: { sda: 20 * GiB } });
    const vg = small.volumeGroups[0]!;
    expect(vg.lvs.map((l) => l.name)).toEqual(["root", "swap"]);
    expect(vg.freeExtents).toBe(0);
    const big = plan("autopart\n", { diskSizes: { sda: 200 * GiB } });
    expect(lvs(big).map((l) => l[1])).toEqual(["root", "home", "swap"]);
    expect(big.volumeGroups[0]!.lvs[0]!.sizeBytes).toBe(70 * GiB);
    expect(big.volumeGroups[0]!.freeExtents).toBe(0);
  });
  it("network --hostname names the VG like Anaconda (product_host)", () => {
    expect(plan("network --hostname=web1.example.com\nautopart\n").volumeGroups[0]!.name).toBe("app_web1");
  });
  it("refuses --encrypted (no dm-crypt), --type=thinp, and part lines beside it, at the autopart line", () => {
    expect(planError("lang en_US\nautopart --encrypted --passphrase=secret\n")).toMatchObject({ pos: { line: 2 } });
    expect(planError("lang en_US\nautopart --encrypted --passphrase=secret\n").message).toMatch(/dm-crypt/);
    expect(planError("lang en_US\nautopart --encrypted --passphrase=secret\n").message).not.toMatch(/secret/);
    expect(planError("autopart --type=thinp\n").message).toMatch(/thin pools/);
  });
});

describe("reqpart", () => {
  const ks = "reqpart\npart / --size=2048\n";
  it("BIOS: a biosboot partition on gpt, nothing on msdos", () => {
    expect(parts(plan(ks, { firmware: "bios", diskLabels: { sda: "gpt" } })).map((x) => x[0])).toEqual(["biosboot", "filesystem"]);
    expect(parts(plan(ks, { firmware: "bios", diskLabels: { sda: "msdos" } })).map((x) => x[0])).toEqual(["filesystem"]);
  });
  it("UEFI: an ESP of 500 MiB (growing up to 600)", () => {
    expect(parts(plan(ks, { firmware: "uefi" }))).toEqual([["esp", "/boot/efi", "vfat", 500], ["filesystem", "/", "ext4", 2048]]);
  });
  it("hybrid (the default): biosboot and ESP; --add-boot adds /boot of 1 GiB", () => {
    expect(parts(plan("reqpart --add-boot\npart / --size=2048\n")).map((x) => [x[0], x[1]])).toEqual([["biosboot", null], ["esp", "/boot/efi"], ["filesystem", "/boot"], ["filesystem", "/"]]);
  });
  it("a partition the kickstart already has is not made twice", () => {
    expect(parts(plan("reqpart\npart /boot/efi --fstype=efi --size=200\npart / --size=2048\n")).map((x) => x[0])).toEqual(["biosboot", "esp", "filesystem"]);
  });
});
