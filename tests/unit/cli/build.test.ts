// `ksimage build` refuses to run without root and names the commands that need none.
import { describe, expect, it } from "vitest";
import { requireRoot } from "../../../src/cli/build.js";
import { KsimageError } from "../../../src/errors.js";

describe("requireRoot", () => {
  it("passes for uid 0", () => expect(() => requireRoot(0)).not.toThrow());
  it("explains, with the root-free commands in the hint", () => {
    try {
      requireRoot(1000);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KsimageError);
      expect((e as KsimageError).message).toBe("ksimage build must run as root: it attaches loop devices and mounts filesystems");
      expect((e as KsimageError).hint).toMatch(/validate, inspect, plan and doctor work without root/);
    }
  });
});

describe("build and appliance-creator option values", () => {
  it("rejects unknown formats, compressors and bad numbers as usage errors (exit 2)", async () => {
    const { outputSettings } = await import("../../../src/cli/build.js");
    const { UsageError } = await import("../../../src/errors.js");
    expect(() => outputSettings({ format: ["qcow3"] })).toThrow(UsageError);
    expect(() => outputSettings({ compress: "lz4" })).toThrow(/--compress must be/);
    expect(() => outputSettings({ vcpu: "0" })).toThrow(/--vcpu/);
    expect(outputSettings({ format: ["qcow2,vmdk"], compress: false, vmem: "1024" })).toMatchObject({ formats: ["qcow2", "vmdk"], compress: "none", memoryMiB: 1024 });
  });
  it("appliance-creator: default name <ks>-YYYYMMDDHHMM, raw stays uncompressed, --version is $releasever", async () => {
    const { defaultApplianceName, toBuildOptions } = await import("../../../src/cli/appliance-creator.js");
    expect(defaultApplianceName("/x/fedora-aos.ks", new Date(2026, 10, 22, 7, 5))).toBe("fedora-aos-202611220705");
    const base = { config: "a.ks", format: "raw", compress: true, package: "none", outdir: "o", tmpdir: "/var/tmp" };
    expect(toBuildOptions(base)).toMatchObject({ format: ["raw"], compress: "none", tmpdir: "/var/tmp" });
    expect(toBuildOptions({ ...base, format: "qcow2" }).compress).toBeUndefined();
    expect(toBuildOptions({ ...base, format: "qcow2", compress: false }).compress).toBe("none");
    expect(toBuildOptions({ ...base, version: "40" })).toMatchObject({ version: "40", releasever: "40" });
  });
  it("appliance-creator exits 2 for bad option values", async () => {
    const { applianceCreatorMain } = await import("../../../src/cli/appliance-creator.js");
    const saved = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await applianceCreatorMain(["-c", "x.ks", "-f", "qcow3"])).toBe(2);
      expect(await applianceCreatorMain(["-c", "x.ks", "--vmem", "lots"])).toBe(2);
      expect(await applianceCreatorMain(["-c", "x.ks", "-p", "rar"])).toBe(2);
      expect(await applianceCreatorMain([])).toBe(2);
    } finally {
      process.stderr.write = saved;
    }
  });
});
