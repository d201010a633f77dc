// Real builds from a root tarball: %pre-install, %certificate, firstboot, the default target, a vfat /data filled from
// %post, liveimg --checksum good and bad, %onerror on a failing %post --erroronfail, and --encrypted refused.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, readlink, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { PlanError } from "../../../src/errors.js";
import { configureDefaultDesktop, configureDefaultTarget } from "../../../src/installer/configure/default-target.js";
import { configureFirstboot } from "../../../src/installer/configure/firstboot.js";
import { ScriptError } from "../../../src/installer/scripts.js";
import { fillVfatFilesystems } from "../../../src/partition/vfat-fill.js";
import { createLogger, getLogger, run, setLogger, Teardown } from "../../../src/run/index.js";
import { planKickstart, useSandbox } from "../../helpers/build-sandbox.js";
import { mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { parseOk } from "../../helpers/ks.js";
import { TEST_ROOT, writeTestRootTarball, type TarEntry } from "../../helpers/root-tarball.js";

const UNIT = "[Unit]\nDescription=test unit\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n";
/** The test root plus what systemd's offline tools look at: unit directories, the two targets, initial-setup. */
const SYSTEMD_ROOT: TarEntry[] = [
  ...TEST_ROOT,
  { path: "etc/systemd", type: "dir", mode: 0o755 },
  { path: "etc/systemd/system", type: "dir", mode: 0o755 },
  { path: "usr/lib", type: "dir", mode: 0o755 },
  { path: "usr/lib/systemd", type: "dir", mode: 0o755 },
  { path: "usr/lib/systemd/system", type: "dir", mode: 0o755 },
  { path: "usr/lib/systemd/system/initial-setup.service", type: "file", mode: 0o644, content: UNIT },
  { path: "usr/lib/systemd/system/graphical.target", type: "file", mode: 0o644, content: "[Unit]\nDescription=Graphical\n" },
  { path: "usr/lib/systemd/system/multi-user.target", type: "file", mode: 0o644, content: "[Unit]\nDescription=Multi-User\n" },
];
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUksimageTestOnly\n-----END CERTIFICATE-----";
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: "1" };

