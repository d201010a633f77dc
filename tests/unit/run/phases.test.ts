// The profile by phase: which commands name a phase, how overlapping commands count, and the runner's report of real runs.
import { afterEach, describe, expect, it } from "vitest";
import { biggestPhases, PhaseRecorder, run, setPhaseRecorder } from "../../../src/run/index.js";
import { commandPhase, innerCommand, unionMs } from "../../../src/run/phases.js";
import { guestArgs } from "../../../src/installer/guest/session.js";
import { biggestPhasesLine } from "../../../bench/measure.js";

afterEach(() => setPhaseRecorder(undefined));

describe("commandPhase", () => {
  it("names mkfs, grub, qemu-img convert and sha256sum, on the host or in the guest", () => {
    expect(commandPhase(["mkfs.ext4", "-F", "-q", "/dev/loop0p2"])).toBe("mkfs");
    expect(commandPhase(["mkfs.vfat", "-F", "32", "/dev/loop0p1"])).toBe("mkfs");
    expect(commandPhase(["/usr/sbin/mkswap", "/dev/loop0p3"])).toBe("mkfs");
    expect(commandPhase(guestArgs("/var/tmp/w/root", ["grub-install", "--target=i386-pc", "/dev/loop0"]))).toBe("grub");
    expect(commandPhase(guestArgs("/var/tmp/w/root", ["grub2-mkconfig", "-o", "/boot/grub2/grub.cfg"]))).toBe("grub");
    expect(commandPhase(["grub-mkimage", "-O", "x86_64-efi"])).toBe("grub");
    expect(commandPhase(["qemu-img", "convert", "-O", "qcow2", "a.raw", "a.qcow2"])).toBe("conversion");
    expect(commandPhase(["sha256sum", "--binary", "a.qcow2"])).toBe("checksums");
    expect(commandPhase(["openssl", "dgst", "-sha256", "-r", "--", "a.qcow2"])).toBe("checksums");
    expect(commandPhase(["mksquashfs", "root", "live.squashfs"])).toBe("squashfs");
    expect(commandPhase(["xorriso", "-as", "mkisofs"])).toBe("iso");
  });

  it("names no phase for the other commands (a qemu-img info, grub-mkpasswd, a shell in the guest)", () => {
    expect(commandPhase(["qemu-img", "info", "a.qcow2"])).toBeNull();
    expect(commandPhase(["grub-mkpasswd-pbkdf2"])).toBeNull();
    expect(commandPhase(guestArgs("/r", ["/bin/sh", "-c", "mkfs.ext4 x"]))).toBeNull();
    expect(commandPhase(["mmdebstrap", "--mode=root"])).toBeNull();
  });

  it("takes env -i VAR=... and chroot ROOT off the argv", () => {
    expect(innerCommand(["env", "-i", "PATH=/bin", "A=b", "chroot", "/r", "grub-install", "/dev/loop0"])).toEqual(["grub-install", "/dev/loop0"]);
    expect(innerCommand(["env", "-i"])).toEqual([]);
  });
});

describe("PhaseRecorder", () => {
  it("counts overlapping commands of one phase once, as wall time, and keeps each step's phases apart", () => {
    const r = new PhaseRecorder();
    r.step = "convert";
    r.addSpan("checksums", 1000, 3000);
    r.addSpan("checksums", 2000, 4000);
    r.addSpan("checksums", 5000, 5500);
    r.step = "install";
    r.add("install: download", 1.25);
    r.add("install: download", 0.25);
    expect(r.list()).toEqual([
      { phase: "checksums", step: "convert", seconds: 3.5 },
      { phase: "install: download", step: "install", seconds: 1.5 },
    ]);
  });

  it("unionMs merges nested, touching and separate spans", () => {
    expect(unionMs([])).toBe(0);
    expect(unionMs([[0, 10], [2, 3], [10, 12], [20, 21]])).toBe(13);
  });

  it("biggestPhases gives the longest first", () => {
    const phases = [1, 5, 3, 4].map((s, i) => ({ phase: `p${i}`, step: "s", seconds: s }));
    expect(biggestPhases(phases, 3).map((p) => p.phase)).toEqual(["p1", "p3", "p2"]);
    expect(biggestPhasesLine("cold build", phases)).toBe("cold build: the three biggest phases: p1 5.0 s (s), p3 4.0 s (s), p2 3.0 s (s)");
    expect(biggestPhasesLine("warm build", undefined)).toBe("warm build: the three biggest phases: none reported");
  });
});

describe("the runner's report", () => {
  it("puts the wall time of each real command into its phase, or the phase its caller names", async () => {
    const r = new PhaseRecorder();
    setPhaseRecorder(r);
    r.step = "convert and describe";
    await run(["openssl", "dgst", "-sha256", "-r", "--", "/dev/null"]);
    await run(["sh", "-c", "sleep 0.3"], { phase: "tree cache: store" });
    await run(["true"]);
    const list = r.list();
    expect(list.map((p) => p.phase)).toEqual(["checksums", "tree cache: store"]);
    expect(list[1]!.seconds).toBeGreaterThanOrEqual(0.29);
    expect(list[1]!.step).toBe("convert and describe");
  });

  it("records nothing without a recorder (outside a build)", async () => {
    const r = new PhaseRecorder();
    await run(["sha256sum", "/dev/null"]);
    expect(r.list()).toEqual([]);
  });
});
