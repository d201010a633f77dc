// LVM without device-mapper: a RHEL-style layout built as raw, read back with lvs --driverloaded n and blkid at each LV's offset.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { PlanError } from "../../../src/errors.js";
import { lvmConfig, lvmEnv, lvsArgs, parseLvs, parsePvs, pvsArgs } from "../../../src/partition/lvm-args.js";
import { attachLoop, detachLoop } from "../../../src/partition/loop.js";
import { deviceMapperAvailable } from "../../../src/partition/map.js";
import { mountAt } from "../../../src/partition/mount.js";
import type { LogicalVolumePlan } from "../../../src/partition/types.js";
import { run, Teardown } from "../../../src/run/index.js";
import { planKickstart, useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { expectFilesystemsMatchPlan, expectTableMatchesPlan } from "../../helpers/image-readback.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";

const MiB = 2 ** 20;

// blkid's probe of one LV inside the raw file, at the LV's byte offset.
async function blkidAt(file: string, lv: LogicalVolumePlan): Promise<Record<string, string>> {
  const { stdout } = await run(["blkid", "-p", "-o", "export", "-O", String(lv.offsetBytes), "-S", String(lv.sizeBytes), file]);
  return Object.fromEntries(stdout.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

// The image's PV seen by lvm itself: its partition on a read-only loop, lvm limited to it by a private configuration.
async function lvmReadBack(sb: Sandbox, check: Teardown, raw: string, offsetBytes: number, sizeBytes: number, vg: string) {
  const device = await attachLoop(raw, { readOnly: true, offsetBytes, sizeLimitBytes: sizeBytes, reason: "read back the PV", placeholder: "" });
  check.defer(`detach ${device}`, () => detachLoop(device, raw));
  const dir = path.join(sb.dir, "lvm-readback");
  await mkdir(path.join(dir, "lock"), { recursive: true });
  await writeFile(path.join(dir, "lvm.conf"), lvmConfig([device], path.join(dir, "lock")));
  const env = lvmEnv(dir);
  const lvs = parseLvs((await run(lvsArgs(vg, false), { env })).stdout);
  const pvs = parsePvs((await run(pvsArgs([device], false), { env })).stdout);
  return { device, lvs, pvs };
}

describe("ksimage build: LVM without device-mapper", () => {
  const sandbox = useSandbox();

  it("RHEL-style /boot + VG (root 2 GiB, swap, /var grown): lvs shows the planned extents, blkid the planned filesystems", async () => {
    const sb = sandbox();
    const dm = await deviceMapperAvailable();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const vgName = `ksit${randomBytes(4).toString("hex")}`;
    const ks = [
      `liveimg --url=file://${tarball}`,
      "part /boot --fstype=ext4 --size=512",
      "part pv.01 --size=1 --grow",
      `volgroup ${vgName} pv.01`,
      `logvol / --vgname=${vgName} --name=root --size=2048 --fstype=ext4 --label=root`,
      `logvol swap --vgname=${vgName} --name=swap --recommended --label=swap`,
      `logvol /var --vgname=${vgName} --name=var --size=400 --grow --fstype=xfs --label=var --fsoptions=noatime`,
      "",
    ].join("\n");
    const plan = await planKickstart(sb, "rhel", ks, { diskSizes: { sda: 5 * 1024 * MiB } });
    const vg = plan.layout.volumeGroups[0]!;
    expect(vg.lvs.map((l) => [l.name, l.extents])).toEqual([["root", 512], ["swap", 256], ["var", 1151 - 512 - 256]]);

    const t0 = Date.now();
    const result = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false, ...(dm ? {} : { mapMethod: "loop-partx" as const }) });
    const raw = result.outputs[0]!;
    const lvmStep = result.steps.find((s) => s.step === "make LVM volumes")!;
    console.log(`LVM build: ${((Date.now() - t0) / 1000).toFixed(1)} s in all, make LVM volumes ${lvmStep.seconds.toFixed(2)} s`);
    const disk = plan.layout.disks[0]!;
    await expectTableMatchesPlan(raw, disk);
    await expectFilesystemsMatchPlan(raw, disk);

    // Read-back loops and mounts are released before the sandbox checks that nothing is left.
    const check = new Teardown();
    try {
      // lvm itself, limited to the image's PV: the planned names, sizes, extent size, pe_start and extent ranges.
      const pv = vg.pvs[0]!;
      const back = await lvmReadBack(sb, check, raw, pv.offsetBytes, pv.sizeBytes, vg.name);
      expect(back.pvs.get(back.device)).toEqual({ peStartBytes: MiB, extents: pv.extents });
      expect(back.lvs.map((r) => [r.name, r.sizeBytes, r.extentBytes, r.ranges.map((x) => [x.first, x.last])])).toEqual(
        vg.lvs.map((l) => [l.name, l.sizeBytes, 4 * MiB, [[l.segments[0]!.firstExtent, l.segments[0]!.firstExtent + l.extents - 1]]]),
      );

      // The planned filesystem, UUID and label at each LV's offset in the raw file.
      for (const lv of vg.lvs) {
        const probe = await blkidAt(raw, lv);
        expect({ lv: lv.name, TYPE: probe.TYPE, UUID: probe.UUID, LABEL: probe.LABEL }).toEqual({ lv: lv.name, TYPE: lv.filesystem!.fstype, UUID: lv.filesystem!.uuid, LABEL: lv.filesystem!.label ?? undefined });
      }

      // The install went into the LVs: the root LV holds the tree and an fstab naming every LV by UUID.
      const root = vg.lvs[0]!;
      const dev = await attachLoop(raw, { readOnly: true, offsetBytes: root.offsetBytes!, sizeLimitBytes: root.sizeBytes, reason: "read back /", placeholder: "" });
      check.defer(`detach ${dev}`, () => detachLoop(dev, raw));
      const mnt = path.join(sb.dir, "root-lv");
      await mountAt(dev, mnt, "ext4", ["ro"], check);
      const fstab = readFileSync(path.join(mnt, "etc/fstab"), "utf8");
      expect(fstab).toContain(`UUID=${root.filesystem!.uuid} / ext4 defaults 0 1`);
      expect(fstab).toContain(`UUID=${vg.lvs[2]!.filesystem!.uuid} /var xfs noatime 0 0`);
      expect(fstab).toContain(`UUID=${vg.lvs[1]!.filesystem!.uuid} none swap defaults 0 0`);
      expect(existsSync(path.join(mnt, "etc/hostname"))).toBe(true);

      // While the image's PV is attached the host's lvm sees its VG: a second build of that name is refused before anything is made.
      const again = await planKickstart(sb, "again", ks, { diskSizes: { sda: 5 * 1024 * MiB }, outdir: path.join(sb.dir, "out2") });
      const err = await buildAppliance(again, { tmpdir: sb.dir, handleSignals: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlanError);
      expect((err as PlanError).message).toMatch(new RegExp(`volume group ${vgName} already exists on this host`));
      expect(existsSync(path.join(sb.dir, "out2"))).toBe(false);
    } finally {
      await check.unwind();
    }
  }, 300_000);

  it("refuses an LV spanning two PVs before anything is touched (no device-mapper here)", async () => {
    const sb = sandbox();
    if (await deviceMapperAvailable()) return; // with device-mapper the spanning LV is allowed
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const vgName = `ksit${randomBytes(4).toString("hex")}`;
    const ks = [`liveimg --url=file://${tarball}`, "part / --size=200", "part pv.01 --size=101", "part pv.02 --size=101", `volgroup ${vgName} pv.01 pv.02`, `logvol /big --vgname=${vgName} --name=big --size=150`, ""].join("\n");
    const plan = await planKickstart(sb, "span", ks);
    expect(plan.layout.needsDeviceMapper).toBe(true);
    const err = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/fits on no single PV.*device-mapper kernel driver, which this host does not have/);
    expect(existsSync(plan.outdir)).toBe(false);
  }, 60_000);
});
