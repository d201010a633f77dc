// btrfs with subvolumes: created on the top level, mounted by subvol= during the install, listed by `btrfs subvolume list`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { run, Teardown } from "../../../src/run/index.js";
import { planKickstart, useSandbox } from "../../helpers/build-sandbox.js";
import { expectFilesystemsMatchPlan, expectTableMatchesPlan, mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";

describe("ksimage build: btrfs subvolumes", () => {
  const sandbox = useSandbox();

  it("creates the root and home subvolumes and installs into them", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const plan = await planKickstart(
      sb,
      "pool",
      [
        `liveimg --url=file://${tarball}`,
        "part /boot --fstype=ext4 --size=32",
        "part btrfs.01 --size=160",
        "btrfs none --label=pool btrfs.01",
        "btrfs / --subvol --name=root LABEL=pool",
        "btrfs /home --subvol --name=home LABEL=pool",
        "",
      ].join("\n"),
    );
    const disk = plan.layout.disks[0]!;
    const member = disk.partitions.find((p) => p.filesystem?.fstype === "btrfs")!;
    expect(member.filesystem!.subvolumes.map((s) => s.name)).toEqual(["root", "home"]);

    const [raw] = (await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false })).outputs;
    await expectTableMatchesPlan(raw!, disk);
    await expectFilesystemsMatchPlan(raw!, disk);

    const check = new Teardown();
    try {
      const top = path.join(sb.dir, "check-top");
      await mountPartitionReadOnly(raw!, member, "btrfs", top, check, ["subvolid=5"]);
      const list = await run(["btrfs", "subvolume", "list", top]);
      expect(list.stdout.split("\n").map((l) => l.split(" path ")[1]).sort()).toEqual(["home", "root"]);
      expect(readFileSync(path.join(top, "root/etc/fstab"), "utf8")).toContain(`UUID=${member.filesystem!.uuid} /home btrfs subvol=home 0 0`);
      // /home was the home subvolume during the install: the tarball's home/ is there, / has only the mount point.
      expect(statSync(path.join(top, "home/user/notes")).uid).toBe(1234);
      expect(readdirSync(path.join(top, "root/home"))).toEqual([]);
    } finally {
      await check.unwind();
    }
  });
});
