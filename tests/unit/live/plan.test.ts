// The live ISO plan: labels against ISO 9660's limits, paths and kernel arguments per boot method, the notes, the argv builders.
import { describe, expect, it } from "vitest";
import { earlyConfig, liveGrubCfg } from "../../../src/live/grub.js";
import { defaultIsoLabel, isoLabelProblem } from "../../../src/live/label.js";
import { withLiveBootPackage } from "../../../src/live/packages.js";
import { describeLive, planLive } from "../../../src/live/plan.js";
import { mksquashfsArgs, SQUASHFS_CODECS } from "../../../src/live/squashfs.js";
import { isoDate, xorrisoArgs } from "../../../src/live/xorriso.js";
import { buildPlan } from "../../../src/plan.js";
import { parseOk } from "../../helpers/ks.js";
import { dnfSource, selection } from "../../helpers/selection.js";
import type { AptSource } from "../../../src/installer/types.js";

const aptSource = (packages: string[]): AptSource => ({ backend: "apt", suite: "bookworm", variant: "minbase", components: ["main"], entries: [], selection: selection({ packages }), reason: "test" });

const KS = `rootpw --plaintext x
part / --size=2048
bootloader --timeout=3 --append="console=tty0 console=ttyS0,115200n8 quiet"
%packages
linux-image-amd64
%end
`;

describe("ISO labels", () => {
  it.each([
    ["Fedora-WS-Live-41-1-4", null],
    ["A".repeat(32), null],
    ["A".repeat(33), /33 characters; ISO 9660 allows 32/],
    ["", /empty/],
    ["my live", /contains " "/],
    ["a/b:c", /contains "\/", ":"/],
  ])("%j", (label, problem) => {
    const got = isoLabelProblem(label);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toMatch(problem);
  });

  it("the default label comes from the name, cut to 32 and cleaned", () => {
    expect(defaultIsoLabel("debian-live")).toBe("debian-live");
    expect(defaultIsoLabel("a b".repeat(20))).toHaveLength(32);
    expect(isoLabelProblem(defaultIsoLabel("x+y z".repeat(10)))).toBeNull();
  });

  it("a bad --fslabel is refused at plan time with a hint", () => {
    expect(() => buildPlan(parseOk(KS), { name: "x", live: { label: "has space" } })).toThrow(/contains " "/);
  });
});

describe("planLive", () => {
  const ks = parseOk(KS);

  it("Debian: live-boot layout, boot=live before --append, the layout ignored with a note", () => {
    const p = planLive(ks, "demo", "/out/demo", "apt", {});
    expect(p).toMatchObject({ iso: "/out/demo/demo.iso", label: "demo", codec: "zstd", boot: "live-boot", kernel: "live/vmlinuz", squashfs: "live/filesystem.squashfs", timeout: 3 });
    expect(p.kernelArgs).toEqual(["boot=live", "console=tty0", "console=ttyS0,115200n8", "quiet"]);
    expect(p.serial).toMatchObject({ unit: 0, speed: 115200 });
    expect(p.notes.join("\n")).toMatch(/disk layout \(1 part line\) is ignored for an ISO/);
  });

  it("RPM: dmsquash-live with root=live:CDLABEL=<label> rd.live.image", () => {
    const p = planLive(ks, "demo", "/out/demo", "dnf", { label: "Fedora-Live", codec: "xz" });
    expect(p.boot).toBe("dmsquash-live");
    expect(p.squashfs).toBe("LiveOS/squashfs.img");
    expect(p.kernelArgs.slice(0, 2)).toEqual(["root=live:CDLABEL=Fedora-Live", "rd.live.image"]);
    expect(describeLive(p).join("\n")).toMatch(/squashfs +\/LiveOS\/squashfs.img \(xz\)/);
  });

  it("SOURCE_DATE_EPOCH must be a number", () => {
    expect(planLive(ks, "d", "/o", "apt", { sourceDateEpoch: "1700000000" }).epoch).toBe(1700000000);
    expect(() => planLive(ks, "d", "/o", "apt", { sourceDateEpoch: "yesterday" })).toThrow(/SOURCE_DATE_EPOCH/);
  });

  it("buildPlan -f iso: no disks, no raw outputs, no boot loader in the tree", () => {
    const plan = buildPlan(ks, { name: "demo", outdir: "/out", live: {} });
    expect(plan.layout.disks).toEqual([]);
    expect(plan.outputs).toEqual([]);
    expect(plan.bootloader.loader).toBe("none");
    expect(plan.live?.iso).toBe("/out/demo/demo.iso");
  });

  it("adds live-boot to %packages with a warning when it is missing, not when present", () => {
    const src = aptSource(["linux-image-amd64"]);
    const added = withLiveBootPackage(src, "live-boot");
    expect(added.source.selection.packages).toEqual(["linux-image-amd64", "live-boot"]);
    expect(added.warning).toMatch(/lacks live-boot: it is added/);
    expect(withLiveBootPackage(added.source, "live-boot").warning).toBeNull();
    expect(withLiveBootPackage(dnfSource(), "dmsquash-live").source.selection.packages).toEqual(["dracut-live"]);
  });
});

