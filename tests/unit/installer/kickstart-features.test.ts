// The kickstart features of issue 11 part B, as plans and argv: refusals with their lines, btrfs profiles and nesting,
// vfat filling, firstboot, the default target, certificates, %onerror's environment, liveimg --checksum, Debian repo options.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { aptProxyUrl, aptRepoSettings, checkAptRepoOptions, uriHost } from "../../../src/installer/apt-repo-options.js";
import { aptBuildConf } from "../../../src/installer/apt.js";
import { certificatePath, certificates } from "../../../src/installer/configure/certificates.js";
import { defaultTarget } from "../../../src/installer/configure/default-target.js";
import { firstbootMode, firstbootPlanWarnings, systemctlEnableArgs } from "../../../src/installer/configure/firstboot.js";
import { parseLiveimgChecksum } from "../../../src/installer/liveimg-checksum.js";
import { onErrorEnv } from "../../../src/installer/onerror.js";
import type { AptSource, PackageSelection } from "../../../src/installer/types.js";
import { mkfsArgs } from "../../../src/partition/mkfs.js";
import { mcopyTreeArgs, scanVfatTree, vfatTargets } from "../../../src/partition/vfat-fill.js";
import { buildPlan } from "../../../src/plan.js";
import { parseOk } from "../../helpers/ks.js";

const plan = (text: string) => buildPlan(parseOk(text), { outdir: "/nonexistent-out" });
const ROOT = "part / --fstype=ext4 --size=64\n";

// The PlanError a kickstart gets at plan time: its line and message.
function refusal(text: string): { line: number; message: string } {
  try {
    plan(text);
  } catch (e) {
    if (e instanceof PlanError) return { line: e.pos?.line ?? -1, message: e.message };
    throw e;
  }
  throw new Error("expected a PlanError");
}

