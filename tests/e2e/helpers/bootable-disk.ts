// For boot tests: a real Debian root tarball (mmdebstrap, once per file) and a disk built from it with the partition modules.
import { existsSync, readdirSync } from "node:fs";
import { chmod, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { installLiveimg } from "../../../src/installer/liveimg.js";
import { createDiskFile } from "../../../src/partition/disk-files.js";
import { writeFstab } from "../../../src/partition/fstab.js";
import { mapPartitions, type MappedDisk } from "../../../src/partition/map.js";
import { makeFilesystems } from "../../../src/partition/mkfs.js";
import { mountTargets } from "../../../src/partition/mount.js";
import { partitionDisk } from "../../../src/partition/parted.js";
import type { BuildPlan } from "../../../src/plan.js";
import { run, Teardown } from "../../../src/run/index.js";

/** Packages of the test guest: a kernel, systemd, and GRUB's tools and modules for both firmwares (HOST-NOTES step 3). */
export const GUEST_PACKAGES = [
  "linux-image-amd64", "systemd-sysv", "udev", "initramfs-tools", "kmod", "zstd", "e2fsprogs",
  "grub2-common", "grub-pc-bin", "grub-efi-amd64-bin",
];

/** The host's apt sources, read at run time (never a mirror name written into the repo). */
export function hostAptSources(): string[] {
  const dir = "/etc/apt/sources.list.d";
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sources") || f.endsWith(".list")).map((f) => path.join(dir, f)) : [];
  if (existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
  if (files.length === 0) throw new Error("no apt sources on this host (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list)");
  return files;
}

// The host's Acquire::Check-Valid-Until, copied only when it sets one (a snapshot mirror needs "false").
async function hostAptOptions(): Promise<string[]> {
  const { stdout } = await run(["apt-config", "shell", "V", "Acquire::Check-Valid-Until"]);
  const m = /^V='(.*)'$/m.exec(stdout);
  return m ? [`--aptopt=Acquire::Check-Valid-Until "${m[1]}"`] : [];
}

/**
 * mmdebstrap bookworm minbase + GUEST_PACKAGES into TARBALL (about 1-3 min). FSTYPE=ext4 is set for
 * initramfs-tools, whose fsck hook cannot probe the root inside mmdebstrap's private /dev (HOST-NOTES pitfall 7).
 */
export async function buildDebianRootTarball(tarball: string, workdir: string): Promise<void> {
  await mkdir(workdir, { recursive: true });
  // _apt downloads into the work directory: it must be able to reach it (HOST-NOTES pitfall 6).
  await chmod(workdir, 0o755);
  await run(
    [
      "mmdebstrap",
      "--variant=minbase",
      ...(await hostAptOptions()),
      "--dpkgopt=force-unsafe-io",
      `--include=${GUEST_PACKAGES.join(",")}`,
      '--essential-hook=mkdir -p "$1/etc/initramfs-tools/conf.d"; echo FSTYPE=ext4 > "$1/etc/initramfs-tools/conf.d/fstype"',
      "bookworm",
      tarball,
      ...hostAptSources(),
    ],
    { env: { TMPDIR: workdir }, reason: "install the test guest once for all boot tests" },
  );
}

/** A disk being built: its raw file, its mapped devices, the mounted root, and the stack that releases them. */
export interface DiskUnderConstruction {
  file: string;
  root: string;
  mapped: MappedDisk;
  /** Mounts and loop devices; unwind it to finish the disk. */
  devices: Teardown;
}

/**
 * Partition, map, format and mount the plan's first disk under DIR, unpack TARBALL into it and write fstab.
 * Every acquisition goes on a stack that TEARDOWN (the test's) unwinds too, registered before acting.
 */
export async function prepareDisk(plan: BuildPlan, tarball: string, dir: string, teardown: Teardown): Promise<DiskUnderConstruction> {
  const disk = plan.layout.disks[0]!;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${plan.name}-${disk.name}.raw`);
  await createDiskFile(disk, file, teardown);
  const devices = new Teardown();
  teardown.defer(`release the devices of ${file}`, async () => void (await devices.unwind()));
  await partitionDisk(disk, file);
  const mapped = await mapPartitions(disk, file, devices);
  await makeFilesystems(plan.layout, { [disk.name]: mapped }, dir, devices);
  const root = path.join(dir, "root");
  await mkdir(root, { recursive: true, mode: 0o755 });
  await mountTargets(plan.layout, { [disk.name]: mapped }, root, devices);
  await installLiveimg({ kind: "liveimg", url: `file://${tarball}`, path: tarball, format: "tar", line: 0 }, root, dir, devices);
  await writeFstab(plan.layout, plan.name, root);
  return { file, root, mapped, devices };
}

/** Remove files from the unpacked guest (to make it lack a tool, e.g. grub-mkconfig). */
export async function removeFromGuest(root: string, files: readonly string[]): Promise<void> {
  for (const f of files) await rm(path.join(root, f));
}