describe("argv and configuration", () => {
  const p = planLive(parseOk(KS), "demo", "/out/demo", "apt", { label: "DEMO_1" });

  it("mksquashfs per codec, with fixed times under SOURCE_DATE_EPOCH", () => {
    for (const codec of SQUASHFS_CODECS) expect(mksquashfsArgs("/r", "/o.sfs", codec, null)).toContain("-noappend");
    expect(mksquashfsArgs("/r", "/o.sfs", "zstd", null)).toEqual(expect.arrayContaining(["-comp", "zstd"]));
    expect(mksquashfsArgs("/r", "/o.sfs", "xz", 1700000000)).toEqual(expect.arrayContaining(["-comp", "xz", "-mkfs-time", "1700000000", "-all-time", "1700000000"]));
    expect(mksquashfsArgs("/r", "/o.sfs", "none", null)).toEqual(expect.arrayContaining(["-noI", "-noD", "-noF", "-noX"]));
    // -e takes the rest of the command line: it must come last.
    const argv = mksquashfsArgs("/r", "/o.sfs", "lz4", null);
    expect(argv.indexOf("-e")).toBe(argv.length - 6);
  });

  it("xorriso: El Torito BIOS and UEFI, hybrid MBR, GPT with the ESP appended, the label", () => {
    const argv = xorrisoArgs({ ...p, epoch: 1700000000 }, "/tree", "/efiboot.img", "/x.iso.partial");
    const s = argv.join(" ");
    expect(s).toContain("-volid DEMO_1");
    expect(s).toContain("--grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img");
    expect(s).toContain("-b /boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info");
    expect(s).toContain("-append_partition 2 28732ac11ff8d211ba4b00a0c93ec93b /efiboot.img -appended_part_as_gpt");
    expect(s).toContain("-eltorito-alt-boot -e --interval:appended_partition_2::: -no-emul-boot");
    expect(s).toContain("--modification-date=2023111422132000");
    expect(argv.slice(-3)).toEqual(["-o", "/x.iso.partial", "/tree"]);
    expect(isoDate(0)).toBe("1970010100000000");
  });

  it("GRUB: one menu with the --append line and a serial console entry; the early config finds the ISO by label", () => {
    const cfg = liveGrubCfg(p);
    expect(cfg).toContain("serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1");
    expect(cfg).toContain("terminal_output console serial");
    expect(cfg).toContain("set timeout=3");
    expect(cfg).toContain("linux /live/vmlinuz boot=live console=tty0 console=ttyS0,115200n8 quiet");
    expect(cfg).toMatch(/menuentry 'DEMO_1 \(serial console ttyS0\)' \{\n {2}linux \/live\/vmlinuz boot=live quiet console=tty0 console=ttyS0,115200n8\n {2}initrd \/live\/initrd.img/);
    expect(earlyConfig("DEMO_1")).toMatch(/^search --no-floppy --set=root --label DEMO_1\n/);
  });
});
