// SOURCE_DATE_EPOCH: two liveimg builds of one kickstart give the same raw and qcow2 bytes (msdos and GPT; ext4, xfs and
// FAT); no image keeps SSH host keys.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { run } from "../../../src/run/index.js";
import { diffImages } from "../../../src/diff/index.js";
import { readExtTree } from "../../../src/diff/ext.js";
import { parseKickstart } from "../../../src/kickstart/parser.js";
import { buildPlan } from "../../../src/plan.js";
import { planKickstart, useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { TEST_ROOT, writeTestRootTarball } from "../../helpers/root-tarball.js";

const EPOCH = "1700000000";

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

// A root with what an installed system would carry of its own: SSH host keys and a machine ID.
function writeRoot(file: string): void {
  writeTestRootTarball(file, [
    ...TEST_ROOT,
    { path: "etc/ssh", type: "dir", mode: 0o755 },
    { path: "etc/ssh/ssh_host_ed25519_key", type: "file", mode: 0o600, content: "PRIVATE\n" },
    { path: "etc/ssh/ssh_host_ed25519_key.pub", type: "file", mode: 0o644, content: "ssh-ed25519 AAAA\n" },
    { path: "etc/machine-id", type: "file", mode: 0o444, content: "0123456789abcdef0123456789abcdef\n" },
    { path: "var", type: "dir", mode: 0o755 },
    { path: "var/log", type: "dir", mode: 0o755 },
    { path: "var/log/install.log", type: "file", mode: 0o644, content: "installed at some time\n" },
  ]);
}

// Run FN with SOURCE_DATE_EPOCH set to EPOCH (left as it is when undefined), restoring it afterwards.
async function withEpoch<T>(epoch: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.SOURCE_DATE_EPOCH;
  if (epoch) process.env.SOURCE_DATE_EPOCH = epoch;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
}

// Build KS twice into the same output directory (the descriptors name it), keeping the first build's files aside.
async function buildTwice(sb: Sandbox, name: string, ks: string, epoch: string | undefined, compress: "none" | "default" = "none"): Promise<{ first: string; second: string; plan: Awaited<ReturnType<typeof planKickstart>>; phases: string[] }> {
  const formats: ("raw" | "qcow2")[] = compress === "none" ? ["raw", "qcow2"] : ["qcow2"];
  const plan = await planKickstart(sb, name, ks, { ...(epoch ? { seed: epoch } : {}), output: { formats, compress } });
  return withEpoch(epoch, async () => {
    await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false });
    const first = path.join(sb.dir, `${name}-first`);
    await rename(plan.applianceDir, first);
    const { phases } = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false });
    return { first, second: plan.applianceDir, plan, phases: phases.map((p) => p.phase) };
  });
}

