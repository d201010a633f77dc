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

  it("creates the root and home subvolumes (and home/user nested by --parent) with the --data/--metadata profiles, and installs into them", async () => {
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
        "btrfs none --label=pool --data=single --metadata=single btrfs.01",
        "btrfs / --subvol --name=root LABEL=pool",
        "btrfs /home --subvol --name=home LABEL=pool",
        "btrfs /home/user --subvol --name=user --parent=home LABEL=pool",
        "",
      ].join("\n"),
    );
    const disk = plan.layout.disks[0]!;
    const member = disk.partitions.find((p) => p.filesystem?.fstype === "btrfs")!;
    expect(member.filesystem!.subvolumes.map((s) => s.name)).toEqual(["root", "home", "home/user"]);
    expect(member.filesystem!.mkfsOptions).toEqual(["--data", "single", "--metadata", "single"]);

    const [raw] = (await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false })).outputs;
    await expectTableMatchesPlan(raw!, disk);
    await expectFilesystemsMatchPlan(raw!, disk);

    const check = new Teardown();
    try {
      const top = path.join(sb.dir, "check-top");
      await mountPartitionReadOnly(raw!, member, "btrfs", top, check, ["subvolid=5"]);
      const list = await run(["btrfs", "subvolume", "list", top]);
      expect(list.stdout.split("\n").map((l) => l.split(" path ")[1]).sort()).toEqual(["home", "home/user", "root"]);
      // mkfs.btrfs would make DUP metadata on one device by default: --metadata=single is what the volume has.
      const df = (await run(["btrfs", "filesystem", "df", top])).stdout;
      expect(df).toMatch(/^Data, single:/m);
      expect(df).toMatch(/^Metadata, single:/m);
      expect(readFileSync(path.join(top, "root/etc/fstab"), "utf8")).toContain(`UUID=${member.filesystem!.uuid} /home/user btrfs subvol=home/user 0 0`);
      expect(readFileSync(path.join(top, "root/etc/fstab"), "utf8")).toContain(`UUID=${member.filesystem!.uuid} /home btrfs subvol=home 0 0`);
      // /home/user was the nested subvolume during the install: the tarball's home/user is there, / has only the mount point.
      expect(statSync(path.join(top, "home/user/notes")).uid).toBe(1234);
      expect(readdirSync(path.join(top, "root/home"))).toEqual([]);
    } finally {
      await check.unwind();
    }
  });
});
