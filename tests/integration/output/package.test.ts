// appliance-creator delivery (-p, --include) and failure cleanup, on real files.
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolError } from "../../../src/errors.js";
import { writeOutputs, type OutputInput, type PackageKind } from "../../../src/output/index.js";
import { run, Teardown, which } from "../../../src/run/index.js";
import { DISK_BYTES, makeRawDisk, makeSandbox, removeSandbox } from "./raw-disk.js";

let dir = "";
let raw = "";
let extras = "";
const zip = (await which("zip")) !== undefined && (await which("unzip")) !== undefined;

const input = (over: Partial<OutputInput>): OutputInput => ({
  name: "app",
  version: null,
  release: null,
  arch: "x86_64",
  disks: [{ name: "sda", rawPath: raw, sizeBytes: DISK_BYTES }],
  formats: ["qcow2"],
  compress: "default",
  vcpu: 1,
  memoryMiB: 512,
  networks: [],
  uefi: false,
  checksum: false,
  outdir: path.join(dir, "out"),
  ...over,
});

beforeAll(async () => {
  dir = await makeSandbox();
  raw = await makeRawDisk(dir, "in.raw");
  extras = path.join(dir, "extras");
  await mkdir(path.join(extras, "docs"), { recursive: true });
  await writeFile(path.join(extras, "docs", "README"), "read me\n");
  await writeFile(path.join(extras, "LICENSE"), "license\n");
  await writeFile(path.join(dir, "notes.txt"), "notes\n");
});
afterAll(() => removeSandbox(dir));

const WANT = ["app/LICENSE", "app/SHA256SUMS", "app/app-sda.qcow2", "app/app.libvirt.xml", "app/app.xml", "app/docs/README", "app/notes.txt"];

describe("-p and --include", () => {
  it.each<[Exclude<PackageKind, "none" | "zip">, string]>([
    ["tar", "tar"],
    ["tar.gz", "tar.gz"],
    ["tar.bz2", "tar.bz2"],
    ["tar.xz", "tar.xz"],
  ])("-p %s packs <name>/ with the includes; the extracted SHA256SUMS verifies; the directory is gone", async (kind, ext) => {
    const outdir = path.join(dir, `out-${kind}`);
    const r = await writeOutputs(input({ outdir, package: kind, include: [extras, path.join(dir, "notes.txt")] }));
    expect(r.archive).toBe(path.join(outdir, `app.${ext}`));
    const listed = (await run(["tar", "tf", r.archive!])).stdout.split("\n").filter((l) => !l.endsWith("/"));
    expect(listed.sort()).toEqual(WANT);
    expect(existsSync(path.join(outdir, "app"))).toBe(false);
    const x = path.join(dir, `x-${kind}`);
    await mkdir(x);
    await run(["tar", "xf", r.archive!, "-C", x]);
    await run(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: path.join(x, "app") });
  });

  // zip and unzip are not in scripts/debian-packages.txt yet; without them -p zip cannot run here.
  it.skipIf(!zip)("-p zip", async () => {
    const outdir = path.join(dir, "out-zip");
    const r = await writeOutputs(input({ outdir, package: "zip", include: [extras, path.join(dir, "notes.txt")] }));
    const { stdout } = await run(["unzip", "-Z1", r.archive!]);
    expect(stdout.split("\n").filter((l) => !l.endsWith("/")).sort()).toEqual(WANT);
    const x = path.join(dir, "x-zip");
    await run(["unzip", "-q", r.archive!, "-d", x]);
    await run(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: path.join(x, "app") });
  });

  it("-p none: the includes are copied next to the outputs and listed in SHA256SUMS", async () => {
    const outdir = path.join(dir, "out-none");
    const r = await writeOutputs(input({ outdir, include: [extras] }));
    expect(r.archive).toBeNull();
    expect((await readdir(path.join(outdir, "app"))).sort()).toEqual(["LICENSE", "SHA256SUMS", "app-sda.qcow2", "app.libvirt.xml", "app.xml", "docs"]);
    const { stdout } = await run(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: path.join(outdir, "app") });
    expect(stdout).toContain("docs/README: OK");
  });

  it("refuses an include that would replace an output, and leaves nothing behind", async () => {
    const clash = path.join(dir, "clash");
    await mkdir(clash);
    await writeFile(path.join(clash, "app.xml"), "<not-mine/>");
    const outdir = path.join(dir, "out-clash");
    await expect(writeOutputs(input({ outdir, include: [clash] }))).rejects.toThrow(/would replace an output/);
    expect(await readdir(path.join(outdir, "app"))).toEqual([]);
  });
});

describe("failure and cleanup", () => {
  it("a conversion that fails removes every file this run wrote, including the other disk's finished outputs", async () => {
    const outdir = path.join(dir, "out-fail");
    const teardown = new Teardown();
    // A directory where the second raw disk should be: xz and qemu-img really fail on it (no fake tool needed).
    const notAFile = path.join(dir, "not-a-file.raw");
    await mkdir(notAFile);
    const bad = input({ outdir, formats: ["raw", "qcow2", "ova"], disks: [{ name: "sda", rawPath: raw, sizeBytes: DISK_BYTES }, { name: "sdb", rawPath: notAFile, sizeBytes: DISK_BYTES }] });
    const error = await writeOutputs(bad, { teardown }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).argv).toContain(notAFile);
    expect(await readdir(path.join(outdir, "app"))).toEqual([]);
    // Released on the caller's stack once the run has cleaned up after itself.
    expect(teardown.size).toBe(0);
  });

  it("a missing raw disk is refused before anything is written", async () => {
    const outdir = path.join(dir, "out-missing");
    await expect(writeOutputs(input({ outdir, disks: [{ name: "sda", rawPath: path.join(dir, "nope.raw"), sizeBytes: DISK_BYTES }] }))).rejects.toThrow(/sda .*nope\.raw\) does not exist/);
    expect(existsSync(path.join(outdir, "app"))).toBe(false);
  });

  it("a second run replaces the first run's outputs, and removes those it does not write again", async () => {
    const outdir = path.join(dir, "out-twice");
    await writeOutputs(input({ outdir, formats: ["vdi", "raw"] }));
    const r = await writeOutputs(input({ outdir, formats: ["vhdx", "raw"], compress: "zstd", memoryMiB: 1024 }));
    expect((await readdir(r.applianceDir)).sort()).toEqual(["SHA256SUMS", "app-sda.raw.zst", "app-sda.vhdx", "app.libvirt.xml", "app.xml"]);
    await run(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: r.applianceDir });
    expect((await run(["cat", path.join(r.applianceDir, "app.libvirt.xml")])).stdout).toContain('<memory unit="MiB">1024</memory>');
  });
});