describe("reproducible builds (SOURCE_DATE_EPOCH)", () => {
  const sandbox = useSandbox();

  it("msdos, ext4 /boot and /: identical raw, qcow2, SBOM and SHA256SUMS; no keys, an empty machine-id, no logs", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeRoot(tarball);
    const ks = `liveimg --url=file://${tarball}\npart /boot --fstype=ext4 --size=64\npart / --fstype=ext4 --size=128\nbootloader --location=none\n`;
    const { first, second, plan } = await buildTwice(sb, "repro-msdos", ks, EPOCH);
    expect(plan.epoch).toBe(Number(EPOCH));
    for (const f of ["repro-msdos-sda.raw", "repro-msdos-sda.qcow2", "repro-msdos.spdx.json", "SHA256SUMS"]) {
      expect({ f, sha: await sha256(path.join(second, f)) }).toEqual({ f, sha: await sha256(path.join(first, f)) });
    }
    const report = await diffImages(path.join(first, "repro-msdos-sda.raw"), path.join(second, "repro-msdos-sda.raw"));
    expect(report.identical).toBe(true);

    const root = plan.layout.disks[0]!.partitions[1]!;
    const tree = await readExtTree(path.join(second, "repro-msdos-sda.raw"), root.startSector * 512);
    const paths = new Map(tree.map((e) => [e.path, e]));
    expect([...paths.keys()].filter((p) => p.startsWith("/etc/ssh/ssh_host_"))).toEqual([]);
    expect(paths.get("/etc/machine-id")?.size).toBe(0);
    expect(paths.has("/var/log/install.log")).toBe(false);
    expect(paths.get("/var/log")?.type).toBe("dir");
  });

  it("the default zstd qcow2 (converted out of order, then put in guest order): identical, and no out-of-order file is left", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeRoot(tarball);
    const ks = `liveimg --url=file://${tarball}\npart /boot --fstype=ext4 --size=64\npart / --fstype=ext4 --size=128\nbootloader --location=none\n`;
    const { first, second, phases } = await buildTwice(sb, "repro-zstd", ks, EPOCH, "default");
    expect(phases).toContain("qcow2 order");
    const qcow2 = "repro-zstd-sda.qcow2";
    expect(await sha256(path.join(second, qcow2))).toBe(await sha256(path.join(first, qcow2)));
    expect((await run(["qemu-img", "info", "--output=json", path.join(second, qcow2)])).stdout).toMatch(/"compression-type": "zstd"/);
    expect((await run(["find", sb.dir, "-name", "*.unordered"])).stdout).toBe("");
  });

  it("GPT with biosboot and an ESP: identical raw and qcow2, planned disk and partition GUIDs", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeRoot(tarball);
    const ks = `liveimg --url=file://${tarball}\npart biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=64 --label=ESP\npart / --fstype=ext4 --size=128\nbootloader --location=none\n`;
    const { first, second, plan } = await buildTwice(sb, "repro-gpt", ks, EPOCH);
    for (const f of ["repro-gpt-sda.raw", "repro-gpt-sda.qcow2"]) expect(await sha256(path.join(second, f))).toBe(await sha256(path.join(first, f)));
    const report = await diffImages(path.join(first, "repro-gpt-sda.raw"), path.join(second, "repro-gpt-sda.raw"));
    expect(report.identical).toBe(true);
    const disk = plan.layout.disks[0]!;
    expect(disk.diskId).toMatch(/^[0-9A-F-]{36}$/);
    expect(disk.partitions.every((p) => /^[0-9A-F-]{36}$/.test(p.partUuid ?? ""))).toBe(true);
  });

  // xfs is made again from its tree by the tools tree's mkfs.xfs (fetched from the Debian archive on first use).
  it.each([
    ["msdos", "repro-xfs", "part /boot --fstype=ext4 --size=64\npart / --fstype=xfs --size=300\n", 1],
    ["gpt", "repro-xfs-gpt", "part biosboot --fstype=biosboot --size=1\npart /boot/efi --fstype=efi --size=64\npart / --fstype=xfs --size=300 --label=root\n", 2],
  ] as const)("%s with an xfs /: identical raw and qcow2, and the tree inside is the installed one", async (_label, name, parts, rootIndex) => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeRoot(tarball);
    const ks = `liveimg --url=file://${tarball}\n${parts}bootloader --location=none\n`;
    const { first, second, plan, phases } = await buildTwice(sb, name, ks, EPOCH);
    expect(plan.layout.warnings.join("\n")).not.toMatch(/not byte-reproducible/);
    expect(phases).toContain("rebuild xfs");
    for (const f of [`${name}-sda.raw`, `${name}-sda.qcow2`]) expect({ f, sha: await sha256(path.join(second, f)) }).toEqual({ f, sha: await sha256(path.join(first, f)) });
    expect((await diffImages(path.join(first, `${name}-sda.raw`), path.join(second, `${name}-sda.raw`))).identical).toBe(true);

    // Read the xfs back through the host's kernel: what the tarball held, on the epoch's clock, no identity.
    const root = plan.layout.disks[0]!.partitions[rootIndex]!;
    expect(root.filesystem!.fstype).toBe("xfs");
    const mnt = path.join(sb.dir, "mnt");
    await run(["mkdir", "-p", mnt]);
    await run(["mount", "-o", `ro,loop,offset=${root.startSector * 512},sizelimit=${root.sizeBytes}`, "-t", "xfs", path.join(second, `${name}-sda.raw`), mnt]);
    try {
      const blkid = (await run(["findmnt", "-n", "-o", "SOURCE", mnt])).stdout.trim();
      expect((await run(["blkid", "-o", "value", "-s", "UUID", blkid])).stdout.trim()).toBe(root.filesystem!.uuid);
      const stat = (await run(["stat", "-c", "%n %s %Y %Z %X", path.join(mnt, "etc/machine-id"), path.join(mnt, "etc/hostname")])).stdout.trim().split("\n");
      expect(stat[0]).toBe(`${path.join(mnt, "etc/machine-id")} 0 ${EPOCH} ${EPOCH} ${EPOCH}`);
      const [, , mtime, ctime] = stat[1]!.split(" ");
      expect(Number(mtime)).toBeLessThanOrEqual(Number(EPOCH));
      expect(ctime).toBe(EPOCH);
      expect((await run(["find", path.join(mnt, "etc/ssh"), "-name", "ssh_host_*"])).stdout).toBe("");
      expect((await run(["find", path.join(mnt, "var/log"), "-type", "f"])).stdout).toBe("");
      expect((await run(["find", mnt, "-xdev", "-newermt", `@${EPOCH}`])).stdout).toBe("");
      // Owners, modes and hard links as the tarball had them.
      const tool = (await run(["stat", "-c", "%a %h %i", path.join(mnt, "usr/bin/tool"), path.join(mnt, "usr/bin/tool-link")])).stdout.trim().split("\n");
      expect(tool[0]).toBe(tool[1]);
      expect(tool[0]).toMatch(/^4755 2 \d+$/);
      expect((await run(["stat", "-c", "%u:%g %a", path.join(mnt, "home/user/notes")])).stdout.trim()).toBe("1234:1234 600");
    } finally {
      await run(["umount", mnt]);
    }
  });

  it("an xfs whose tree holds a FIFO keeps the bytes the build wrote (the FIFO with them), with a warning", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball, [...TEST_ROOT, { path: "run-fifo", type: "fifo", mode: 0o600 }]);
    const ks = `liveimg --url=file://${tarball}\npart /boot --fstype=ext4 --size=64\npart / --fstype=xfs --size=300\nbootloader --location=none\n`;
    const plan = await planKickstart(sb, "repro-fifo", ks, { seed: EPOCH, output: { formats: ["raw"], compress: "none" } });
    await withEpoch(EPOCH, async () => {
      const result = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false });
      expect(result.warnings.join("\n")).toMatch(/the xfs file system of \/ is not made again from its tree, so it is not byte-reproducible: it holds 1 device nodes, FIFOs or sockets \(\/run-fifo\)/);
      expect(result.phases.map((p) => p.phase)).not.toContain("rebuild xfs");
      // The FIFO is in the image, as the build wrote it.
      const root = plan.layout.disks[0]!.partitions[1]!;
      const mnt = path.join(sb.dir, "mnt");
      await run(["mkdir", "-p", mnt]);
      await run(["mount", "-o", `ro,loop,offset=${root.startSector * 512},sizelimit=${root.sizeBytes}`, "-t", "xfs", path.join(plan.applianceDir, "repro-fifo-sda.raw"), mnt]);
      try {
        expect((await run(["stat", "-c", "%F", path.join(mnt, "run-fifo")])).stdout.trim()).toBe("fifo");
      } finally {
        await run(["umount", mnt]);
      }
    });
  });

  it("the same kickstart from another directory, under another file name, gives the same disk (its network line is named by number in the image)", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    // systemd-networkd in the tree: the network line is written as a .network file.
    writeTestRootTarball(tarball, [...TEST_ROOT, { path: "usr/lib", type: "dir", mode: 0o755 }, { path: "usr/lib/systemd", type: "dir", mode: 0o755 }, { path: "usr/lib/systemd/systemd-networkd", type: "file", mode: 0o755, content: "#!/bin/sh\n" }]);
    const ks = `liveimg --url=file://${tarball}\nnetwork --bootproto=dhcp --device=link\npart / --fstype=ext4 --size=128\nbootloader --location=none\n`;
    const output = { formats: ["raw" as const], compress: "none" as const };
    const here = await planKickstart(sb, "repro-where", ks, { seed: EPOCH, output });
    const copy = path.join(sb.dir, "elsewhere", "deeper", "a-copy-of-it.ks");
    await mkdir(path.dirname(copy), { recursive: true });
    await writeFile(copy, ks);
    const parsed = parseKickstart(copy);
    const there = buildPlan(parsed.ks!, { outdir: sb.outdir, name: "repro-where", seed: EPOCH, output });
    await withEpoch(EPOCH, async () => {
      await buildAppliance(here, { tmpdir: sb.dir, handleSignals: false });
      const first = path.join(sb.dir, "repro-where-first");
      await rename(here.applianceDir, first);
      await buildAppliance(there, { tmpdir: sb.dir, handleSignals: false });
      const raw = (dir: string) => path.join(dir, "repro-where-sda.raw");
      const offset = here.layout.disks[0]!.partitions[0]!.startSector * 512;
      const network = await run(["debugfs", "-R", "cat /etc/systemd/network/10-ksimage-ksimage-link.network", `${raw(first)}?offset=${offset}`]);
      expect(network.stdout.split("\n")[0]).toBe("# Written by ksimage from the kickstart's network line (line 2).");
      expect(network.stdout).not.toContain(sb.dir);
      expect(await sha256(raw(there.applianceDir))).toBe(await sha256(raw(first)));
    });
  });

  it("without SOURCE_DATE_EPOCH the builds differ, and still carry no SSH host keys and an empty machine-id", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeRoot(tarball);
    const ks = `liveimg --url=file://${tarball}\npart / --fstype=ext4 --size=128\nbootloader --location=none\n`;
    const { first, second, plan } = await buildTwice(sb, "plain", ks, undefined);
    expect(plan.epoch).toBeNull();
    const report = await diffImages(path.join(first, "plain-sda.raw"), path.join(second, "plain-sda.raw"));
    expect(report.identical).toBe(false);
    expect(report.table.join("\n")).toMatch(/disk identifier/);
    for (const dir of [first, second]) {
      const tree = await readExtTree(path.join(dir, "plain-sda.raw"), plan.layout.disks[0]!.partitions[0]!.startSector * 512);
      expect(tree.filter((e) => e.path.startsWith("/etc/ssh/ssh_host_"))).toEqual([]);
      expect(tree.find((e) => e.path === "/etc/machine-id")?.size).toBe(0);
    }
  });
});
