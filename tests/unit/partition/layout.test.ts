// The layout planner: exact sector tables, --grow, msdos extended/logical, two disks, special partitions, errors.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { growSizes, planLayout, type LayoutOptions } from "../../../src/partition/layout.js";
import { GPT_TYPES } from "../../../src/partition/part-types.js";
import { parseOk } from "../../helpers/ks.js";

const MiB = 2 ** 20;
const plan = (ks: string, opts: LayoutOptions = {}) => planLayout(parseOk(ks), opts);
const rows = (ks: string, opts: LayoutOptions = {}, disk = 0) =>
  plan(ks, opts).disks[disk]!.partitions.map((p) => [p.number, p.kind, p.startSector, p.endSector, p.typeGuid ?? p.msdosType, p.flags.join(",")]);

function planError(ks: string, opts: LayoutOptions = {}): PlanError {
  try {
    plan(ks, opts);
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("expected a PlanError");
}

describe("planLayout: exact sector tables", () => {
  it("msdos: /boot then /, 1 MiB aligned, boot flag on /boot, disk = sum of partitions + 1 MiB lead", () => {
    const ks = "part /boot --fstype=ext4 --size=256\npart / --fstype=ext4 --size=1024\n";
    expect(rows(ks)).toEqual([
      [1, "primary", 2048, 526335, "83", "boot"],
      [2, "primary", 526336, 2623487, "83", ""],
    ]);
    const d = plan(ks).disks[0]!;
    expect(d).toMatchObject({ name: "sda", label: "msdos", sizeSectors: 2623488, sizeBytes: 1281 * MiB });
  });

  it("gpt: biosboot + ESP + / with type GUIDs, flags, and 1 MiB kept for the backup header", () => {
    const ks = "part biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=100\npart / --fstype=xfs --size=1024\n";
    expect(rows(ks)).toEqual([
      [1, "primary", 2048, 4095, GPT_TYPES.biosboot, "bios_grub"],
      [2, "primary", 4096, 208895, GPT_TYPES.esp, "esp"],
      [3, "primary", 208896, 2306047, GPT_TYPES.rootX86_64, ""],
    ]);
    const d = plan(ks).disks[0]!;
    expect(d.label).toBe("gpt");
    expect(d.sizeSectors).toBe(2306048 + 2048);
    expect(d.partitions[1]!.filesystem).toMatchObject({ fstype: "vfat", fsoptions: "umask=0077,shortname=winnt" });
    expect(d.partitions[1]!.filesystem!.uuid).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(d.partitions[0]!.filesystem).toBeNull();
  });

  it("clearpart --disklabel=gpt makes a gpt disk; swap gets the swap GUID", () => {
    const ks = "clearpart --all --disklabel=gpt\npart swap --size=512\npart / --size=1024\n";
    const d = plan(ks).disks[0]!;
    expect(d.label).toBe("gpt");
    expect(d.partitions.map((p) => p.typeGuid)).toEqual([GPT_TYPES.swap, GPT_TYPES.rootX86_64]);
  });

  it("7 partitions on msdos: 3 primary, an extended as #4 and logical #5-#8 with a 1 MiB gap before each", () => {
    const ks = ["/boot", "/", "/var", "/home", "/srv", "/opt", "/tmp"].map((m) => `part ${m} --size=100`).join("\n");
    const r = rows(ks);
    const mib = 2048;
    expect(r.map((x) => [x[0], x[1]])).toEqual([
      [1, "primary"], [2, "primary"], [3, "primary"], [4, "extended"], [5, "logical"], [6, "logical"], [7, "logical"], [8, "logical"],
    ]);
    const ext = r[3]!;
    expect(ext[2]).toBe(mib + 300 * mib);
    expect(r[4]![2]).toBe((ext[2] as number) + mib);
    expect(r[5]![2]).toBe((r[4]![3] as number) + 1 + mib);
    expect(ext[3]).toBe(r[7]![3]);
    expect(ext[4]).toBe("0f");
    expect(plan(ks).disks[0]!.sizeBytes).toBe((1 + 700 + 4) * MiB);
  });

  it("--asprimary partitions stay primary when logicals are needed", () => {
    const ks = ["/a", "/b", "/c", "/d", "/e"].map((m, i) => `part ${m} --size=10${i === 4 ? " --asprimary" : ""}`).join("\n") + "\npart / --size=100";
    const d = plan(ks).disks[0]!;
    const e = d.partitions.find((p) => p.mountpoint === "/e")!;
    expect(e.kind).toBe("primary");
    expect(d.partitions.filter((p) => p.kind === "primary")).toHaveLength(3);
  });
});

describe("planLayout: --grow", () => {
  it("grows into an explicit disk size", () => {
    const d = plan("part /boot --size=256\npart / --size=1024 --grow\n", { diskSizes: { sda: 4096 * MiB } }).disks[0]!;
    expect(d.partitions.map((p) => p.sizeBytes / MiB)).toEqual([256, 4096 - 1 - 256]);
    expect(d.partitions[1]!.endSector).toBe(4096 * 2048 - 1);
  });
  it("without a disk size, a growing partition keeps its base size", () => {
    const d = plan("part / --size=1024 --grow\n").disks[0]!;
    expect(d.partitions[0]!.sizeBytes).toBe(1024 * MiB);
  });
  it("shares in proportion to base sizes and honours --maxsize, giving the rest to the others", () => {
    const d = plan("part /var --size=100 --grow --maxsize=500\npart / --size=100 --grow\n", { diskSizes: { sda: 2001 * MiB } }).disks[0]!;
    expect(d.partitions.map((p) => p.sizeBytes / MiB)).toEqual([500, 1500]);
  });
  it("growSizes is proportional to the base sizes", () => {
    expect(growSizes([{ baseMiB: 100, maxMiB: null, grow: true }, { baseMiB: 300, maxMiB: null, grow: true }, { baseMiB: 50, maxMiB: null, grow: false }], 400)).toEqual([200, 600, 50]);
  });
});

describe("planLayout: disks and filesystems", () => {
  it("two disks in first-appearance order, each with its own label", () => {
    const ks = "clearpart --all --drives=sdb --disklabel=gpt\npart / --size=1024 --ondisk=sda\npart /data --fstype=xfs --size=512 --ondisk=sdb\npart /boot --size=256 --ondisk=sda\n";
    const p = plan(ks);
    expect(p.disks.map((d) => [d.name, d.label, d.partitions.length])).toEqual([["sda", "msdos", 2], ["sdb", "gpt", 1]]);
    expect(p.disks[1]!.partitions[0]!.filesystem!.fstype).toBe("xfs");
    expect(p.mounts.map((m) => m.mountpoint)).toEqual(["/", "/boot", "/data"]);
  });
  it("fstab by UUID with labels, options and pass numbers", () => {
    const p = plan("part /boot --size=256 --label=boot\npart / --size=1024 --fsoptions=noatime,errors=remount-ro\npart swap --size=128\n");
    const uuid = (i: number) => p.disks[0]!.partitions[i]!.filesystem!.uuid;
    expect(p.fstab).toEqual([
      `UUID=${uuid(1)} / ext4 noatime,errors=remount-ro 0 1`,
      `UUID=${uuid(0)} /boot ext4 defaults 0 2`,
      `UUID=${uuid(2)} none swap defaults 0 0`,
    ]);
    expect(p.disks[0]!.partitions[0]!.filesystem!.label).toBe("boot");
  });
  it("filesystem UUIDs are random, or fixed by a seed (SOURCE_DATE_EPOCH)", () => {
    const ks = "part / --size=1024\n";
    const u = (seed?: string) => planLayout(parseOk(ks), seed ? { seed } : {}).disks[0]!.partitions[0]!.filesystem!.uuid;
    expect(u()).not.toBe(u());
    expect(u("1700000000")).toBe(u("1700000000"));
    expect(u("1700000000")).not.toBe(u("1700000001"));
    expect(u("1")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it("--mkfsoptions are split like a shell", () => {
    const p = plan(`part / --size=1024 --mkfsoptions="-O ^has_journal -E lazy_itable_init=0"\n`);
    expect(p.disks[0]!.partitions[0]!.filesystem!.mkfsOptions).toEqual(["-O", "^has_journal", "-E", "lazy_itable_init=0"]);
  });
  it("LVM on one PV needs no device-mapper (loop devices reach each LV at its extents)", () => {
    const p = plan("part /boot --size=256\npart pv.01 --size=2048\nvolgroup vg pv.01\nlogvol / --vgname=vg --name=root --size=1024\n");
    expect(p.needsDeviceMapper).toBe(false);
    expect(p.volumeGroups[0]!.lvs[0]!.mountpoint).toBe("/");
    expect(p.disks[0]!.partitions[1]!.role).toBe("lvm-pv");
  });
});

describe("planLayout: impossible plans name the kickstart line", () => {
  const cases: { name: string; ks: string; opts?: LayoutOptions; line: number; message: RegExp }[] = [
    { name: "a partition larger than the disk", ks: "part /boot --size=256\npart / --size=1024\n", opts: { diskSizes: { sda: 512 * MiB } }, line: 2, message: /does not fit on disk sda/ },
    { name: "two /", ks: "part / --size=100\npart /boot --size=100\npart / --size=200\n", line: 3, message: /two partitions for \// },
    { name: "no /", ks: "part /boot --size=100\npart /var --size=100\n", line: 1, message: /no partition is mounted at \// },
    { name: "an unknown disk in --ondisk", ks: "part / --size=100\npart /data --size=100 --ondisk=disk-with-slash/x\n", line: 2, message: /unknown disk/ },
    { name: "no size", ks: "part / --size=100\npart /var\n", line: 2, message: /needs --size/ },
    { name: "--onpart", ks: "part / --onpart=sda1\n", line: 1, message: /existing partition/ },
    { name: "unsupported filesystem", ks: "part / --size=100 --fstype=ntfs\n", line: 1, message: /not supported/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = planError(c.ks, c.opts);
      expect(e.pos).toMatchObject({ file: "ks.cfg", line: c.line });
      expect(e.message).toMatch(c.message);
    });
  }
});
