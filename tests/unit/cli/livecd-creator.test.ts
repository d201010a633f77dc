// The livecd-creator command line: every bad option value or unsupported option exits 2 with its reason; good ones map onto -f iso.
import { describe, expect, it } from "vitest";
import { defaultLivecdLabel, livecdCreatorMain, toLiveBuildOptions } from "../../../src/cli/livecd-creator.js";
import { liveOptions } from "../../../src/cli/live-options.js";

async function lcMain(argv: string[]): Promise<{ code: number; stderr: string }> {
  const saved = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await livecdCreatorMain(argv), stderr };
  } finally {
    process.stderr.write = saved;
  }
}

// Refused before any kickstart is read (x.ks does not exist: reaching it would exit 1).
const invalid: [string, string[], RegExp][] = [
  ["an unknown --compression-type", ["-c", "x.ks", "--compression-type", "lzma"], /--compression-type lzma: use xz, zstd, gzip, lz4, none/],
  ["a label over 32 characters", ["-c", "x.ks", "-f", "L".repeat(33)], /CD labels are limited to 32 characters/],
  ["a label with a space", ["-c", "x.ks", "-f", "my live"], /CD labels cannot contain spaces/],
  ["a label with a slash", ["-c", "x.ks", "-f", "a/b"], /contains "\/"/],
  ["--base-on", ["-c", "x.ks", "-b", "old.iso"], /-b\/--base-on is not supported: .*adding packages to an existing ISO/],
  ["--shell", ["-c", "x.ks", "-l"], /-l\/--shell is not supported: ksimage runs unattended/],
  ["--image-type image", ["-c", "x.ks", "--image-type", "image"], /makes live ISOs only/],
  ["no kickstart", [], /Kickstart file must be provided/],
  ["two kickstarts", ["a.ks", "b.ks"], /Extra arguments given/],
  ["an unknown option", ["-c", "x.ks", "--frobnicate"], /unknown option '--frobnicate'/],
];

describe("livecd-creator: invalid options exit 2", () => {
  it.each(invalid)("%s", async (_, argv, message) => {
    const r = await lcMain(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("a valid command line gets past option checking: a missing kickstart is a build failure (exit 1)", async () => {
    const r = await lcMain(["-c", "/nonexistent/x.ks", "-f", "LIVE", "--compression-type", "zstd", "--skip-minimize", "-t", "/nonexistent"]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/not supported|limited|use xz/);
  });
});

describe("livecd-creator: options mapped onto ksimage build -f iso", () => {
  const base = { compressionType: "xz", tmpdir: "/var/tmp" };

  it("LABEL.iso in the current directory, label and name from -f, xz by default as in livecd-creator", () => {
    const { config, opts } = toLiveBuildOptions({ ...base, config: "f.ks", fslabel: "Fedora-Live" }, [], "/work");
    expect(config).toBe("f.ks");
    expect(opts).toMatchObject({ name: "Fedora-Live", fslabel: "Fedora-Live", outdir: "/work", format: ["iso"], compress: "xz", flat: true, logfile: "/work/Fedora-Live-build.log" });
    const live = liveOptions(opts, {});
    expect(live).toMatchObject({ label: "Fedora-Live", codec: "xz", flat: true });
  });

  it("--skip-compression stores the squashfs uncompressed; --nocleanup keeps the work directory; the kickstart may be the argument", () => {
    const { config, opts } = toLiveBuildOptions({ ...base, skipCompression: true, nocleanup: true, product: "Fedora", title: "Fedora 41", releasever: "41", cache: "/c" }, ["g.ks"], "/w");
    expect(config).toBe("g.ks");
    expect(opts).toMatchObject({ compress: "none", keepWorkdir: true, product: "Fedora", title: "Fedora 41", releasever: "41", cache: "/c" });
    expect(liveOptions(opts, {})).toMatchObject({ codec: "none", title: "Fedora 41", product: "Fedora" });
  });

  it("the default label is livecd-<name>-<arch>-<date>, at most 32 characters", () => {
    const now = new Date(2026, 11, 4, 15, 7);
    expect(defaultLivecdLabel("/x/fedora-live-base.ks", now, "x86_64")).toMatch(/^livecd-fedor.*-x86_64-202612041507$/);
    expect(defaultLivecdLabel("/x/fedora-live-base.ks", now, "x86_64").length).toBeLessThanOrEqual(32);
    expect(defaultLivecdLabel("/x/livecd-mini.ks", now, "x86_64")).toBe("livecd-mini-x86_64-202612041507");
  });
});

describe("ksimage build -f iso: command line", () => {
  it.each([
    [{ format: ["iso", "qcow2"] }, /-f iso cannot be combined with qcow2/],
    [{ format: ["iso"], compress: "brotli" }, /--compress for an ISO must be one of zstd, xz, gzip, lz4, none/],
    [{ fslabel: "X" }, /--fslabel .* needs -f iso/],
    [{ title: "X" }, /--title .* needs -f iso/],
  ])("%j is refused", (opts, message) => {
    expect(() => liveOptions(opts, {})).toThrow(message);
  });

  it("--compress zlib is gzip, --no-compress is none, SOURCE_DATE_EPOCH is passed on", () => {
    expect(liveOptions({ format: ["iso"], compress: "zlib" }, {})?.codec).toBe("gzip");
    expect(liveOptions({ format: ["iso"], compress: false }, {})?.codec).toBe("none");
    expect(liveOptions({ format: ["iso"] }, { SOURCE_DATE_EPOCH: "42" })?.sourceDateEpoch).toBe("42");
    expect(liveOptions({ format: ["qcow2"] }, {})).toBeUndefined();
  });
});
