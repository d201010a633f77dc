// The phases inside an install, from real mmdebstrap output (a captured cold build) and from dnf's lines.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dnfLinePhase, mmdebstrapLinePhase, PhaseClock, phasesOfLines } from "../../../src/installer/phases.js";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/mmdebstrap-cold.tsv");
/** The captured lines: arrival time (ms since the first line) and text. */
const captured = readFileSync(fixture, "utf8")
  .split("\n")
  .filter((l) => l !== "" && !l.startsWith("#"))
  .map((l) => {
    const [t = "", , ...text] = l.split("\t");
    return { at: Math.round(Number(t) * 1000), line: text.join("\t") };
  });
const end = captured[captured.length - 1]!.at;

/** The arrival time of the first line matching RE at or after FROM. */
const timeOf = (re: RegExp, from = 0): number => captured.find((l) => l.at >= from && re.test(l.line))!.at;

describe("mmdebstrapLinePhase", () => {
  it("names the line that starts each phase, and continues the phase on the others", () => {
    expect(mmdebstrapLinePhase("I: running apt-get update...")).toBe("metadata");
    expect(mmdebstrapLinePhase("Get:1 http://mirror.invalid/debian bookworm InRelease [151 kB]")).toBe("metadata");
    expect(mmdebstrapLinePhase("Get:4 http://mirror.invalid/debian bookworm/main amd64 Packages [8790 kB]")).toBe("metadata");
    expect(mmdebstrapLinePhase("Get:12 http://mirror.invalid/debian bookworm/main amd64 libc6 amd64 2.36-9 [2757 kB]")).toBe("download");
    expect(mmdebstrapLinePhase("I: extracting archives...")).toBe("unpack");
    expect(mmdebstrapLinePhase("Unpacking systemd (252.39-1~deb12u2) ...")).toBe("unpack");
    expect(mmdebstrapLinePhase("Setting up udev (252.39-1~deb12u2) ...")).toBe("configure");
    expect(mmdebstrapLinePhase("Processing triggers for man-db (2.11.2-2) ...")).toBe("triggers (man-db)");
    expect(mmdebstrapLinePhase("Processing triggers for libc-bin (2.36-9+deb12u14) ...")).toBe("triggers (libc-bin)");
    expect(mmdebstrapLinePhase("update-initramfs: Generating /boot/initrd.img-6.1.0-57-amd64")).toBe("initramfs");
    expect(mmdebstrapLinePhase("I: cleaning package lists and apt cache...")).toBe("other");
    expect(mmdebstrapLinePhase("Created symlink /etc/systemd/system/sshd.service → /lib/systemd/system/ssh.service.")).toBeNull();
    expect(mmdebstrapLinePhase("W: No zstd in /usr/bin:/sbin:/bin, using gzip")).toBeNull();
  });
});

describe("the phases of a captured cold Debian install", () => {
  const phases = phasesOfLines(mmdebstrapLinePhase, captured, 0, end);
  const get = (name: string): number => phases.find((p) => p.phase === `install: ${name}`)?.seconds ?? -1;

  it("has metadata, download, unpack, configure, the libc-bin trigger and the initramfs, and nothing negative", () => {
    expect(phases.map((p) => p.phase)).toEqual(
      expect.arrayContaining(["install: metadata", "install: download", "install: unpack", "install: configure", "install: triggers (libc-bin)", "install: initramfs", "install: other"]),
    );
    for (const p of phases) expect(p.seconds).toBeGreaterThanOrEqual(0);
  });

  it("adds up to the whole run: every second goes to exactly one phase", () => {
    expect(phases.reduce((s, p) => s + p.seconds, 0)).toBeCloseTo(end / 1000, 6);
  });

  it("gives the initramfs the time from its Generating line to the next hook, and apt update the time until the download", () => {
    const generating = timeOf(/^update-initramfs: Generating/);
    expect(get("initramfs")).toBeCloseTo((timeOf(/^I: running --customize-hook/, generating) - generating) / 1000, 6);
    expect(get("metadata")).toBeCloseTo((timeOf(/^I: downloading packages with apt/) - timeOf(/^I: running apt-get update/)) / 1000, 6);
    // This capture: the initramfs (gzip, MODULES=most) is the biggest phase of the install, then unpacking.
    const sorted = [...phases].sort((a, b) => b.seconds - a.seconds).map((p) => p.phase);
    expect(sorted.slice(0, 2)).toEqual(["install: initramfs", "install: unpack"]);
  });
});

describe("dnfLinePhase", () => {
  it("tells download, the transaction check, unpacking, scriptlets and verification apart", () => {
    expect(dnfLinePhase("Downloading Packages:")).toBe("download");
    expect(dnfLinePhase("(3/12): ks-app-1.0-1.noarch.rpm                 1.2 MB/s |  6.1 kB     00:00")).toBe("download");
    expect(dnfLinePhase("Running transaction check")).toBe("transaction check");
    expect(dnfLinePhase("  Preparing        :                                                        1/1")).toBe("unpack");
    expect(dnfLinePhase("  Installing       : ks-lib-1.0-1.noarch                                    1/3")).toBe("unpack");
    expect(dnfLinePhase("  Running scriptlet: ks-app-1.0-1.noarch                                    3/3")).toBe("configure");
    expect(dnfLinePhase("  Verifying        : ks-app-1.0-1.noarch                                    1/3")).toBe("verify");
    expect(dnfLinePhase("Complete!")).toBeNull();
    expect(dnfLinePhase("Installing:")).toBeNull();
    expect(dnfLinePhase("Installing dependencies:")).toBeNull();
  });
});

describe("PhaseClock", () => {
  it("gives the time before the first phase line to other, and the time after the last line to the phase in force", () => {
    const clock = new PhaseClock(dnfLinePhase, 1000);
    clock.line("Downloading Packages:", 1500);
    clock.line("(1/1): a.rpm  1 MB/s | 1 kB 00:00", 1700);
    clock.line("Running transaction check", 2500);
    clock.line("  Installing       : a-1-1.noarch 1/1", 3000);
    expect(clock.finish(4000)).toEqual([
      { phase: "install: other", seconds: 0.5 },
      { phase: "install: download", seconds: 1 },
      { phase: "install: transaction check", seconds: 0.5 },
      { phase: "install: unpack", seconds: 1 },
    ]);
  });
});