describe("ksimage build: kickstart features", () => {
  const sandbox = useSandbox();

  it("%pre-install sees the mounted, empty root; certificate, firstboot --reconfig, graphical target; vfat /data holds the files of %post", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball, SYSTEMD_ROOT);
    const report = path.join(sb.dir, "report");
    await mkdir(report);
    const plan = await planKickstart(
      sb,
      "features",
      [
        `liveimg --url=file://${tarball} --checksum=${sha256(tarball)}`,
        "part / --fstype=ext4 --size=96",
        "part /data --fstype=vfat --size=64 --label=DATA",
        "firstboot --reconfig",
        "xconfig --startxonboot",
        "%pre-install",
        `echo "INSTALL_ROOT=$INSTALL_ROOT ANA_INSTALL_PATH=$ANA_INSTALL_PATH" > ${report}/pre-install.env`,
        `findmnt -n -o FSTYPE --mountpoint "$INSTALL_ROOT" > ${report}/pre-install.fstype`,
        `ls -A "$INSTALL_ROOT" | sort | tr '\\n' ' ' > ${report}/pre-install.ls`,
        'echo before-packages > "$INSTALL_ROOT/pre-install-was-here"',
        "%end",
        "%certificate --filename=ksimage-test.pem --dir=/etc/pki/ca-trust/source/anchors",
        CERT,
        "%end",
        "%post --nochroot",
        'mkdir -p "$INSTALL_ROOT/data/sub"',
        'echo from-post > "$INSTALL_ROOT/data/sub/hello.txt"',
        'cp "$INSTALL_ROOT/etc/pki/ca-trust/source/anchors/ksimage-test.pem" "$INSTALL_ROOT/data/cert-seen-by-post.pem"',
        "%end",
        "%onerror",
        `touch ${report}/onerror-ran`,
        "%end",
        "",
      ].join("\n"),
    );
    expect(plan.source).toMatchObject({ kind: "liveimg", checksum: sha256(tarball) });

    const result = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false });
    const raw = result.outputs[0]!;
    const disk = plan.layout.disks[0]!;
    const [rootPart, dataPart] = disk.partitions;

    // %pre-install: on the host, the root mounted (ext4) and empty but for lost+found and the /data mount point.
    const workRoot = path.join(result.workdir, "root");
    expect(readFileSync(path.join(report, "pre-install.env"), "utf8")).toBe(`INSTALL_ROOT=${workRoot} ANA_INSTALL_PATH=${workRoot}\n`);
    expect(readFileSync(path.join(report, "pre-install.fstype"), "utf8").trim()).toBe("ext4");
    expect(readFileSync(path.join(report, "pre-install.ls"), "utf8")).toBe("data lost+found ");
    expect(existsSync(path.join(report, "onerror-ran"))).toBe(false);

    // vfat /data: the files %post wrote (and the certificate %post could already read), on FAT, read with mtools.
    const data = `${raw}@@${dataPart!.startSector * 512}`;
    expect((await run(["mtype", "-i", data, "::/sub/hello.txt"], { env: MTOOLS_ENV })).stdout).toBe("from-post"); // the runner strips the final newline
    expect((await run(["mtype", "-i", data, "::/cert-seen-by-post.pem"], { env: MTOOLS_ENV })).stdout).toBe(CERT);
    expect((await run(["minfo", "-i", data], { env: MTOOLS_ENV })).stdout).toMatch(/disk label="DATA\s*"/);

    const check = new Teardown();
    try {
      const mnt = path.join(sb.dir, "check-root");
      await mountPartitionReadOnly(raw, rootPart!, "ext4", mnt, check);
      expect(readFileSync(path.join(mnt, "pre-install-was-here"), "utf8")).toBe("before-packages\n");
      expect(readFileSync(path.join(mnt, "etc/pki/ca-trust/source/anchors/ksimage-test.pem"), "utf8")).toBe(`${CERT}\n`);
      expect(readlinkSync(path.join(mnt, "etc/systemd/system/multi-user.target.wants/initial-setup.service"))).toBe("/usr/lib/systemd/system/initial-setup.service");
      expect(existsSync(path.join(mnt, "etc/reconfigSys"))).toBe(true);
      expect(readlinkSync(path.join(mnt, "etc/systemd/system/default.target"))).toBe("/usr/lib/systemd/system/graphical.target");
      // The mount point is empty on /: at boot the vfat filesystem is mounted over it.
      expect(readdirSync(path.join(mnt, "data"))).toEqual([]);
      expect(readFileSync(path.join(mnt, "etc/fstab"), "utf8")).toContain(`UUID=${dataPart!.filesystem!.uuid} /data vfat umask=0077,shortname=winnt 0 2`);
    } finally {
      await check.unwind();
    }
  });

  it("a failing %post --erroronfail runs %onerror on the host, with the log and the mounted tree, and leaves nothing behind", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const report = path.join(sb.dir, "report");
    await mkdir(report);
    const logFile = path.join(sb.dir, "build.log");
    const plan = await planKickstart(
      sb,
      "fails",
      [
        `liveimg --url=file://${tarball}`,
        "part / --fstype=ext4 --size=64",
        "%post --nochroot --erroronfail",
        "echo post is failing; exit 3",
        "%end",
        "%onerror",
        `printf '%s\\n' "$KSIMAGE_LOG" "$KSIMAGE_FAILED_STEP" "$KSIMAGE_ERROR" > ${report}/onerror.env`,
        `cat "$INSTALL_ROOT/etc/hostname" > ${report}/onerror.hostname`,
        `grep -q 'post is failing' "$KSIMAGE_LOG" && echo found > ${report}/onerror.log-lines`,
        "%end",
        "",
      ].join("\n"),
    );
    const previous = getLogger();
    setLogger(createLogger({ file: logFile }));
    let error: unknown;
    try {
      error = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false, logFile }).catch((e: unknown) => e);
    } finally {
      setLogger(previous);
    }

    expect(error).toBeInstanceOf(ScriptError);
    const [log, step, message] = readFileSync(path.join(report, "onerror.env"), "utf8").split("\n");
    expect({ log, step, message }).toEqual({ log: logFile, step: "run %post scripts", message: (error as Error).message });
    // %onerror ran before the teardown: the tree was still mounted, and the log already had %post's output.
    expect(readFileSync(path.join(report, "onerror.hostname"), "utf8")).not.toBe("");
    expect(readFileSync(path.join(report, "onerror.log-lines"), "utf8")).toBe("found\n");
    // Nothing left: no output, no .partial, no work directory (loops and mounts: checked by the sandbox).
    expect(readdirSync(path.join(sb.outdir, "fails"))).toEqual([]);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);
  });

  it("liveimg --checksum that does not match: refused before any file is created", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeTestRootTarball(tarball);
    const wrong = "0".repeat(64);
    const plan = await planKickstart(sb, "badsum", `liveimg --url=file://${tarball} --checksum=${wrong}\npart / --fstype=ext4 --size=64\n`);

    const error = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toBe(`liveimg --checksum: ${tarball} has sha256 ${sha256(tarball)}, the kickstart expects ${wrong}`);
    expect((error as PlanError).pos).toMatchObject({ line: 1 });
    expect(existsSync(sb.outdir)).toBe(false);
    expect(readdirSync(sb.dir).sort()).toEqual(["badsum.ks", "root.tar"]);
  });

  it("--encrypted is refused at plan time with file:line, before anything is touched", async () => {
    const sb = sandbox();
    const text = "liveimg --url=file:///nonexistent.tar\npart /boot --fstype=ext4 --size=32\npart / --fstype=ext4 --size=64 --encrypted --passphrase=not-printed\n";
    const error = await planKickstart(sb, "luks", text).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).pos).toMatchObject({ file: path.join(sb.dir, "luks.ks"), line: 3 });
    expect((error as PlanError).message).toMatch(/^part --encrypted: LUKS encryption is not built by ksimage: it needs dm-crypt/);
    expect((error as PlanError).message).toContain(":3: part --passphrase: LUKS encryption is not built");
    expect((error as PlanError).message).not.toContain("not-printed");
    expect(readdirSync(sb.dir)).toEqual(["luks.ks"]);
  });
});