describe("refused at plan time, with the line", () => {
  it.each([
    // Every LUKS option is refused by the option-state registry (src/faithful), whatever its value.
    ["part --encrypted", `part /boot --size=32\npart / --size=64 --encrypted`, 2, /^part --encrypted: LUKS encryption is not built by ksimage: it needs dm-crypt/],
    ["part --passphrase alone", `${ROOT}part /srv --size=8 --passphrase=secret-pw`, 2, /^part --passphrase: LUKS encryption is not built .*refuses rather than write the disk in plain text/],
    ["part --pbkdf/--escrowcert", `${ROOT}part /srv --size=8 --pbkdf=argon2id --escrowcert=file:///c.pem`, 2, /^part --(escrowcert|pbkdf): LUKS encryption is not built/],
    ["logvol --encrypted", `${ROOT}part pv.01 --size=64\nvolgroup vg pv.01\nlogvol /home --vgname=vg --name=home --size=8 --encrypted --cipher=aes-xts-plain64`, 4, /^logvol --encrypted: LUKS encryption is not built/],
    ["autopart --encrypted", `autopart --type=plain --encrypted --passphrase=secret-pw`, 1, /^autopart --encrypted: LUKS encryption is not built/],
    ["vfat /", `part / --fstype=vfat --size=64`, 1, /^part \/ --fstype=vfat: a FAT filesystem cannot hold a Linux root/],
    ["%certificate without --dir", `${ROOT}%certificate --filename=ca.pem\nX\n%end`, 2, /has no --dir/],
    ["network --bindto=mac without a MAC", `${ROOT}network --device=eth0 --bindto=mac`, 2, /MAC address to bind to is unknown/],
    ["%packages --default", `${ROOT}%packages --default\n%end`, 2, /^%packages --default: %packages --default asks for the installer's default package set/],
    ["btrfs --data=raid1 on one device", `part btrfs.01 --size=64\nbtrfs / --data=raid1 btrfs.01`, 2, /^btrfs --data=raid1 needs at least two devices/],
    ["btrfs --parent naming nothing", `part btrfs.01 --size=64\nbtrfs none --label=p btrfs.01\nbtrfs / --subvol --name=root LABEL=p\nbtrfs /x --subvol --name=x --parent=nope LABEL=p`, 4, /--parent=nope names neither/],
    ["a mount point below vfat", `${ROOT}part /data --fstype=vfat --size=32\npart /data/db --size=8`, 0, /^\/data\/db is below the vfat mount point \/data/],
  ])("%s", (_name, text, line, message) => {
    const r = refusal(text);
    expect(r.line).toBe(line);
    expect(r.message).toMatch(message);
    expect(r.message).not.toMatch(/secret-pw/);
  });

  it("what stays allowed: LUKS-free lines, --bindto=mac with a MAC, vfat /data, btrfs single/raid0", () => {
    expect(() => plan(`${ROOT}network --device=52:54:00:12:34:56 --bindto=mac`)).not.toThrow();
    expect(() => plan(`${ROOT}part /data --fstype=vfat --size=32`)).not.toThrow();
    const p = plan(`part btrfs.01 --size=64\nbtrfs / --data=raid0 --metadata=single btrfs.01`);
    const fs = p.layout.disks[0]!.partitions[0]!.filesystem!;
    expect(mkfsArgs(fs, "/dev/loop9p1")).toEqual(["mkfs.btrfs", "-f", "-q", "-U", fs.uuid, "--data", "raid0", "--metadata", "single", "/dev/loop9p1"]);
  });
});

describe("btrfs --parent", () => {
  it("nests a subvolume in the one --parent names (by name or mount point), parents first, mounted and listed in fstab by path", () => {
    const p = plan(
      [
        "part btrfs.01 --size=128",
        "btrfs none --label=pool btrfs.01",
        "btrfs /var/log/app --subvol --name=app --parent=/var/log LABEL=pool",
        "btrfs / --subvol --name=root LABEL=pool",
        "btrfs /var/log --subvol --name=log --parent=var LABEL=pool",
        "btrfs /var --subvol --name=var --parent=LABEL=pool LABEL=pool",
      ].join("\n"),
    );
    const fs = p.layout.disks[0]!.partitions[0]!.filesystem!;
    expect(fs.subvolumes.map((s) => s.name)).toEqual(["root", "var", "var/log", "var/log/app"]);
    expect(p.layout.mounts.map((m) => [m.mountpoint, m.options])).toEqual([
      ["/", ["subvol=root"]],
      ["/var", ["subvol=var"]],
      ["/var/log", ["subvol=var/log"]],
      ["/var/log/app", ["subvol=var/log/app"]],
    ]);
    expect(p.layout.fstab).toContain(`UUID=${fs.uuid} /var/log/app btrfs subvol=var/log/app 0 0`);
  });
});

describe("vfat filesystems filled with mtools", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-vfat-unit-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("addresses each vfat partition in its raw file at its byte offset; mcopy copies recursively, keeping times, stopping at a failure", () => {
    const p = plan(`${ROOT}part /data --fstype=vfat --size=32`);
    const data = p.layout.disks[0]!.partitions[1]!;
    expect(vfatTargets(p.layout, { sda: "/out/a.raw.partial" })).toEqual([{ mountpoint: "/data", image: `/out/a.raw.partial@@${data.startSector * 512}` }]);
    expect(mcopyTreeArgs("/out/a.raw@@1048576", ["/r/data/sub", "/r/data/f"])).toEqual(["mcopy", "-s", "-p", "-m", "-Q", "-i", "/out/a.raw@@1048576", "/r/data/sub", "/r/data/f", "::/"]);
  });

  it("scans the tree and refuses what FAT cannot hold: symlinks, names differing in case, forbidden characters", async () => {
    const ok = path.join(dir, "ok");
    mkdirSync(path.join(ok, "sub"), { recursive: true });
    writeFileSync(path.join(ok, "sub/a.txt"), "a");
    writeFileSync(path.join(ok, "b"), "b");
    expect(await scanVfatTree(ok, "/data")).toEqual({ dirs: ["sub"], files: ["b", "sub/a.txt"] });
    const link = path.join(dir, "link");
    mkdirSync(link);
    symlinkSync("/etc/hostname", path.join(link, "l"));
    await expect(scanVfatTree(link, "/data")).rejects.toThrow("/data/l is a symbolic link, which FAT cannot hold (the vfat filesystem at /data)");
    const twins = path.join(dir, "twins");
    mkdirSync(twins);
    writeFileSync(path.join(twins, "README"), "");
    writeFileSync(path.join(twins, "readme"), "");
    await expect(scanVfatTree(twins, "/data")).rejects.toThrow("differ only in case");
    const colon = path.join(dir, "colon");
    mkdirSync(colon);
    writeFileSync(path.join(colon, "a:b"), "");
    await expect(scanVfatTree(colon, "/data")).rejects.toThrow("/data/a:b: FAT cannot hold this file name");
  });
});

describe("firstboot, skipx and xconfig", () => {
  it.each([
    ["firstboot --enable", "enabled"],
    ["firstboot --enabled", "enabled"],
    ["firstboot --reconfig", "reconfig"],
    ["firstboot --disable", "disabled"],
    ["firstboot", "disabled"],
    ["", null],
  ])("%j → %s", (line, mode) => expect(firstbootMode(parseOk(line))).toBe(mode));

  it("enables with the host's systemctl on the root; on Debian --enable is a plan warning", () => {
    expect(systemctlEnableArgs("/w/root", "initial-setup.service")).toEqual(["systemctl", "--root=/w/root", "enable", "initial-setup.service"]);
    expect(firstbootPlanWarnings(parseOk("firstboot --enable"), { backend: "apt" })).toEqual([
      "firstboot --enable: Debian has no initial-setup (no initial-setup.service), so nothing runs at first boot",
    ]);
    expect(firstbootPlanWarnings(parseOk("firstboot --enable"), { backend: "dnf" })).toEqual([]);
    expect(firstbootPlanWarnings(parseOk("firstboot --disable"), { backend: "apt" })).toEqual([]);
  });

  it.each([
    ["skipx", "multi-user.target"],
    ["xconfig --startxonboot", "graphical.target"],
    ["xconfig --startxonboot\nskipx", "multi-user.target"],
    ["xconfig --defaultdesktop=GNOME", null],
    ["", null],
  ])("%j → default target %s", (text, target) => expect(defaultTarget(parseOk(text))).toBe(target));
});

