// What this build host offers: root, loop devices, device-mapper, partition parsers, vfat, KVM.
import { existsSync, readFileSync } from "node:fs";
import { detectAccelerator } from "./boot/accel.js";
import { deviceMapperAvailable } from "./partition/map.js";
import { run } from "./run/index.js";

/** One host capability, whether it is there, and what its absence disables. */
export interface HostCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What ksimage cannot do (or does differently) without it. */
  without: string;
  /** A missing capability that stops builds altogether. */
  required: boolean;
}

function filesystemsSupported(): string[] {
  try {
    return readFileSync("/proc/filesystems", "utf8")
      .split("\n")
      .map((l) => l.trim().split(/\s+/).pop() ?? "")
      .filter(Boolean);
  } catch {
    return [];
  }
}

async function loopWorks(): Promise<{ ok: boolean; detail: string }> {
  if (!existsSync("/dev/loop-control")) return { ok: false, detail: "/dev/loop-control is missing (no loop driver)" };
  try {
    const r = await run(["losetup", "--find"], { allowExitCodes: [1] });
    return r.exitCode === 0 ? { ok: true, detail: `next free loop device: ${r.stdout.trim()}` } : { ok: false, detail: "no free loop device" };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

/** Probe the host. Needs no root, but loop checks only mean something as root. */
export async function checkHost(): Promise<HostCheck[]> {
  const uid = process.getuid?.() ?? -1;
  const loop = await loopWorks();
  const dm = await deviceMapperAvailable();
  const fs = filesystemsSupported();
  const accel = await detectAccelerator();
  return [
    { name: "root", ok: uid === 0, detail: uid === 0 ? "running as root" : `running as uid ${uid}`, without: "build and boot tests cannot run (validate, inspect, plan and doctor work without root)", required: true },
    { name: "loop devices", ok: loop.ok, detail: loop.detail, without: "no disk image can be partitioned or mounted", required: true },
    { name: "device-mapper", ok: dm, detail: dm ? "kpartx usable; LVM volumes are activated normally" : "no device-mapper driver", without: "partitions are mapped with loop devices and partx instead of kpartx; LVM still works: lvm2 writes its metadata with --driverloaded n and each logical volume is reached through a loop device at its extents (only an LV spanning two PVs, thin pools and cache volumes are refused)", required: false },
    { name: "vfat driver", ok: fs.includes("vfat"), detail: fs.includes("vfat") ? "the kernel mounts FAT" : "the kernel cannot mount FAT", without: "nothing: EFI system partitions are filled with mtools, never mounted", required: false },
    { name: "KVM", ok: accel.accel === "kvm", detail: accel.reason, without: "boot tests run under TCG (software emulation): a Debian guest takes 30-60 s to reach login", required: false },
  ];
}