describe("vfat filling on an ESP the boot loader has written (a FAT image file, no loop device)", () => {
  it("copies the tree's files next to the boot loader's, keeps the boot loader's file on a clash, and empties the mount point", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-esp-"));
    try {
      const image = path.join(dir, "esp.img");
      await run(["truncate", "-s", "40M", image]);
      await run(["mkfs.vfat", "-F", "32", image]);
      await run(["mmd", "-i", image, "::/EFI", "::/EFI/BOOT"], { env: MTOOLS_ENV });
      await writeFile(path.join(dir, "grub.efi"), "ksimage's grub");
      await run(["mcopy", "-i", image, path.join(dir, "grub.efi"), "::/EFI/BOOT/BOOTX64.EFI"], { env: MTOOLS_ENV });
      const root = path.join(dir, "root");
      await mkdir(path.join(root, "boot/efi/EFI/BOOT"), { recursive: true });
      await mkdir(path.join(root, "boot/efi/EFI/vendor"), { recursive: true });
      await writeFile(path.join(root, "boot/efi/EFI/BOOT/BOOTX64.EFI"), "a package's shim");
      await writeFile(path.join(root, "boot/efi/EFI/vendor/grub.cfg"), "from a package");

      const warnings = await fillVfatFilesystems([{ mountpoint: "/boot/efi", image }], root);

      expect(warnings).toEqual(["/boot/efi/EFI/BOOT/BOOTX64.EFI: the boot loader's file is kept; the installed tree's copy is not written"]);
      expect((await run(["mtype", "-i", image, "::/EFI/BOOT/BOOTX64.EFI"], { env: MTOOLS_ENV })).stdout).toBe("ksimage's grub");
      expect((await run(["mtype", "-i", image, "::/EFI/vendor/grub.cfg"], { env: MTOOLS_ENV })).stdout).toBe("from a package");
      expect(readdirSync(path.join(root, "boot/efi"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("firstboot --disable and skipx, on a tree from the host", () => {
  it("masks initial-setup and points default.target at multi-user.target; --enable without the unit is a warning", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "ksimage-firstboot-"));
    try {
      await mkdir(path.join(root, "usr/lib/systemd/system"), { recursive: true });
      await writeFile(path.join(root, "usr/lib/systemd/system/multi-user.target"), "[Unit]\n");
      const ks = parseOk("firstboot --disable\nskipx\nxconfig --startxonboot --defaultdesktop=KDE\n");
      expect(await configureFirstboot(ks, root)).toEqual([]);
      expect(await configureDefaultTarget(ks, root)).toEqual([]);
      await configureDefaultDesktop(ks, root);
      expect(readFileSync(path.join(root, "etc/sysconfig/desktop"), "utf8")).toBe("DESKTOP=KDE\n");
      expect(await readlink(path.join(root, "etc/systemd/system/initial-setup.service"))).toBe("/dev/null");
      // skipx wins over xconfig --startxonboot, as in Anaconda.
      expect(await readlink(path.join(root, "etc/systemd/system/default.target"))).toBe("/usr/lib/systemd/system/multi-user.target");
      expect(await configureFirstboot(parseOk("firstboot --enable\n"), root)).toEqual([
        "firstboot --enable: the image has no initial-setup.service (install initial-setup; Debian has no such package), so nothing runs at first boot",
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
