// The LVM planner: extents byte-exactly (--size, --grow, --maxsize, --percent, --recommended, reserved space), two PVs, refusals.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { planLayout, type LayoutOptions } from "../../../src/partition/layout.js";
import { mapperName } from "../../../src/partition/lvm-plan.js";
import { suggestSwapMiB } from "../../../src/partition/swap-size.js";
import { parseOk } from "../../helpers/ks.js";

const MiB = 2 ** 20;
const plan = (ks: string, opts: LayoutOptions = {}) => planLayout(parseOk(ks), opts);
const lvRows = (ks: string, opts: LayoutOptions = {}) =>
  plan(ks, opts).volumeGroups.flatMap((vg) => vg.lvs.map((lv) => [lv.name, lv.segments.map((s) => [s.pv, s.firstExtent, s.extents]), lv.extents]));

function planError(ks: string, opts: LayoutOptions = {}): PlanError {
  try {
    plan(ks, opts);
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("expected a PlanError");
}

const RHEL = [
  "part /boot --fstype=ext4 --size=512",
  "part pv.01 --size=1 --grow",
  "volgroup vgr pv.01",
  "logvol / --vgname=vgr --name=root --size=2048 --label=root",
  "logvol swap --vgname=vgr --name=swap --recommended",
  "logvol /var --vgname=vgr --name=var --size=512 --grow --fstype=xfs --label=var",
].join("\n");

describe("planLayout: LVM extents", () => {
  it("RHEL-style on a 6 GiB disk: the PV, pe_start 1 MiB, 4 MiB extents, root/swap/var contiguous, /var grown to the end", () => {
    const p = plan(RHEL, { diskSizes: { sda: 6144 * MiB } });
    const vg = p.volumeGroups[0]!;
    const pvPart = p.disks[0]!.partitions[1]!;
    expect(pvPart).toMatchObject({ role: "lvm-pv", startSector: 1050624, sizeBytes: (6144 - 513) * MiB, msdosType: "8e" });
    expect(vg).toMatchObject({ name: "vgr", extentBytes: 4 * MiB, extents: Math.floor((5631 - 1) / 4), reservedExtents: 0, freeExtents: 0 });
    expect(vg.pvs[0]).toMatchObject({ ksName: "pv.01", disk: "sda", partition: 2, offsetBytes: 1050624 * 512, peStartBytes: MiB, extents: 1407 });
    expect(lvRows(RHEL, { diskSizes: { sda: 6144 * MiB } })).toEqual([
      ["root", [[0, 0, 512]], 512],
      ["swap", [[0, 512, 256]], 256],
      ["var", [[0, 768, 639]], 639],
    ]);
    const root = vg.lvs[0]!;
    expect(root.offsetBytes).toBe(1050624 * 512 + MiB);
    expect(vg.lvs[2]!.offsetBytes).toBe(1050624 * 512 + MiB + 768 * 4 * MiB);
    expect(root.filesystem).toMatchObject({ fstype: "ext4", label: "root" });
    expect(vg.lvs[1]!.filesystem!.fstype).toBe("swap");
    expect(p.mounts.find((m) => m.mountpoint === "/")).toMatchObject({ volume: "vgr/root", disk: "sda", partition: 2 });
    expect(p.fstab).toContain(`UUID=${root.filesystem!.uuid} / ext4 defaults 0 1`);
    expect(p.fstab).toContain(`UUID=${vg.lvs[2]!.filesystem!.uuid} /var xfs defaults 0 0`);
    expect(p.needsDeviceMapper).toBe(false);
  });

  it("without --disk-size the PV is sized to hold the LVs exactly (pe_start + extents)", () => {
    const p = plan(RHEL);
    const vg = p.volumeGroups[0]!;
    expect(vg.extents).toBe(512 + 256 + 128);
    expect(vg.pvs[0]!.sizeBytes).toBe(MiB + 896 * 4 * MiB);
    expect(vg.freeExtents).toBe(0);
  });

  it("--pesize (KiB) sets the extent size; sizes round up to whole extents", () => {
    const p = plan("part / --size=100\npart pv.01 --size=100\nvolgroup v --pesize=32768 pv.01\nlogvol /srv --vgname=v --name=srv --size=33\n");
    expect(p.volumeGroups[0]).toMatchObject({ extentBytes: 32 * MiB, extents: 3 });
    expect(p.volumeGroups[0]!.lvs[0]).toMatchObject({ extents: 2, sizeBytes: 64 * MiB });
  });

  it("--maxsize caps --grow; the rest stays free", () => {
    const ks = "part / --size=100\npart pv.01 --size=1001\nvolgroup v pv.01\nlogvol /a --vgname=v --name=a --size=100 --grow --maxsize=200\n";
    const vg = plan(ks).volumeGroups[0]!;
    expect(vg.lvs[0]!.extents).toBe(50);
    expect(vg.freeExtents).toBe(250 - 50);
  });

  it("two --grow LVs share the free extents in proportion to their sizes", () => {
    const ks = "part / --size=100\npart pv.01 --size=1001\nvolgroup v pv.01\nlogvol /a --vgname=v --name=a --size=100 --grow\nlogvol /b --vgname=v --name=b --size=300 --grow\n";
    expect(lvRows(ks)).toEqual([
      ["a", [[0, 0, 63]], 63],
      ["b", [[0, 63, 187]], 187],
    ]);
  });

  it("--percent takes a share of the group less its reserved space", () => {
    const ks = "part / --size=100\npart pv.01 --size=1001\nvolgroup v pv.01 --reserved-percent=10\nlogvol /a --vgname=v --name=a --percent=50\nlogvol /b --vgname=v --name=b --size=40\n";
    const vg = plan(ks).volumeGroups[0]!;
    expect(vg.reservedExtents).toBe(25);
    expect(vg.lvs.map((l) => l.extents)).toEqual([Math.floor(225 / 2), 10]);
    expect(vg.freeExtents).toBe(250 - 112 - 10);
  });

  it("--reserved-space keeps MiB free even from --grow", () => {
    const ks = "part / --size=100\npart pv.01 --size=1001\nvolgroup v pv.01 --reserved-space=100\nlogvol /a --vgname=v --name=a --size=4 --grow\n";
    const vg = plan(ks).volumeGroups[0]!;
    expect(vg).toMatchObject({ reservedExtents: 25, freeExtents: 25 });
    expect(vg.lvs[0]!.extents).toBe(225);
  });

  it("--recommended swap follows Anaconda's RAM policy for the appliance's RAM", () => {
    expect([512, 2048, 4096, 16384, 131072].map((r) => suggestSwapMiB(r))).toEqual([1024, 2048, 4096, 8192, 4096]);
    expect(suggestSwapMiB(4096, { hibernation: true })).toBe(8192);
    expect(suggestSwapMiB(4096, { diskMiB: 20480 })).toBe(2048);
    const ks = "part / --size=100\npart pv.01 --size=1\nvolgroup v pv.01\nlogvol swap --vgname=v --name=swap --recommended\n";
    expect(plan(ks, { memoryMiB: 4096 }).volumeGroups[0]!.lvs[0]!.sizeBytes).toBe(4096 * MiB);
    expect(plan(ks).volumeGroups[0]!.lvs[0]!.sizeBytes).toBe(1024 * MiB);
    const hib = "part / --size=100\npart pv.01 --size=1\nvolgroup v pv.01\nlogvol swap --vgname=v --name=swap --hibernation\n";
    expect(plan(hib, { memoryMiB: 4096 }).volumeGroups[0]!.lvs[0]!.sizeBytes).toBe(8192 * MiB);
  });

  it("--mkfsoptions and --fsoptions reach the LV's filesystem plan", () => {
    const ks = `part / --size=100\npart pv.01 --size=1\nvolgroup v pv.01\nlogvol /srv --vgname=v --name=srv --size=64 --fstype=ext3 --mkfsoptions="-O ^has_journal -m 0" --fsoptions=noatime,nodev\n`;
    const p = plan(ks);
    expect(p.volumeGroups[0]!.lvs[0]!.filesystem).toMatchObject({ fstype: "ext3", mkfsOptions: ["-O", "^has_journal", "-m", "0"], fsoptions: "noatime,nodev" });
    expect(p.fstab.some((l) => / \/srv ext3 noatime,nodev 0 2$/.test(l))).toBe(true);
  });

  it("a VG over two PVs on two disks: each LV on one PV, extents counted from each PV's start", () => {
    const ks = [
      "part / --size=1024 --ondisk=sda",
      "part pv.01 --size=1025 --ondisk=sda",
      "part pv.02 --size=2049 --ondisk=sdb",
      "volgroup data pv.01 pv.02",
      "logvol /a --vgname=data --name=a --size=800",
      "logvol /b --vgname=data --name=b --size=1500",
      "logvol /c --vgname=data --name=c --size=200",
    ].join("\n");
    const p = plan(ks);
    const vg = p.volumeGroups[0]!;
    expect(vg.pvs.map((pv) => [pv.ksName, pv.disk, pv.partition, pv.extents])).toEqual([["pv.01", "sda", 2, 256], ["pv.02", "sdb", 1, 512]]);
    expect(lvRows(ks)).toEqual([
      ["a", [[0, 0, 200]], 200],
      ["b", [[1, 0, 375]], 375],
      ["c", [[0, 200, 50]], 50],
    ]);
    expect(vg.lvs[1]!.offsetBytes).toBe(2048 * 512 + MiB);
    expect(vg.lvs[1]!.disk).toBe("sdb");
    expect(p.needsDeviceMapper).toBe(false);
  });

  it("an LV larger than any one PV spans PVs: planned, but marked as needing device-mapper with the reason", () => {
    const ks = "part / --size=1024\npart pv.01 --size=1025\npart pv.02 --size=1025\nvolgroup data pv.01 pv.02\nlogvol /big --vgname=data --name=big --size=1500\n";
    const p = plan(ks);
    expect(p.volumeGroups[0]!.lvs[0]!.segments).toEqual([{ pv: 0, firstExtent: 0, extents: 256 }, { pv: 1, firstExtent: 0, extents: 119 }]);
    expect(p.volumeGroups[0]!.lvs[0]!.offsetBytes).toBeNull();
    expect(p.needsDeviceMapper).toBe(true);
    expect(p.deviceMapperReasons[0]).toMatch(/data\/big \(375 extents\) fits on no single PV/);
  });

  it("device-mapper names double the dashes", () => {
    expect(mapperName("my-vg", "root")).toBe("my--vg-root");
  });
});

describe("planLayout: LVM refusals name the line", () => {
  const base = "part / --size=100\npart pv.01 --size=1000\nvolgroup vg pv.01\n";
  const cases: { name: string; ks: string; line: number; message: RegExp; opts?: LayoutOptions }[] = [
    { name: "thin pool", ks: base + "logvol none --vgname=vg --name=pool --thinpool --size=500\n", line: 4, message: /thin pools.*device-mapper/ },
    { name: "thin volume", ks: base + "logvol /t --vgname=vg --name=t --thin --poolname=pool --size=100\n", line: 4, message: /thin/ },
    { name: "cache volume", ks: base + "logvol /c --vgname=vg --name=c --size=100 --cachesize=50 --cachepvs=pv.01\n", line: 4, message: /cache volumes/ },
    { name: "logvol --useexisting", ks: base + "logvol /u --vgname=vg --name=u --useexisting\n", line: 4, message: /--useexisting\/--noformat: ksimage makes a new image/ },
    { name: "logvol --noformat", ks: base + "logvol /u --vgname=vg --name=u --noformat\n", line: 4, message: /--useexisting\/--noformat/ },
    { name: "volgroup --useexisting", ks: "part / --size=100\nvolgroup old --useexisting\n", line: 2, message: /no existing volume group/ },
    { name: "logvol --encrypted", ks: base + "logvol /e --vgname=vg --name=e --size=100 --encrypted --passphrase=x\n", line: 4, message: /dm-crypt/ },
    { name: "unknown VG", ks: base + "logvol /x --vgname=nope --name=x --size=100\n", line: 4, message: /no volgroup nope/ },
    { name: "missing PV", ks: "part / --size=100\nvolgroup vg pv.09\n", line: 2, message: /no part line makes pv.09/ },
    { name: "pesize not a power of two", ks: "part / --size=100\npart pv.01 --size=100\nvolgroup vg --pesize=3000 pv.01\n", line: 3, message: /power of two/ },
    { name: "too large for the disk", ks: base + "logvol /x --vgname=vg --name=x --size=5000\n", opts: { diskSizes: { sda: 2048 * MiB } }, line: 2, message: /pv.01 does not fit on disk sda/ },
    { name: "percentages over 100", ks: base + "logvol /a --vgname=vg --name=a --percent=60\nlogvol /b --vgname=vg --name=b --percent=50\n", line: 4, message: /add up to 110%/ },
    { name: "same mount point on a partition and an LV", ks: base + "logvol / --vgname=vg --name=root --size=100\n", line: 4, message: /mount point \/ is used twice/ },
  ];
  it.each(cases)("$name", ({ ks, line, message, opts }) => {
    const e = planError(ks, opts);
    expect(e.message).toMatch(message);
    expect(e.pos?.line).toBe(line);
  });
});
