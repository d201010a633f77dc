// Make the planned PVs, VGs and LVs with lvm2, and give every LV a block device: a loop at its extents, or device-mapper.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError, PlanError } from "../errors.js";
import { getLogger, isDryRun, run, type Teardown } from "../run/index.js";
import { hostVgsArgs, lvcreateArgs, lvmConfig, lvmEnv, lvsArgs, parseLvs, parsePvs, pvcreateArgs, pvsArgs, vgchangeArgs, vgcreateArgs } from "./lvm-args.js";
import { mapperName } from "./lvm-plan.js";
import { attachLoop } from "./loop.js";
import type { MappedDisk } from "./map.js";
import type { LayoutPlan, VolumeGroupPlan } from "./types.js";

/** "VG/LV" -> the block device that holds the LV while the image is built. */
export type VolumeDevices = Record<string, string>;

// Names of the host's volume groups (read-only, the host's own lvm configuration); empty when lvm finds none.
export async function hostVolumeGroups(dm: boolean): Promise<string[]> {
  const r = await run(hostVgsArgs(dm), { reason: "list the host's volume groups, so the image's VG names cannot collide with them", allowExitCodes: [5], dryRun: false });
  return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}

// Refuse, before anything is made, a VG name the host already has (active or merely visible to its lvm).
export async function checkVolumeGroupNames(layout: LayoutPlan, dm: boolean): Promise<void> {
  if (layout.volumeGroups.length === 0 || isDryRun()) return;
  const host = await hostVolumeGroups(dm);
  for (const vg of layout.volumeGroups) {
    if (host.includes(vg.name)) {
      const pos = vg.source ? { file: vg.source.file, line: vg.source.lineno, includeStack: [vg.source.file] } : undefined;
      throw new PlanError(`volume group ${vg.name} already exists on this host: two VGs of one name confuse lvm on the host and in the image`, pos, "give the volgroup another name");
    }
  }
}

function pvDevices(vg: VolumeGroupPlan, mapped: Record<string, MappedDisk>): string[] {
  return vg.pvs.map((pv) => {
    const dev = mapped[pv.disk]?.partitions[pv.partition];
    if (dev === undefined) throw new KsimageError(`${pv.ksName} (partition ${pv.partition} of disk ${pv.disk}) is not mapped to a block device`);
    return dev;
  });
}

// Check what lvm made against the plan: pe_start and extents of every PV, the extent ranges of every LV.
async function verifyVolumeGroup(vg: VolumeGroupPlan, devices: string[], env: Record<string, string>, dm: boolean): Promise<void> {
  const pvs = parsePvs((await run(pvsArgs(devices, dm), { env, reason: `check the PVs of ${vg.name} against the plan` })).stdout);
  vg.pvs.forEach((pv, i) => {
    const got = pvs.get(devices[i]!);
    if (got?.peStartBytes !== pv.peStartBytes || got.extents !== pv.extents) {
      throw new KsimageError(`lvm made ${pv.ksName} with pe_start ${got?.peStartBytes} and ${got?.extents} extents, planned ${pv.peStartBytes} and ${pv.extents}`);
    }
  });
  const lvs = parseLvs((await run(lvsArgs(vg.name, dm), { env, reason: `check the LVs of ${vg.name} against the plan` })).stdout);
  for (const lv of vg.lvs) {
    const got = lvs.find((r) => r.name === lv.name);
    const want = lv.segments.map((s) => ({ device: devices[s.pv]!, first: s.firstExtent, last: s.firstExtent + s.extents - 1 }));
    if (got === undefined || got.sizeBytes !== lv.sizeBytes || JSON.stringify(got.ranges) !== JSON.stringify(want)) {
      throw new KsimageError(`lvm placed ${vg.name}/${lv.name} at ${got ? JSON.stringify(got.ranges) : "nowhere"}, planned ${JSON.stringify(want)}`);
    }
  }
}

