// A real build of two disks (msdos with extended + logical partitions, gpt with xfs), read back without the builder.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { renderFstab } from "../../../src/partition/fstab.js";
import { createLogger, run, setLogger, Teardown } from "../../../src/run/index.js";
import { planKickstart, useSandbox } from "../../helpers/build-sandbox.js";
import { expectFilesystemsMatchPlan, expectTableMatchesPlan, mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";

const kickstart = (tarball: string) => `
liveimg --url=file://${tarball}
part /boot --fstype=ext4 --size=32 --label=boot --ondisk=sda
part / --fstype=ext4 --size=96 --label=root --ondisk=sda
part swap --size=8 --ondisk=sda
part /var --fstype=ext4 --size=16 --ondisk=sda
part /home --fstype=ext4 --size=16 --ondisk=sda
part /srv --fstype=ext4 --size=16 --ondisk=sda
part /opt --fstype=ext2 --size=8 --ondisk=sda
part /data --fstype=xfs --size=300 --label=data --ondisk=sdb
`;

describe("ksimage build: two disks from a root tarball", () => {
  const sandbox = useSandbox();

  it("writes both raw disks exactly as planned, with the tarball's files and the planned fstab", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    setLogger(createLogger({ file: path.join(sb.dir, "build.log") }));
    const plan = await planKickstart(sb, "twodisks", kickstart(tarball), { diskLabels: { sdb: "gpt" } });
    const [sda, sdb] = plan.layout.disks;
    expect(sda!.partitions.map((p) => p.kind)).toEqual(["primary", "primary", "primary", "extended", "logical", "logical", "logical", "logical"]);
    expect(sdb!.label).toBe("gpt");

    const result = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false });

    // Besides the disks the output stage writes descriptors, the package manifest and SHA256SUMS.
    result.outputs = result.outputs.filter((f) => f.endsWith(".raw"));
    expect(result.outputs).toEqual([path.join(sb.outdir, "twodisks", "twodisks-sda.raw"), path.join(sb.outdir, "twodisks", "twodisks-sdb.raw")]);
    expect(readdirSync(path.join(sb.outdir, "twodisks")).filter((f) => f.includes(".raw")).sort()).toEqual(["twodisks-sda.raw", "twodisks-sdb.raw"]);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]); // work directory removed
    expect(statSync(result.outputs[0]!).size).toBe(sda!.sizeBytes);
    expect(statSync(result.outputs[1]!).size).toBe(sdb!.sizeBytes);

    await expectTableMatchesPlan(result.outputs[0]!, sda!);
    await expectTableMatchesPlan(result.outputs[1]!, sdb!);
    await expectFilesystemsMatchPlan(result.outputs[0]!, sda!);
    await expectFilesystemsMatchPlan(result.outputs[1]!, sdb!);

    const check = new Teardown();
    try {
      const root = path.join(sb.dir, "check-root");
      const boot = path.join(sb.dir, "check-boot");
      await mountPartitionReadOnly(result.outputs[0]!, sda!.partitions[1]!, "ext4", root, check);
      await mountPartitionReadOnly(result.outputs[0]!, sda!.partitions[0]!, "ext4", boot, check);
      const at = (p: string) => path.join(root, p);

      expect(readFileSync(at("etc/fstab"), "utf8")).toBe(renderFstab("twodisks", plan.layout.fstab));
      expect(readFileSync(at("etc/fstab"), "utf8")).toMatch(new RegExp(`^UUID=${sdb!.partitions[0]!.filesystem!.uuid} /data xfs defaults 0 0$`, "m"));
      expect(readFileSync(at("etc/hostname"), "utf8")).toBe("from-tarball\n");
      for (const dir of ["boot", "var", "home", "srv", "opt", "data"]) expect(statSync(at(dir)).isDirectory()).toBe(true);

      const tool = statSync(at("usr/bin/tool"));
      expect({ mode: (tool.mode & 0o7777).toString(8), uid: tool.uid, nlink: tool.nlink }).toEqual({ mode: "4755", uid: 0, nlink: 2 });
      expect(statSync(at("usr/bin/tool-link")).ino).toBe(tool.ino);
      const xattrs = await run(["tar", "--xattrs", "--xattrs-include=*", "-cf", "-", "-C", root, "./etc/xattr-file"]);
      expect(xattrs.stdout).toContain("SCHILY.xattr.user.ksimage=1");

      // /boot was mounted during the install: the tarball's boot/ went into the boot partition, not into /.
      expect(readdirSync(boot)).toContain("vmlinuz-test");
      expect(readdirSync(at("boot"))).toEqual([]);
      // So did /home, on its own logical partition.
      const home = path.join(sb.dir, "check-home");
      await mountPartitionReadOnly(result.outputs[0]!, sda!.partitions.find((p) => p.mountpoint === "/home")!, "ext4", home, check);
      const notes = statSync(path.join(home, "user/notes"));
      expect({ uid: notes.uid, gid: notes.gid, mode: (notes.mode & 0o7777).toString(8) }).toEqual({ uid: 1234, gid: 1234, mode: "600" });
    } finally {
      const report = await check.unwind();
      expect(report.failures).toEqual([]);
    }
  });
});
