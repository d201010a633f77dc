// lvm2 argv and the private lvm.conf: exact arrays, --driverloaded n without device-mapper, parsing of lvs/pvs output.
import { describe, expect, it } from "vitest";
import { hostVgsArgs, lvcreateArgs, lvmConfig, lvmEnv, lvsArgs, parseLvs, parsePvs, pvcreateArgs, pvsArgs, vgchangeArgs, vgcreateArgs } from "../../../src/partition/lvm-args.js";
import { planLayout } from "../../../src/partition/layout.js";
import { parseOk } from "../../helpers/ks.js";

const layout = planLayout(parseOk("part / --size=100\npart pv.01 --size=101\npart pv.02 --size=101\nvolgroup vg0 --pesize=8192 pv.01 pv.02\nlogvol /a --vgname=vg0 --name=a --size=64\nlogvol /b --vgname=vg0 --name=b --size=30\n"));
const vg = layout.volumeGroups[0]!;
const devs = ["/dev/loop7p2", "/dev/loop7p3"];

describe("lvm argv", () => {
  it("without device-mapper every command carries --driverloaded n; LVs are pinned to their planned extents, not activated, not zeroed", () => {
    expect(pvcreateArgs("/dev/loop7p2", false)).toEqual(["pvcreate", "--driverloaded", "n", "-y", "-ff", "--dataalignment", "1m", "/dev/loop7p2"]);
    expect(vgcreateArgs(vg, devs, false)).toEqual(["vgcreate", "--driverloaded", "n", "-y", "-s", "8192k", "vg0", ...devs]);
    expect(lvcreateArgs(vg.lvs[0]!, devs, false)).toEqual(["lvcreate", "--driverloaded", "n", "-an", "-Zn", "-y", "--wipesignatures", "n", "-l", "8", "-n", "a", "vg0", "/dev/loop7p2:0-7"]);
    expect(lvcreateArgs(vg.lvs[1]!, devs, false).slice(-1)).toEqual(["/dev/loop7p2:8-11"]);
    expect(lvsArgs("vg0", false)).toEqual(["lvs", "--driverloaded", "n", "--noheadings", "--separator", "|", "--units", "b", "--nosuffix", "-o", "lv_name,seg_pe_ranges,lv_size,vg_extent_size", "vg0"]);
    expect(pvsArgs(devs, false)).toEqual(["pvs", "--driverloaded", "n", "--noheadings", "--units", "b", "--nosuffix", "-o", "pv_name,pe_start,pv_pe_count", ...devs]);
    expect(hostVgsArgs(false)).toEqual(["vgs", "--readonly", "--driverloaded", "n", "--noheadings", "-o", "vg_name"]);
  });

  it("with device-mapper: no --driverloaded, LVs activated, deactivated with vgchange -an in the teardown", () => {
    expect(pvcreateArgs("/dev/mapper/loop7p2", true)).toEqual(["pvcreate", "-y", "-ff", "--dataalignment", "1m", "/dev/mapper/loop7p2"]);
    expect(lvcreateArgs(vg.lvs[0]!, devs, true).slice(0, 3)).toEqual(["lvcreate", "-ay", "-Zn"]);
    expect(hostVgsArgs(true)).toEqual(["vgs", "--readonly", "--noheadings", "-o", "vg_name"]);
    expect(vgchangeArgs("vg0", true)).toEqual(["vgchange", "-ay", "vg0"]);
    expect(vgchangeArgs("vg0", false)).toEqual(["vgchange", "-an", "vg0"]);
  });

  it("the private lvm.conf accepts only the image's PVs and never touches the host (no devices file, no backups, own locks)", () => {
    const conf = lvmConfig(devs, "/w/lvm/lock");
    expect(conf).toContain('filter = [ "a|^/dev/loop7p2$|", "a|^/dev/loop7p3$|", "r|.*|" ]');
    expect(conf).toContain('global_filter = [ "a|^/dev/loop7p2$|", "a|^/dev/loop7p3$|", "r|.*|" ]');
    expect(conf).toContain("use_devicesfile = 0");
    expect(conf).toContain("obtain_device_list_from_udev = 0");
    expect(conf).toContain("backup { backup = 0 archive = 0 }");
    expect(conf).toContain('locking_dir = "/w/lvm/lock"');
    expect(lvmConfig(["/dev/mapper/loop1p2"], "/l")).toContain('"a|^/dev/mapper/loop1p2$|"');
    expect(lvmEnv("/w/lvm")).toEqual({ LVM_SYSTEM_DIR: "/w/lvm", LVM_SUPPRESS_FD_WARNINGS: "1" });
  });

  it("parses lvs and pvs output", () => {
    expect(parseLvs("  root|/dev/loop1p2:0-511|2147483648|4194304\n  big|/dev/loop1p2:0-9 /dev/loop1p3:0-4|62914560|4194304\n")).toEqual([
      { name: "root", ranges: [{ device: "/dev/loop1p2", first: 0, last: 511 }], sizeBytes: 2147483648, extentBytes: 4194304 },
      { name: "big", ranges: [{ device: "/dev/loop1p2", first: 0, last: 9 }, { device: "/dev/loop1p3", first: 0, last: 4 }], sizeBytes: 62914560, extentBytes: 4194304 },
    ]);
    expect(parsePvs("  /dev/loop1p2 1048576  49\n")).toEqual(new Map([["/dev/loop1p2", { peStartBytes: 1048576, extents: 49 }]]));
  });
});
