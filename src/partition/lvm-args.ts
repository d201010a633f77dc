// The lvm2 argv and the private lvm.conf ksimage uses: every command pure, so tests check them exactly.
import type { LogicalVolumePlan, VolumeGroupPlan } from "./types.js";

/** lvm2's global option that writes metadata without ever talking to device-mapper (HOST-NOTES "LVM without device-mapper"). */
export const NO_DM = ["--driverloaded", "n"] as const;

const global = (dm: boolean): string[] => (dm ? [] : [...NO_DM]);

/**
 * A private lvm.conf: lvm sees only DEVICES (the image's PV partitions), never scans or touches the host's disks, keeps no
 * devices file, no metadata backups or archives (they would land in the host's /etc/lvm), and takes its locks in LOCKDIR.
 */
export function lvmConfig(devices: readonly string[], lockDir: string): string {
  const accept = devices.map((d) => `"a|^${d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$|"`).join(", ");
  const filter = `[ ${accept}${accept ? ", " : ""}"r|.*|" ]`;
  return [
    "# Written by ksimage for one build: only the image's own physical volumes are visible.",
    "devices {",
    `  filter = ${filter}`,
    `  global_filter = ${filter}`,
    "  use_devicesfile = 0",
    "  obtain_device_list_from_udev = 0",
    '  external_device_info_source = "none"',
    "}",
    `global { locking_dir = "${lockDir}" }`,
    "activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }",
    "backup { backup = 0 archive = 0 }",
    "",
  ].join("\n");
}

/** The environment that makes lvm read the private configuration directory DIR (its lvm.conf). */
export function lvmEnv(dir: string): Record<string, string> {
  return { LVM_SYSTEM_DIR: dir, LVM_SUPPRESS_FD_WARNINGS: "1" };
}

// pvcreate: the first extent at 1 MiB (the plan's pe_start), forced (the partition is new and ours).
export function pvcreateArgs(device: string, dm: boolean): string[] {
  return ["pvcreate", ...global(dm), "-y", "-ff", "--dataalignment", "1m", device];
}

// vgcreate with the planned extent size over the PV devices in plan order.
export function vgcreateArgs(vg: VolumeGroupPlan, devices: readonly string[], dm: boolean): string[] {
  return ["vgcreate", ...global(dm), "-y", "-s", `${vg.extentBytes / 1024}k`, vg.name, ...devices];
}

// lvcreate pinned to the planned extents (PV:first-last per segment); without device-mapper not activated (-an) nor zeroed.
export function lvcreateArgs(lv: LogicalVolumePlan, devices: readonly string[], dm: boolean): string[] {
  const ranges = lv.segments.map((s) => `${devices[s.pv]}:${s.firstExtent}-${s.firstExtent + s.extents - 1}`);
  return ["lvcreate", ...global(dm), dm ? "-ay" : "-an", "-Zn", "-y", "--wipesignatures", "n", "-l", String(lv.extents), "-n", lv.name, lv.vg, ...ranges];
}

// lvs of one VG, machine-readable: name, PE ranges, size and extent size in bytes.
export function lvsArgs(vg: string, dm: boolean): string[] {
  return ["lvs", ...global(dm), "--noheadings", "--separator", "|", "--units", "b", "--nosuffix", "-o", "lv_name,seg_pe_ranges,lv_size,vg_extent_size", vg];
}

// pvs of the image's PVs: where lvm put the first extent, and how many extents each has.
export function pvsArgs(devices: readonly string[], dm: boolean): string[] {
  return ["pvs", ...global(dm), "--noheadings", "--units", "b", "--nosuffix", "-o", "pv_name,pe_start,pv_pe_count", ...devices];
}

// The host's own volume groups, read-only, with the host's configuration (to refuse a name the host already knows).
export function hostVgsArgs(dm: boolean): string[] {
  return ["vgs", "--readonly", ...global(dm), "--noheadings", "-o", "vg_name"];
}

// With device-mapper: activate or deactivate every LV of VG.
export function vgchangeArgs(vg: string, activate: boolean): string[] {
  return ["vgchange", activate ? "-ay" : "-an", vg];
}

/** One line of `lvs` output: name, segments as "device:first-last", size in bytes. */
export interface LvsRow {
  name: string;
  ranges: { device: string; first: number; last: number }[];
  sizeBytes: number;
  extentBytes: number;
}

// Parse lvsArgs output ("  root|/dev/loop1p2:0-511|2147483648|4194304"); one row per segment, merged per LV.
export function parseLvs(stdout: string): LvsRow[] {
  const rows = new Map<string, LvsRow>();
  for (const line of stdout.split("\n")) {
    const [name, ranges, size, extent] = line.trim().split("|");
    if (!name || ranges === undefined || size === undefined || extent === undefined) continue;
    const row = rows.get(name) ?? { name, ranges: [], sizeBytes: Number(size), extentBytes: Number(extent) };
    for (const r of ranges.split(/\s+/).filter(Boolean)) {
      const m = /^(.*):(\d+)-(\d+)$/.exec(r);
      if (m) row.ranges.push({ device: m[1]!, first: Number(m[2]), last: Number(m[3]) });
    }
    rows.set(name, row);
  }
  return [...rows.values()];
}

// Parse pvsArgs output into device -> { peStart, extents }.
export function parsePvs(stdout: string): Map<string, { peStartBytes: number; extents: number }> {
  const out = new Map<string, { peStartBytes: number; extents: number }>();
  for (const line of stdout.split("\n")) {
    const [dev, start, count] = line.trim().split(/\s+/);
    if (dev && start && count) out.set(dev, { peStartBytes: Number(start), extents: Number(count) });
  }
  return out;
}
