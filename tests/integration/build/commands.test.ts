// A dry run of the whole build records, in order, every command it would run (what `ksimage plan --commands` shows).
import path from "node:path";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { recordCommands } from "../../../src/run/index.js";
import { planKickstart, useSandbox } from "../../helpers/build-sandbox.js";

describe("ksimage build: dry run", () => {
  const sandbox = useSandbox();

  it("records parted, losetup, partx, mkfs, mount and tar in pipeline order and touches nothing", async () => {
    const sb = sandbox();
    const plan = await planKickstart(sb, "dry", "liveimg --url=file:///srv/root.tar.zst\npart /boot --fstype=ext4 --size=32 --label=boot\npart / --fstype=xfs --size=300\n");
    const { commands } = await recordCommands(() => buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false }));
    const partial = path.join(sb.outdir, "dry", "dry-sda.raw.partial");
    const [boot, root] = plan.layout.disks[0]!.partitions;
    const workRoot = path.join(sb.dir, "ksimage-XXXXXX", "root");

    // sfdisk --part-type appears only where parted has no `type` command (parted < 3.6).
    // The disk half, in order (the boot loader, fstrim and conversions follow).
    expect(commands.filter((c) => c.argv[0] !== "sfdisk").map((c) => c.line).slice(0, 8)).toEqual([
      `parted -s -a none ${partial} -- unit s mklabel msdos mkpart primary 2048 67583 mkpart primary 67584 681983 set 1 boot on`,
      `losetup --find --show --partscan ${partial}`,
      "partx -a '${LOOP_SDA}'",
      `mkfs.ext4 -F -q -U ${boot!.filesystem!.uuid} -L boot '\${LOOP_SDA}p1'`,
      `mkfs.xfs -f -q -m uuid=${root!.filesystem!.uuid} '\${LOOP_SDA}p2'`,
      `mount -t xfs '\${LOOP_SDA}p2' ${workRoot}`,
      `mount -t ext4 -o barrier=0 '\${LOOP_SDA}p1' ${workRoot}/boot`,
      `tar --zstd --xattrs '--xattrs-include=*' --acls --numeric-owner --same-owner -xpf /srv/root.tar.zst -C ${workRoot}`,
    ]);
    expect(existsSync(sb.outdir)).toBe(false);
  });
});