describe("%certificate, %onerror, liveimg --checksum", () => {
  it("a certificate goes to DIR/FILENAME with its text and one final newline", () => {
    const ks = parseOk("%certificate --filename=ca.pem --dir=/etc/pki/ca-trust/source/anchors\n-----BEGIN-----\nabc\n-----END-----\n\n%end\n");
    const [c] = certificates(ks);
    expect(certificatePath(c!)).toBe("/etc/pki/ca-trust/source/anchors/ca.pem");
    expect(c!.text).toBe("-----BEGIN-----\nabc\n-----END-----\n");
  });

  it("%onerror gets the log, the failed step and the first line of the error", () => {
    expect(onErrorEnv({ logFile: "/out/x-build.log", step: "install", error: new Error("tar failed\nmore") })).toEqual({
      KSIMAGE_LOG: "/out/x-build.log",
      KSIMAGE_FAILED_STEP: "install",
      KSIMAGE_ERROR: "tar failed",
    });
  });

  it("--checksum: a sha256 (optionally sha256:-prefixed) in the plan, anything else refused with the line", () => {
    const sum = "AB".repeat(32);
    expect(plan(`liveimg --url=file:///r.tar --checksum=sha256:${sum}\n${ROOT}`).source).toMatchObject({ checksum: sum.toLowerCase() });
    expect(plan(`liveimg --url=file:///r.tar\n${ROOT}`).source).not.toHaveProperty("checksum");
    const pos = { file: "ks.cfg", line: 3, includeStack: ["ks.cfg"] };
    expect(() => parseLiveimgChecksum("md5:abc", pos)).toThrow("liveimg --checksum=md5:abc: not a sha256 checksum (64 hexadecimal digits)");
  });
});

describe("Debian repo options", () => {
  const entry = (uri: string, extra = {}) => ({ uri, suite: "bookworm", components: ["main"], ...extra });

  it("--proxy and --noverifyssl become apt settings scoped to the source's host", () => {
    expect(uriHost("http://user:pw@Mirror.Example:8080/debian")).toBe("mirror.example");
    expect(uriHost("file:///srv/mirror")).toBeNull();
    expect(aptProxyUrl("proxy.example:3128")).toBe("http://proxy.example:3128");
    expect(aptProxyUrl("https://proxy.example")).toBe("https://proxy.example");
    expect(
      aptRepoSettings([entry("http://a.example/debian", { proxy: "proxy:3128" }), entry("http://a.example/debian"), entry("https://b.example/d", { noverifyssl: true }), entry("file:///m", { proxy: "p" })]),
    ).toEqual([
      'Acquire::http::Proxy::a.example "http://proxy:3128"',
      'Acquire::https::Proxy::a.example "http://proxy:3128"',
      'Acquire::https::b.example::Verify-Peer "false"',
      'Acquire::https::b.example::Verify-Host "false"',
    ]);
    const selection = { timeout: null, retries: null } as Pick<PackageSelection, "timeout" | "retries">;
    expect(aptBuildConf(aptRepoSettings([entry("https://b.example/d", { noverifyssl: true })]), selection)).toBe(
      '// Written by ksimage for the build only.\nAcquire::https::b.example::Verify-Peer "false";\nAcquire::https::b.example::Verify-Host "false";\n',
    );
  });

  it("--includepkgs/--excludepkgs are refused with the line; --cost is a warning; dnf keeps all three", () => {
    const apt = { backend: "apt" } as AptSource;
    const ks = (opt: string) => parseOk(`${ROOT}repo --name=d --baseurl=http://a.example/debian ${opt}`);
    expect(() => checkAptRepoOptions(ks("--excludepkgs=foo"), apt)).toThrow(/^repo --name=d --excludepkgs: apt has no per-source package filter/);
    const error = (() => {
      try {
        checkAptRepoOptions(ks("--includepkgs=foo,bar"), apt);
      } catch (e) {
        return e as PlanError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PlanError);
    expect(error?.pos?.line).toBe(2);
    expect(checkAptRepoOptions(ks("--cost=10"), apt)).toEqual([
      "ks.cfg:2: repo --name=d --cost has no effect with apt (it only chooses among identical copies of a package, so the image is the same)",
    ]);
    expect(checkAptRepoOptions(ks("--cost=10 --excludepkgs=foo"), { backend: "dnf" } as never)).toEqual([]);
  });
});
