// `ksimage convert` options: formats (repeatable, comma lists, default qcow2), compression as for build, refusals that exit 2.
import { describe, expect, it } from "vitest";
import { convertInput, type ConvertCliOptions } from "../../../src/cli/convert.js";
import { main } from "../../../src/cli/main.js";
import { UsageError } from "../../../src/errors.js";

describe("convertInput", () => {
  it("defaults: qcow2 with the format's default compression, beside the image; paths made absolute", () => {
    expect(convertInput(["/img/disk.raw"], {})).toEqual({ images: ["/img/disk.raw"], formats: ["qcow2"], compress: "default", outdir: null });
    expect(convertInput(["disk.raw"], { outdir: "out" })).toMatchObject({ images: [`${process.cwd()}/disk.raw`], outdir: `${process.cwd()}/out` });
  });

  it("takes -f repeated and comma-separated, in order", () => {
    expect(convertInput(["/d.raw"], { format: ["qcow2,vmdk", "vdi"] }).formats).toEqual(["qcow2", "vmdk", "vdi"]);
  });

  it("reads --compress, --no-compress and --compress-level as ksimage build does", () => {
    expect(convertInput(["/d.raw"], { compress: "zlib" }).compress).toBe("zlib");
    expect(convertInput(["/d.raw"], { compress: false }).compress).toBe("none");
    expect(convertInput(["/d.raw"], { format: ["raw"], compress: "zstd", compressLevel: "19" })).toMatchObject({ compress: "zstd", compressLevel: 19 });
  });

  const invalid: [string, ConvertCliOptions, RegExp][] = [
    ["an unknown format", { format: ["qcow3"] }, /^unknown format "qcow3" \(use raw, qcow2, vmdk, vdi, vhdx, vpc\)$/],
    ["ova (needs the appliance's description)", { format: ["ova"] }, /does not write OVA/],
    ["an empty -f", { format: [","] }, /-f needs a format/],
    ["an unknown codec", { compress: "lz4" }, /--compress must be xz, zstd, zlib or none, got "lz4"/],
    ["a level that is no number", { compressLevel: "max" }, /--compress-level must be 0-19/],
  ];
  it.each(invalid)("refuses %s as a usage error", (_, opts, message) => {
    expect(() => convertInput(["/d.raw"], opts)).toThrow(UsageError);
    expect(() => convertInput(["/d.raw"], opts)).toThrow(message);
  });
});

describe("ksimage convert through main()", () => {
  const quietly = async (argv: string[]): Promise<{ code: number; stderr: string }> => {
    const saved = process.stderr.write.bind(process.stderr);
    let stderr = "";
    process.stderr.write = ((s: string) => (stderr += s, true)) as typeof process.stderr.write;
    try {
      return { code: await main(argv), stderr };
    } finally {
      process.stderr.write = saved;
    }
  };

  it("exits 2 with the message for an unknown format, before looking at the image", async () => {
    expect(await quietly(["convert", "/nonexistent/disk.raw", "-f", "qcow3"])).toEqual({ code: 2, stderr: 'ksimage: unknown format "qcow3" (use raw, qcow2, vmdk, vdi, vhdx, vpc)\n' });
  });
  it("keeps the usage error's hint", async () => {
    expect(await quietly(["convert", "/nonexistent/disk.raw", "-f", "ova"])).toEqual({
      code: 2,
      stderr: "ksimage: ksimage convert does not write OVA: its OVF envelope describes the appliance\n  hint: build it with ksimage build -f ova\n",
    });
  });
  it("exits 2 when no image is named", async () => {
    expect((await quietly(["convert"])).code).toBe(2);
  });
  it("exits 1 naming a missing image", async () => {
    expect(await quietly(["convert", "/nonexistent/disk.raw", "-o", "/nonexistent/out"])).toEqual({ code: 1, stderr: "ksimage: /nonexistent/disk.raw does not exist\n" });
  });
  it("--help shows examples", async () => {
    const saved = process.stdout.write.bind(process.stdout);
    let out = "";
    process.stdout.write = ((s: string) => (out += s, true)) as typeof process.stdout.write;
    try {
      expect(await main(["convert", "--help"])).toBe(0);
    } finally {
      process.stdout.write = saved;
    }
    expect(out).toContain("Examples:\n  ksimage convert out/app/app-sda.raw -f qcow2 -f vmdk");
  });
});
