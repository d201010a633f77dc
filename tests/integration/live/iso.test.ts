// A live ISO built for real from a liveimg tree (a Debian minbase root with stand-in kernel files: fast, no boot here):
// El Torito BIOS and UEFI entries, the hybrid MBR/GPT, the squashfs with the kickstart's users and %post, valid descriptors,
// SHA256SUMS, and the livecd-creator drop-in writing LABEL.iso into the current directory. Booting is the e2e test's job.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { parseKickstart } from "../../../src/kickstart/parser.js";
import { planAppliance } from "../../../src/plan.js";
import { createLogger, getLogger, run, setLogger } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";
import { makeDebianRoot } from "../../helpers/debian-root.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const schema = path.resolve(repo, "../shared/schemas/virt-image.rng");
let dir: string;
let tarball: string;

beforeAll(async () => {
  dir = await mkdtemp("/var/tmp/ksimage-it-live-");
  const root = path.join(dir, "root");
  await makeDebianRoot(root, "minbase", []);
  // Stand-ins for a kernel and its initramfs: the ISO's structure does not depend on what they contain.
  await writeFile(path.join(root, "boot/vmlinuz-6.1.0-test"), randomBytes(4096));
  await writeFile(path.join(root, "boot/initrd.img-6.1.0-test"), randomBytes(4096));
  tarball = path.join(dir, "root.tar");
  await run(["tar", "--numeric-owner", "-cf", tarball, "-C", root, "."]);
  await run(["rm", "-rf", "--one-file-system", "--", root]);
}, 600_000);
afterAll(() => run(["rm", "-rf", "--one-file-system", "--", dir]).then(() => undefined));

const kickstart = () => `liveimg --url=file://${tarball}
rootpw --plaintext not-in-any-output
user --name=alice --password=alice --plaintext
bootloader --timeout=2 --append="console=ttyS0,115200n8 quiet"
part / --fstype=ext4 --size=2048
%post
echo "made by %post" > /etc/live-marker
%end
`;

describe("ksimage build -f iso", () => {
  const sandbox = useSandbox();

  it("writes a hybrid ISO that boots BIOS and UEFI from CD and disk, with the installed tree as squashfs", async () => {
    const sb = sandbox();
    const ks = path.join(sb.dir, "live.ks");
    await writeFile(ks, kickstart());
    const parsed = parseKickstart(ks);
    if (!parsed.ks) throw parsed.error;
    const label = `KSI_${randomBytes(3).toString("hex")}`;
    const plan = await planAppliance(parsed.ks, { outdir: sb.outdir, name: "livetest", live: { label, codec: "zstd" } });
    expect(plan.live?.notes.join("\n")).toMatch(/disk layout \(1 part line\) is ignored/);
    const saved = getLogger();
    setLogger(createLogger({ file: path.join(sb.dir, "build.log") }));
    try {
      await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false });
    } finally {
      setLogger(saved);
    }
    const dirOut = path.join(sb.outdir, "livetest");
    const iso = path.join(dirOut, "livetest.iso");
    expect(readdirSync(dirOut).sort()).toEqual(["SHA256SUMS", "livetest-build.log", "livetest.iso", "livetest.libvirt.xml", "livetest.packages.json", "livetest.spdx.json", "livetest.xml"].filter((f) => f !== "livetest-build.log" || existsSync(path.join(dirOut, f))));

    const eltorito = await run(["xorriso", "-indev", iso, "-report_el_torito", "plain"]);
    expect(eltorito.stdout).toMatch(/El Torito boot img :\s+1\s+BIOS\s+y\s+none/);
    expect(eltorito.stdout).toMatch(/El Torito boot img :\s+2\s+UEFI\s+y\s+none/);
    const pvd = await run(["xorriso", "-indev", iso, "-pvd_info"]);
    expect(pvd.stdout).toContain(`Volume Id    : ${label}`);

    const table = JSON.parse((await run(["sfdisk", "--json", iso])).stdout) as { partitiontable: { label: string; partitions: { type: string }[] } };
    expect(table.partitiontable.label).toBe("gpt");
    expect(table.partitiontable.partitions.map((p) => p.type)).toContain("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    // The protective MBR carries GRUB's hybrid boot code: BIOS boots the same file from a disk.
    const mbr = await run(["sh", "-c", `dd if=${iso} bs=440 count=1 status=none | od -An -tx1 | tr -d ' \\n'`]);
    expect(mbr.stdout).not.toMatch(/^0+$/);

    const sfs = path.join(sb.dir, "fs.squashfs");
    await run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/live/filesystem.squashfs", sfs]);
    const list = (await run(["unsquashfs", "-l", sfs])).stdout;
    for (const f of ["squashfs-root/etc/live-marker", "squashfs-root/home/alice", "squashfs-root/usr/bin/dpkg", "squashfs-root/boot/vmlinuz-6.1.0-test"]) expect(list).toContain(f);
    const extract = path.join(sb.dir, "x");
    await run(["unsquashfs", "-d", extract, sfs, "etc/passwd", "etc/shadow", "etc/live-marker", "etc/fstab"]);
    const cat = async (f: string) => (await run(["cat", path.join(extract, f)])).stdout;
    expect(await cat("etc/passwd")).toMatch(/^alice:x:\d+:\d+:/m);
    expect(await cat("etc/shadow")).toMatch(/^root:\$[0-9a-z]+\$/m);
    expect(await cat("etc/live-marker")).toBe("made by %post");
    expect(await cat("etc/fstab")).not.toMatch(/^UUID=/m);

    const grub = path.join(sb.dir, "grub.cfg");
    await run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/boot/grub/grub.cfg", grub]);
    expect(await cat(path.relative(extract, grub))).toContain("linux /live/vmlinuz boot=live console=ttyS0,115200n8 quiet");

    await run(["xmllint", "--noout", "--relaxng", schema, path.join(dirOut, "livetest.xml")]);
    await run(["virt-xml-validate", path.join(dirOut, "livetest.libvirt.xml"), "domain"]);
    expect(await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dirOut })).toMatchObject({ exitCode: 0 });
    for (const f of readdirSync(dirOut)) expect(await run(["grep", "-rl", "not-in-any-output", path.join(dirOut, f)], { allowExitCodes: [1] })).toMatchObject({ exitCode: 1 });
  });

  it("livecd-creator -c KS -f LABEL writes LABEL.iso into the current directory (exit 0)", async () => {
    const sb = sandbox();
    const ks = path.join(sb.dir, "live.ks");
    await writeFile(ks, kickstart());
    const cwd = path.join(sb.dir, "cwd");
    await mkdir(cwd);
    const label = `LC_${randomBytes(3).toString("hex")}`;
    // tsx by its file URL: the current directory is outside the checkout, where a bare "tsx" would not resolve.
    const tsx = pathToFileURL(path.join(repo, "node_modules/tsx/dist/esm/index.mjs")).href;
    const r = await run(["node", "--import", tsx, path.join(repo, "src/livecd-creator.ts"), "-c", ks, "-f", label, "--compression-type", "lz4", "-t", sb.dir, "-q"], {
      cwd,
      allowExitCodes: [1, 2],
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(cwd, `${label}.iso`))).toBe(true);
    expect(existsSync(path.join(cwd, `${label}.iso.partial`))).toBe(false);
    expect(await run(["sha256sum", "-c", "SHA256SUMS"], { cwd })).toMatchObject({ exitCode: 0 });
    const pvd = await run(["xorriso", "-indev", path.join(cwd, `${label}.iso`), "-pvd_info"]);
    expect(pvd.stdout).toContain(`Volume Id    : ${label}`);
  });
});
