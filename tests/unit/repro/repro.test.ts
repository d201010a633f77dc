// Reproducible builds, the pure parts: epoch, disk identifiers, mkfs arguments, the ext rebuild, archives, SBOM ids, salts.
import { mkdtemp, readFile, readlink, rm, lstat, mkdir, writeFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { opensslPasswdArgs, reproducibleSalt } from "../../../src/installer/configure/users.js";
import { ovaTarArgs } from "../../../src/output/ova.js";
import { packCommand } from "../../../src/output/package.js";
import { qcow2ConvertArgs } from "../../../src/output/qemu-img.js";
import { assignDiskIdentifiers, diskIdentifierArgs, diskSignatureBytes, planDiskSignature, unreproducibleFilesystems, writeDiskSignature } from "../../../src/partition/identifiers.js";
import { mkfsArgs, mkfsEnv, withHashSeed } from "../../../src/partition/mkfs.js";
import type { DiskPlan, FilesystemPlan } from "../../../src/partition/types.js";
import { reproducibleDocumentIds } from "../../../src/repro/descriptors.js";
import { sourceDateEpoch } from "../../../src/repro/epoch.js";
import { keygenMechanism, KEYGEN_UNIT, removeImageIdentity } from "../../../src/repro/identity.js";
import { atOffset, copyRangeArgs, inodeTimeRequests, keptRanges, mkfsFromTreeArgs, nestedMountpoints, needsXfsTools, readOnlyTreeArgs, rebuiltMounts, specialFilesArgs, specialFilesWarning, usedInodes } from "../../../src/repro/rebuild.js";
import { clampTimesArgs, removeVolatile } from "../../../src/repro/tree.js";
import { planLayout } from "../../../src/partition/layout.js";
import { parseOk } from "../../helpers/ks.js";

const planLayoutFor = (ks: string, opts = {}) => planLayout(parseOk(ks), opts);

const fs = (more: Partial<FilesystemPlan> = {}): FilesystemPlan => ({ fstype: "ext4", uuid: "u-1", label: "root", mkfsOptions: [], fsoptions: "defaults", subvolumes: [], ...more });

describe("SOURCE_DATE_EPOCH", () => {
  it("comes from the option first, then the environment; a non-number is a usage error", () => {
    expect(sourceDateEpoch("5", { SOURCE_DATE_EPOCH: "7" })).toBe(5);
    expect(sourceDateEpoch(undefined, { SOURCE_DATE_EPOCH: "7" })).toBe(7);
    expect(sourceDateEpoch(undefined, {})).toBeUndefined();
    expect(() => sourceDateEpoch("yesterday", {})).toThrow(/--source-date-epoch must be a whole number/);
    expect(() => sourceDateEpoch(undefined, { SOURCE_DATE_EPOCH: "1.5" })).toThrow(/SOURCE_DATE_EPOCH must be/);
  });
});

describe("disk identifiers", () => {
  const disk = (label: "msdos" | "gpt"): DiskPlan => ({
    name: "sda",
    label,
    sizeBytes: 0,
    sizeSectors: 0,
    partitions: [1, 2].map((number) => ({ number, kind: "primary", startSector: 0, endSector: 0, sizeSectors: 0, sizeBytes: 0, role: "filesystem", mountpoint: null, ksName: "/", typeGuid: null, msdosType: "83", flags: [], gptName: null, filesystem: null, source: null })),
  });

  it("derives the msdos signature from the epoch and the appliance name", () => {
    const a = disk("msdos");
    assignDiskIdentifiers([a], "1700000000", "app");
    expect(a.diskId).toMatch(/^0x[0-9a-f]{8}$/);
    expect(a.diskId).toBe(planDiskSignature("1700000000", "app:disk:sda"));
    expect(a.partitions[0]!.partUuid).toBeUndefined();
    const other = disk("msdos");
    assignDiskIdentifiers([other], "1700000000", "other-app");
    expect(other.diskId).not.toBe(a.diskId);
    // No sfdisk for msdos: the signature's 4 bytes are written into the MBR directly (the build reads it back with sfdisk).
    expect(diskIdentifierArgs(a, "/o/d.raw")).toEqual([]);
  });

  it("writes an msdos signature little-endian at byte 440 of the MBR, and nothing else", async () => {
    expect([...diskSignatureBytes("0xa8cb1299")]).toEqual([0x99, 0x12, 0xcb, 0xa8]);
    expect(() => diskSignatureBytes("a8cb1299")).toThrow(/not an msdos disk signature/);
    const dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-mbr-"));
    try {
      const file = path.join(dir, "d.raw");
      await writeFile(file, Buffer.alloc(1024, 0xee));
      await writeDiskSignature({ ...disk("msdos"), diskId: "0x0a0b0c0d" }, file);
      const bytes = await readFile(file);
      expect([...bytes.subarray(440, 444)]).toEqual([0x0d, 0x0c, 0x0b, 0x0a]);
      expect(Buffer.concat([bytes.subarray(0, 440), bytes.subarray(444)]).every((b) => b === 0xee)).toBe(true);
      await writeDiskSignature({ ...disk("gpt"), diskId: "0x01020304" }, file);
      expect([...(await readFile(file)).subarray(440, 444)]).toEqual([0x0d, 0x0c, 0x0b, 0x0a]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("gives a GPT disk and each partition a GUID, the same for the same epoch and name", () => {
    const [a, b] = [disk("gpt"), disk("gpt")];
    assignDiskIdentifiers([a], "42", "app");
    assignDiskIdentifiers([b], "42", "app");
    expect(a).toEqual(b);
    expect(a.diskId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(new Set([a.diskId, ...a.partitions.map((p) => p.partUuid)]).size).toBe(3);
    expect(diskIdentifierArgs(a, "f")).toEqual([
      ["sfdisk", "--disk-id", "f", a.diskId],
      ["sfdisk", "--part-uuid", "f", "1", a.partitions[0]!.partUuid],
      ["sfdisk", "--part-uuid", "f", "2", a.partitions[1]!.partUuid],
    ]);
  });

  it("plans nothing without an epoch, and warns for btrfs (not xfs, made again by the tools tree) with one", () => {
    expect(diskIdentifierArgs(disk("gpt"), "f")).toEqual([]);
    const d = disk("msdos");
    d.partitions[0]!.filesystem = fs({ fstype: "xfs" });
    d.partitions[0]!.mountpoint = "/srv";
    expect(unreproducibleFilesystems([d])).toEqual([]);
    d.partitions[0]!.filesystem = fs({ fstype: "btrfs" });
    expect(unreproducibleFilesystems([d])).toEqual([expect.stringMatching(/the btrfs file system of \/srv \(disk sda partition 1\) is not byte-reproducible; only ext2\/3\/4, xfs, FAT and swap are/)]);
  });

  it("the layout plans identifiers and ext hash seeds only with a seed", () => {
    const ks = "part /boot --fstype=ext4 --size=64\npart / --fstype=ext4 --size=128\n";
    const plain = planLayoutFor(ks);
    expect(plain.disks[0]!.diskId).toBeUndefined();
    expect(plain.disks[0]!.partitions[1]!.filesystem!.reproducible).toBeUndefined();
    const repro = planLayoutFor(ks, { seed: "1700000000", applianceName: "app" });
    expect(repro.disks[0]!.diskId).toMatch(/^0x/);
    expect(repro.disks[0]!.partitions[1]!.filesystem!.reproducible).toEqual({ hashSeed: expect.stringMatching(/^[0-9a-f-]{36}$/), time: 1700000000 });
  });
});

describe("mkfs on the epoch's clock", () => {
  it("adds the hash seed to the -E list (mke2fs keeps only the last -E)", () => {
    expect(withHashSeed([], "S")).toEqual(["-E", "hash_seed=S"]);
    expect(withHashSeed(["-E", "lazy_itable_init=0", "-m", "1"], "S")).toEqual(["-E", "lazy_itable_init=0,hash_seed=S", "-m", "1"]);
    const r = fs({ reproducible: { hashSeed: "S", time: 99 } });
    expect(mkfsArgs(r, "/dev/x")).toEqual(["mkfs.ext4", "-F", "-q", "-U", "u-1", "-L", "root", "-E", "hash_seed=S", "/dev/x"]);
    expect(mkfsEnv(r)).toEqual({ E2FSPROGS_FAKE_TIME: "99" });
    expect(mkfsEnv(fs())).toBeUndefined();
    expect(mkfsArgs(fs({ fstype: "vfat", uuid: "ABCD-1234", label: "ESP", reproducible: { hashSeed: "S", time: 99 } }), "/dev/x")).toEqual([
      "mkfs.vfat", "-F", "32", "--invariant", "-i", "ABCD1234", "-n", "ESP", "/dev/x",
    ]);
  });

  it("rebuilds from a tree at the partition's offset (-E joins the planned list), and sets ctime and atime of every used inode", () => {
    expect(mkfsFromTreeArgs(fs({ reproducible: { hashSeed: "S", time: 9 } }), "/o/d.raw.rebuilt", "/w/tree", 1048576, 268435456)).toEqual([
      "mkfs.ext4", "-F", "-q", "-U", "u-1", "-L", "root", "-E", "hash_seed=S,offset=1048576", "-d", "/w/tree", "/o/d.raw.rebuilt", "262144k",
    ]);
    expect(mkfsFromTreeArgs(fs(), "/o/d", "/t", 512, 4096)).toEqual(["mkfs.ext4", "-F", "-q", "-U", "u-1", "-L", "root", "-E", "offset=512", "-d", "/t", "/o/d", "4k"]);
    expect(atOffset("/o/d.raw.rebuilt", 1048576)).toBe("/o/d.raw.rebuilt?offset=1048576");
    expect(readOnlyTreeArgs("/w/tree")).toEqual(["mount", "-o", "remount,bind,ro,noatime", "/w/tree"]);
    expect(specialFilesArgs("/w/tree")).toEqual(["find", "/w/tree", "-xdev", "(", "-type", "c", "-o", "-type", "b", "-o", "-type", "p", "-o", "-type", "s", ")", "-printf", "%P\\n"]);
    expect(specialFilesWarning("/", ["dev/console", "dev/null", "dev/ptmx", "dev/tty", "dev/zero"])).toMatch(/xfs file system of \/ is not made again .* holds 5 device nodes, FIFOs or sockets \(\/dev\/console, \/dev\/null, \/dev\/ptmx, \/dev\/tty, \.\.\.\)/);
    expect(usedInodes("Group 0:\n  Free inodes: 14-16, 18\nGroup 1:\n  Free inodes: 19-20\n", 20)).toEqual([2, 11, 12, 13, 17]);
    expect(inodeTimeRequests([2, 11], 5)).toBe("sif <2> ctime @5\nsif <2> atime @5\nsif <11> ctime @5\nsif <11> atime @5\n");
  });

  it("knows the mount points hidden below a file system", () => {
    const layout = { mounts: ["/", "/boot", "/boot/efi", "/var"].map((mountpoint) => ({ mountpoint, disk: "sda", partition: 1, fstype: "ext4" as const, options: [] })) };
    expect(nestedMountpoints(layout as never, "/")).toEqual(["boot", "boot/efi", "var"]);
    expect(nestedMountpoints(layout as never, "/boot")).toEqual(["efi"]);
  });

  it("copies only what lies around the rebuilt file systems into the new disk file, sparsely, at the same offsets", () => {
    expect(keptRanges(100, [{ start: 60, length: 30 }, { start: 10, length: 40 }])).toEqual([
      { start: 0, length: 10 }, { start: 50, length: 10 }, { start: 90, length: 10 },
    ]);
    expect(keptRanges(100, [{ start: 0, length: 50 }, { start: 50, length: 50 }])).toEqual([]);
    expect(keptRanges(100, [])).toEqual([{ start: 0, length: 100 }]);
    expect(copyRangeArgs("/o/d.raw", "/o/d.raw.rebuilt", { start: 512, length: 1048064 })).toEqual([
      "dd", "if=/o/d.raw", "of=/o/d.raw.rebuilt", "bs=1M", "skip=512", "seek=512", "count=1048064", "iflag=skip_bytes,count_bytes", "oflag=seek_bytes", "conv=notrunc,sparse", "status=none",
    ]);
  });

  it("rebuilds only the ext and xfs file systems of a reproducible plan that sit on a partition and have no build mount options", () => {
    const part = (number: number, fstype: string, reproducible?: object) => ({ number, startSector: 2048 * number, sizeBytes: 1048576, filesystem: { fstype, ...(reproducible ? { reproducible } : {}) } });
    const r = { hashSeed: "S", time: 1 };
    const layout = {
      disks: [{ name: "sda", partitions: [part(1, "ext4", r), part(2, "xfs", r), part(3, "ext4", r), part(4, "ext4"), part(5, "btrfs", r)] }],
      mounts: [
        { mountpoint: "/boot", disk: "sda", partition: 1, fstype: "ext4", options: [] },
        { mountpoint: "/", disk: "sda", partition: 2, fstype: "xfs", options: [] },
        { mountpoint: "/var", disk: "sda", partition: 3, fstype: "ext4", options: ["noatime"] },
        { mountpoint: "/srv", disk: "sda", partition: 4, fstype: "ext4", options: [] },
        { mountpoint: "/data", disk: "sda", partition: 5, fstype: "btrfs", options: [] },
      ],
    };
    expect(rebuiltMounts(layout as never).map((m) => [m.mount.mountpoint, m.range])).toEqual([
      ["/boot", { start: 1048576, length: 1048576 }],
      ["/", { start: 2097152, length: 1048576 }],
    ]);
    expect(needsXfsTools(layout as never)).toBe(true);
    expect(needsXfsTools({ ...layout, mounts: layout.mounts.filter((m) => m.fstype !== "xfs") } as never)).toBe(false);
  });

  it("clamps only times newer than the epoch, per file system of the image", () => {
    expect(clampTimesArgs("/r", ["/", "/boot"], 7, ["ext4", "vfat", "ext4"])).toEqual([
      "find", "/r", "/r/boot", "-xdev", "(", "-fstype", "ext4", "-o", "-fstype", "vfat", ")", "-newermt", "@7", "-exec", "touch", "-h", "-d", "@7", "{}", "+",
    ]);
  });
});

describe("outputs on the epoch's clock", () => {
  it("tar archives: fixed times, sorted, numeric owners; zip without extra attributes", () => {
    expect(ovaTarArgs("o.ova", "s", [{ name: "a.ovf", bytes: 1 }], 9)).toContain("--mtime=@9");
    expect(ovaTarArgs("o.ova", "s", [{ name: "a.ovf", bytes: 1 }])).not.toContain("--mtime=@9");
    const tar = packCommand("tar.gz", "/o/a.tar.gz", "/o", "a", ["b", "a"], 9).argv;
    expect(tar).toEqual(expect.arrayContaining(["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@9", "--clamp-mtime"]));
    expect(packCommand("zip", "/o/a.zip", "/o", "a", ["b", "a"], 9).argv).toEqual(["zip", "-r", "-q", "-X", "/o/a.zip", "--", "a/a", "a/b"]);
  });

  it("compressed qcow2 is written in order", () => {
    expect(qcow2ConvertArgs("a", "b", "zstd")).toContain("-W");
    expect(qcow2ConvertArgs("a", "b", "zstd", true)).not.toContain("-W");
  });

  it("the SBOM's time and UUID follow the epoch and the package list", () => {
    const m = { manager: "dpkg" as const, os: null, packages: [] };
    const a = reproducibleDocumentIds(1700000000, "app", m);
    expect(a).toEqual(reproducibleDocumentIds(1700000000, "app", m));
    expect(a.now.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(reproducibleDocumentIds(1700000000, "app", { ...m, packages: [{ name: "x", epoch: null, version: "1", release: null, arch: "all", source: null, license: null }] }).uuid).not.toBe(a.uuid);
  });

  it("password salts come from the epoch and the account, never the password", () => {
    expect(reproducibleSalt({}, "rootpw")).toBeUndefined();
    const s = reproducibleSalt({ SOURCE_DATE_EPOCH: "1" }, "rootpw")!;
    expect(s).toMatch(/^[A-Za-z0-9./]{16}$/);
    expect(reproducibleSalt({ SOURCE_DATE_EPOCH: "1" }, "user admin")).not.toBe(s);
    expect(opensslPasswdArgs(s)).toEqual(["openssl", "passwd", "-6", "-salt", s, "-stdin"]);
  });
});

describe("the tree: identity and volatile files", () => {
  let dir = "";
  afterEach(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });
  const put = async (file: string, text = "x"): Promise<void> => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };

  it("removes SSH host keys, empties machine-id, links D-Bus's, and adds the keygen unit on a Debian-like tree", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-repro-"));
    for (const f of ["etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_rsa_key.pub", "etc/ssh/ssh_host_ed25519_key", "etc/ssh/sshd_config", "etc/machine-id", "var/lib/dbus/machine-id", "usr/sbin/sshd", "usr/bin/ssh-keygen"]) await put(f, "id\n");
    const r = await removeImageIdentity(dir);
    expect(r).toEqual({ removedKeys: ["/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_rsa_key.pub"].sort(), machineId: "emptied", keygen: "ksimage unit" });
    expect((await readdir(path.join(dir, "etc/ssh"))).sort()).toEqual(["sshd_config"]);
    expect(await readFile(path.join(dir, "etc/machine-id"), "utf8")).toBe("");
    expect(await readlink(path.join(dir, "var/lib/dbus/machine-id"))).toBe("/etc/machine-id");
    const unit = await readFile(path.join(dir, "etc/systemd/system", KEYGEN_UNIT), "utf8");
    expect(unit).toContain("ExecStart=/usr/bin/ssh-keygen -A");
    expect(unit).toContain("ConditionPathExistsGlob=!/etc/ssh/ssh_host_*_key");
    expect(await readlink(path.join(dir, "etc/systemd/system/multi-user.target.wants", KEYGEN_UNIT))).toBe(`/etc/systemd/system/${KEYGEN_UNIT}`);
  });

  it("leaves key generation to a Fedora guest's own sshd-keygen", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-repro-"));
    await put("usr/lib/systemd/system/sshd-keygen@.service");
    await put("usr/sbin/sshd");
    expect(keygenMechanism(dir)).toBe("guest");
    await removeImageIdentity(dir);
    expect(await lstat(path.join(dir, "etc/systemd/system", KEYGEN_UNIT)).catch(() => null)).toBeNull();
  });

  it("removes logs, caches and the random seed but keeps their directories", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-repro-"));
    for (const f of ["var/log/dpkg.log", "var/log/apt/history.log", "var/cache/ldconfig/aux-cache", "var/lib/systemd/random-seed", "var/cache/apt/pkgcache.bin", "etc/keep"]) await put(f);
    expect((await removeVolatile(dir)).sort()).toEqual(["var/cache/apt/pkgcache.bin", "var/cache/ldconfig/aux-cache", "var/lib/systemd/random-seed", "var/log/apt/history.log", "var/log/dpkg.log"]);
    expect((await lstat(path.join(dir, "var/log/apt"))).isDirectory()).toBe(true);
    expect(await readFile(path.join(dir, "etc/keep"), "utf8")).toBe("x");
  });
});
