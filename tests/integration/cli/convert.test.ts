// `ksimage convert` on a real raw disk, without root where this checkout allows it: qcow2 and vmdk that qemu-img compare finds
// identical, a SHA256SUMS that sha256sum -c accepts and that a second run refreshes, an untouched input, clear refusals, and
// a conversion that runs out of space leaving nothing behind.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { chmod, chown, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qemuImgCompareArgs } from "../../../src/output/qemu-img.js";
import { mountsUnder, unmount } from "../../../src/partition/mount.js";
import { run, Teardown } from "../../../src/run/index.js";
import { makeRawDisk, makeSandbox, removeSandbox } from "../output/raw-disk.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const NOBODY = "65534";

// The conversions run as nobody when that user can read this checkout (not so under a 0700 home): convert needs no root.
const nobodyCanRun =
  (await run(["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "test", "-r", path.join(repo, "src/cli.ts")], { allowExitCodes: [1] })).exitCode === 0;
if (!nobodyCanRun) console.log(`convert: runs as root: uid ${NOBODY} cannot read ${repo}`);

async function convert(args: string[]) {
  const cmd = ["node", "--import", "tsx", path.join(repo, "src/cli.ts"), "convert", ...args];
  const argv = nobodyCanRun ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", ...cmd] : cmd;
  return run(argv, { cwd: repo, allowExitCodes: [1, 2], env: { HOME: "/nonexistent", TMPDIR: "/tmp" } });
}

const sha256 = async (file: string): Promise<string> => (await run(["sha256sum", "--", file])).stdout.split(" ")[0]!;
const sumsNames = (dir: string): string[] => readFileSync(path.join(dir, "SHA256SUMS"), "utf8").trim().split("\n").map((l) => l.slice(66));

let dir = "";
let raw = "";
let rawHash = "";
let rawMtime = 0;
let out = "";

beforeAll(async () => {
  dir = await makeSandbox();
  await chmod(dir, 0o755);
  raw = await makeRawDisk(dir, "disk.raw");
  rawHash = await sha256(raw);
  rawMtime = statSync(raw).mtimeMs;
  out = path.join(dir, "out");
  await mkdir(out);
  if (nobodyCanRun) await chown(out, Number(NOBODY), Number(NOBODY));
});
afterAll(() => removeSandbox(dir));

describe("ksimage convert", () => {
  it("raw -> qcow2 and vmdk: qemu-img compare says identical, sha256sum -c SHA256SUMS passes, the input is untouched", async () => {
    const r = await convert([raw, "-f", "qcow2", "-f", "vmdk", "--outdir", out]);
    expect(r.exitCode).toBe(0);
    const qcow2 = path.join(out, "disk.qcow2");
    const vmdk = path.join(out, "disk.vmdk");
    expect(r.stdout.split("\n")).toEqual([qcow2, vmdk]);
    expect(r.stderr).toContain(`converting ${raw} to qcow2 (`);
    for (const [file, format] of [[qcow2, "qcow2"], [vmdk, "vmdk"]] as const) {
      expect((await run(qemuImgCompareArgs(raw, file, format), { allowExitCodes: [1] })).exitCode).toBe(0);
      expect(JSON.parse((await run(["qemu-img", "info", "--output=json", file])).stdout)).toMatchObject({ format, "virtual-size": statSync(raw).size });
    }
    expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", "disk.qcow2", "disk.vmdk"]);
    expect(sumsNames(out)).toEqual(["disk.qcow2", "disk.vmdk"]);
    await run(["sha256sum", "-c", "--strict", "SHA256SUMS"], { cwd: out });
    expect({ hash: await sha256(raw), mtime: statSync(raw).mtimeMs }).toEqual({ hash: rawHash, mtime: rawMtime });
    if (nobodyCanRun) expect(statSync(qcow2).uid).toBe(Number(NOBODY));
  });

  it("a second run into the same directory replaces its own lines in SHA256SUMS and keeps the others", async () => {
    await writeFile(path.join(out, "notes.txt"), "kept\n");
    await run(["sh", "-c", "sha256sum --binary notes.txt >> SHA256SUMS"], { cwd: out });
    const before = await sha256(path.join(out, "disk.qcow2"));
    const r = await convert([raw, "-f", "qcow2,vdi", "--no-compress", "-o", out, "--json"]);
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout) as { outputs: { path: string; format: string; codec: string | null; sha256: string }[] };
    expect(summary.outputs.map((o) => [path.basename(o.path), o.format, o.codec])).toEqual([["disk.qcow2", "qcow2", null], ["disk.vdi", "vdi", null]]);
    const after = await sha256(path.join(out, "disk.qcow2"));
    expect(after).not.toBe(before); // uncompressed this time: a new file, and a new line for it
    expect(summary.outputs[0]!.sha256).toBe(after);
    expect(sumsNames(out)).toEqual(["disk.qcow2", "disk.vdi", "disk.vmdk", "notes.txt"]);
    await run(["sha256sum", "-c", "--strict", "SHA256SUMS"], { cwd: out });
    expect((await run(qemuImgCompareArgs(raw, path.join(out, "disk.vdi"), "vdi"), { allowExitCodes: [1] })).exitCode).toBe(0);
  });

  it("refuses what it cannot convert, with a message and exit code, writing nothing", async () => {
    const xz = path.join(dir, "disk.raw.xz");
    await run(["sh", "-c", 'head -c 1048576 "$1" | xz -0 > "$2"', "sh", raw, xz]);
    const listing = readdirSync(out).sort();
    const cases: [string[], number, string][] = [
      [[path.join(dir, "missing.raw"), "-o", out], 1, `ksimage: ${path.join(dir, "missing.raw")} does not exist`],
      [[path.join(out, "disk.qcow2"), "-f", "vdi", "-o", out], 1, `ksimage: ${path.join(out, "disk.qcow2")} is a qcow2 image, not a raw one\n  hint: convert it with qemu-img convert -O raw, or give ksimage convert the raw disk`],
      [[xz, "-o", out], 1, `ksimage: ${xz} is xz-compressed, not a raw image\n  hint: decompress it first (unxz -k ${xz})`],
      [[raw, "-f", "qcow3", "-o", out], 2, 'ksimage: unknown format "qcow3" (use raw, qcow2, vmdk, vdi, vhdx, vpc)'],
      [[raw, "-f", "raw", "--no-compress"], 2, `ksimage: converting ${raw} to raw would overwrite the input ${raw}\n  hint: choose another --outdir, or compress the raw copy (--compress xz)`],
    ];
    for (const [args, code, message] of cases) {
      const r = await convert(args);
      expect({ args, code: r.exitCode, stderr: r.stderr }).toEqual({ args, code, stderr: message });
    }
    expect(readdirSync(out).sort()).toEqual(listing);
    expect(readdirSync(dir).sort()).toEqual(["disk.raw", "disk.raw.xz", "out"]);
  });

  it("a conversion that runs out of space: the disk is full, and neither outputs nor .partial files nor a SHA256SUMS are left", async () => {
    // An 8 MiB tmpfs: the first qcow2 (about 5 MiB of data) fits, the vmdk after it does not.
    const full = path.join(dir, "full");
    await mkdir(full);
    const mounted = new Teardown();
    mounted.defer(`unmount ${full}`, () => unmount(full));
    try {
      await run(["mount", "-t", "tmpfs", "-o", `size=8m,mode=0777`, "tmpfs", full]);
      const r = await convert([raw, "-f", "qcow2", "-f", "vmdk", "--no-compress", "-o", full]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/ksimage: the disk is full \(no space left on device\): qemu-img failed with exit code 1\n/);
      expect(r.stderr).toContain(`  command: qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse ${raw} ${full}/disk.vmdk.partial\n`);
      expect(readdirSync(full)).toEqual([]);
    } finally {
      await mounted.unwind();
    }
    expect(await mountsUnder(dir)).toEqual([]);
  });
});
