// GPT with BIOS boot and an EFI system partition: type GUIDs, FAT32 made on the partition (never mounted), read back with mtools.
import path from "node:path";
import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { GPT_TYPES } from "../../../src/partition/part-types.js";
import { run, Teardown } from "../../../src/run/index.js";
import { planKickstart, useSandbox } from "../../helpers/build-sandbox.js";
import { expectFilesystemsMatchPlan, expectTableMatchesPlan, mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";

describe("ksimage build: gpt + biosboot + ESP", () => {
  const sandbox = useSandbox();

  it("sets the planned type GUIDs, formats the ESP as FAT32 with the planned volume ID and label", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const plan = await planKickstart(
      sb,
      "uefi",
      `liveimg --url=file://${tarball}\npart biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=64 --label=ESP\npart / --fstype=ext4 --size=96\n`,
    );
    const disk = plan.layout.disks[0]!;
    expect(disk.partitions.map((p) => p.typeGuid)).toEqual([GPT_TYPES.biosboot, GPT_TYPES.esp, GPT_TYPES.rootX86_64]);

    const [raw] = (await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false })).outputs;
    await expectTableMatchesPlan(raw!, disk);
    await expectFilesystemsMatchPlan(raw!, disk);

    const esp = disk.partitions[1]!;
    const info = await run(["minfo", "-i", `${raw}@@${esp.startSector * 512}`], { env: { MTOOLS_SKIP_CHECK: "1" } });
    expect(info.stdout).toContain(`serial number: ${esp.filesystem!.uuid.replace("-", "")}`);
    expect(info.stdout).toMatch(/disk label="ESP\s*"/);

    const check = new Teardown();
    try {
      const root = path.join(sb.dir, "check-root");
      await mountPartitionReadOnly(raw!, disk.partitions[2]!, "ext4", root, check);
      // The ESP is not mounted during the build, but its mount point exists for the installed system.
      expect(statSync(path.join(root, "boot/efi")).isDirectory()).toBe(true);
      expect(readFileSync(path.join(root, "etc/fstab"), "utf8")).toContain(`UUID=${esp.filesystem!.uuid} /boot/efi vfat umask=0077,shortname=winnt 0 2`);
    } finally {
      await check.unwind();
    }
  });
});