/** Options of makeVolumes. */
export interface MakeVolumesOptions {
  /** Use device-mapper (activate the VGs) instead of loop devices at the LVs' extents. */
  deviceMapper: boolean;
  /** Where the private lvm configuration is written. */
  workdir: string;
}

// Create every planned VG and LV on the mapped PV partitions and return a block device per LV; undos go on TEARDOWN.
export async function makeVolumes(layout: LayoutPlan, mapped: Record<string, MappedDisk>, teardown: Teardown, opts: MakeVolumesOptions): Promise<VolumeDevices> {
  const out: VolumeDevices = {};
  if (layout.volumeGroups.length === 0) return out;
  const dm = opts.deviceMapper;
  const dir = path.join(opts.workdir, "lvm");
  const all = layout.volumeGroups.flatMap((vg) => pvDevices(vg, mapped));
  if (!isDryRun()) {
    await mkdir(path.join(dir, "lock"), { recursive: true, mode: 0o700 });
    await writeFile(path.join(dir, "lvm.conf"), lvmConfig(all, path.join(dir, "lock")));
  }
  const env = lvmEnv(dir);
  for (const vg of layout.volumeGroups) {
    const devices = pvDevices(vg, mapped);
    if (dm) teardown.defer(`deactivate volume group ${vg.name}`, () => run(vgchangeArgs(vg.name, false), { env, reason: `deactivate ${vg.name}`, allowExitCodes: [5] }).then(() => undefined));
    for (const d of devices) await run(pvcreateArgs(d, dm), { env, reason: `make ${d} an LVM physical volume of ${vg.name}` });
    await run(vgcreateArgs(vg, devices, dm), { env, reason: `create volume group ${vg.name}` });
    for (const lv of vg.lvs) await run(lvcreateArgs(lv, devices, dm), { env, reason: `create logical volume ${vg.name}/${lv.name} at its planned extents` });
    if (!isDryRun()) await verifyVolumeGroup(vg, devices, env, dm);
    for (const lv of vg.lvs) out[`${vg.name}/${lv.name}`] = await volumeDevice(vg, lv.name, mapped, dm);
  }
  getLogger().info({ volumes: out }, "logical volumes mapped");
  return out;
}

// The block device of one LV: /dev/mapper/VG-LV when activated, else a loop device over its extents in the disk file.
async function volumeDevice(vg: VolumeGroupPlan, name: string, mapped: Record<string, MappedDisk>, dm: boolean): Promise<string> {
  if (dm) return `/dev/mapper/${mapperName(vg.name, name)}`;
  const lv = vg.lvs.find((l) => l.name === name)!;
  if (lv.offsetBytes === null) throw new KsimageError(`${vg.name}/${name} spans PVs: only device-mapper can map it`);
  const file = mapped[lv.disk]?.file;
  if (file === undefined) throw new KsimageError(`disk ${lv.disk} of ${vg.name}/${name} has no disk file`);
  // The loop is attached to the disk file: the undo mapPartitions registered (detach every loop of that file) releases it.
  return attachLoop(file, {
    offsetBytes: lv.offsetBytes,
    sizeLimitBytes: lv.sizeBytes,
    reason: `map logical volume ${vg.name}/${name} (extents ${lv.segments[0]!.firstExtent}-${lv.segments[0]!.firstExtent + lv.extents - 1}) with a loop device at its offset`,
    placeholder: `\${LOOP_LV_${vg.name}_${name}}`.replace(/[^A-Za-z0-9_${}]/g, "_"),
  });
}

// The host tools makeVolumes runs, and why.
export function lvmTools(layout: LayoutPlan): { tool: string; reason: string }[] {
  if (layout.volumeGroups.length === 0) return [];
  const reason = "make the LVM physical volumes, volume groups and logical volumes (lvm2)";
  return ["pvcreate", "vgcreate", "lvcreate", "lvs", "pvs", "vgs"].map((tool) => ({ tool, reason }));
}
