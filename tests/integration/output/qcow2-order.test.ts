// A reproducible qcow2: the same raw disk gives the same bytes whatever order its compressed clusters were written in, and
// what is written reads back as the raw disk. Two qcow2 files with surely different layouts are made: qemu-img's in-order
// conversion, and qemu-io writing the same data compressed, megabyte by megabyte, from the end of the disk to its start.
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeOutputs, type OutputInput } from "../../../src/output/index.js";
import { reorderQcow2 } from "../../../src/output/qcow2-order.js";
import { qemuImgCompareArgs } from "../../../src/output/qemu-img.js";
import { run } from "../../../src/run/index.js";
import { DISK_BYTES, makeRawDisk, makeSandbox, removeSandbox } from "./raw-disk.js";

let dir = "";
let raw = "";
const CLUSTER = 65536;
const sha256 = async (file: string): Promise<string> => (await run(["sha256sum", "--", file])).stdout.split(" ")[0]!;
const zstdQcow2 = ["-o", "compat=1.1,compression_type=zstd"];

beforeAll(async () => {
  dir = await makeSandbox();
  raw = await makeRawDisk(dir, "in.raw");
  // In order, as reproducible builds converted before.
  await run(["qemu-img", "convert", "-c", "-m", "16", "-f", "raw", "-O", "qcow2", ...zstdQcow2, raw, path.join(dir, "inorder.qcow2")]);
  // Backwards: each run of 64 KiB clusters that are not all zeros (qemu-img leaves those out), compressed, last run first.
  const backwards = path.join(dir, "backwards.qcow2");
  await run(["qemu-img", "create", "-q", "-f", "qcow2", ...zstdQcow2, backwards, String(DISK_BYTES)]);
  const disk = await readFile(raw);
  const runs: [number, number][] = [];
  for (let at = 0; at < DISK_BYTES; at += CLUSTER) {
    if (disk.subarray(at, at + CLUSTER).every((b) => b === 0)) continue;
    const last = runs.at(-1);
    if (last !== undefined && last[0] + last[1] === at) last[1] += CLUSTER;
    else runs.push([at, CLUSTER]);
  }
  const writes: string[] = [];
  for (const [at, length] of runs.reverse()) {
    const chunk = path.join(dir, `chunk-${at}`);
    await writeFile(chunk, disk.subarray(at, at + length));
    writes.push("-c", `write -c -q -s ${chunk} ${at} ${length}`);
  }
  await run(["qemu-io", "-f", "qcow2", ...writes, backwards]);
  for (const name of await readdir(dir)) if (name.startsWith("chunk-")) await run(["rm", "-f", "--", path.join(dir, name)]);
});
afterAll(() => removeSandbox(dir));

describe("reorderQcow2", () => {
  it("gives the same bytes for two layouts of one disk, reading back as the raw disk, with clean metadata", async () => {
    const [a, b] = [path.join(dir, "inorder.qcow2"), path.join(dir, "backwards.qcow2")];
    expect(await sha256(a)).not.toBe(await sha256(b));
    const [ra, rb] = [path.join(dir, "a.qcow2"), path.join(dir, "b.qcow2")];
    const done = await reorderQcow2(a, ra);
    await reorderQcow2(b, rb);
    expect(done.clusters).toBeGreaterThan(60);
    expect(await sha256(ra)).toBe(await sha256(rb));
    for (const f of [ra, rb]) {
      // Exit status 0: no corruption and no leaked cluster (qemu-img check leaves zero counts out of its JSON).
      const check = JSON.parse((await run(["qemu-img", "check", "-f", "qcow2", "--output=json", f])).stdout) as Record<string, number>;
      expect([check["check-errors"], check["corruptions"] ?? 0, check["leaks"] ?? 0, check["allocated-clusters"]]).toEqual([0, 0, 0, done.clusters]);
      expect((await run(qemuImgCompareArgs(raw, f, "qcow2"), { allowExitCodes: [1] })).exitCode).toBe(0);
    }
  });

  it("refuses a zlib qcow2 (its compressed clusters' length is not read here) and writes nothing", async () => {
    const zlib = path.join(dir, "zlib.qcow2");
    await run(["qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", "-o", "compat=1.1,compression_type=zlib", raw, zlib]);
    await expect(reorderQcow2(zlib, path.join(dir, "zlib-out.qcow2"))).rejects.toThrow(/not zstd/);
    expect(await readdir(dir)).not.toContain("zlib-out.qcow2");
  });
});

describe("writeOutputs with SOURCE_DATE_EPOCH", () => {
  it("converts out of order in the scratch directory, leaves nothing there, and writes the in-order conversion's reordered bytes", async () => {
    const scratch = path.join(dir, "scratch");
    await run(["mkdir", "-p", scratch]);
    const input: OutputInput = {
      name: "app", version: "1.0", release: "1", arch: "x86_64", disks: [{ name: "sda", rawPath: raw, sizeBytes: DISK_BYTES }], formats: ["qcow2"],
      compress: "default", vcpu: 1, memoryMiB: 512, networks: [], uefi: false, checksum: false, outdir: path.join(dir, "out"), epoch: 1700000000,
    };
    const report = await writeOutputs(input, { scratchDir: scratch });
    const qcow2 = report.files.find((f) => f.path.endsWith(".qcow2"))!.path;
    const reordered = path.join(dir, "inorder-reordered.qcow2");
    await reorderQcow2(path.join(dir, "inorder.qcow2"), reordered);
    expect(await sha256(qcow2)).toBe(await sha256(reordered));
    expect(await readdir(scratch)).toEqual([]);
  });
});
