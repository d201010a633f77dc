// A whole `ksimage build` with the dnf backend, offline, from a repository the test builds: the installed set,
// accounts, ssh key, timezone link and %post --nochroot are in the image; --erroronfail fails the build cleanly.
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { parseKickstart } from "../../../src/kickstart/parser.js";
import { planAppliance, type BuildPlan } from "../../../src/plan.js";
import { checkArchive } from "../../../src/repro/sources.js";
import { createLogger, getLogger, run, setLogger, Teardown } from "../../../src/run/index.js";
import { useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { buildRpmRepo, STANDARD_ENVIRONMENTS, STANDARD_GROUPS, STANDARD_PACKAGES, type RpmRepo } from "../../helpers/rpm-repo.js";

let repo: RpmRepo;
let builtPlan: BuildPlan | undefined;
let repoDir: string;
beforeAll(async () => {
  repoDir = await mkdtemp("/var/tmp/ksimage-it-rpmapp-");
  repo = await buildRpmRepo(
    repoDir,
    [
      ...STANDARD_PACKAGES,
      // A tiny "base system": account databases and one zone file, so configuration has something to edit.
      { name: "ks-setup", files: { "/etc/passwd": "root:x:0:0:root:/root:/bin/sh", "/etc/group": "root:x:0:", "/etc/shadow": "root:*:19000:0:99999:7:::" } },
      { name: "ks-tzdata", files: { "/usr/share/zoneinfo/Europe/Berlin": "TZif2 (test)" } },
    ],
    STANDARD_GROUPS,
    STANDARD_ENVIRONMENTS,
  );
});
afterAll(() => run(["rm", "-rf", "--", repoDir]).then(() => undefined));

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKsimageTestKeyOnlyForTests alice@test";

function kickstart(extra = ""): string {
  return `repo --name=local --baseurl=${repo.url}
rootpw --plaintext s3cret-root
group --name=ops --gid=2001
user --name=alice --groups=ops --password=alice-pw --plaintext --uid=1500
sshkey --username=alice "${KEY}"
timezone Europe/Berlin --utc
bootloader --location=none
part / --fstype=ext4 --size=64
%packages --excludedocs --nocore
ks-setup
ks-tzdata
ks-app
@ks-tools
-ks-excluded
%end
%post --nochroot
echo "written from the host" > "$INSTALL_ROOT/etc/post-nochroot"
%end
${extra}`;
}

async function plan(sb: Sandbox, text: string) {
  const file = path.join(sb.dir, "rpm.ks");
  await writeFile(file, text);
  const parsed = parseKickstart(file);
  if (!parsed.ks) throw parsed.error;
  await mkdir(path.join(sb.dir, "host"), { recursive: true });
  return planAppliance(parsed.ks, { outdir: sb.outdir, output: { formats: ["raw"], compress: "none" }, sources: { hostRoot: path.join(sb.dir, "host"), releasever: "1" } });
}

describe("ksimage build with dnf (offline repository)", () => {
  const sandbox = useSandbox();

  it("installs the package set and applies rootpw, group, user, sshkey, timezone and %post --nochroot", async () => {
    const sb = sandbox();
    const p = await plan(sb, kickstart());
    expect(p.packages?.backend).toBe("dnf");
    const logfile = path.join(sb.dir, "build.log");
    const saved = getLogger();
    setLogger(createLogger({ file: logfile }));
    try {
      await buildAppliance(p, { tmpdir: sb.dir, handleSignals: false });
    } finally {
      setLogger(saved);
    }
    const raw = path.join(sb.outdir, "rpm", "rpm-sda.raw");
    expect(existsSync(raw)).toBe(true);

    const mnt = path.join(sb.dir, "readback");
    await mkdir(mnt);
    const readback = new Teardown();
    sb.teardown.defer("undo the read-back mount", () => readback.unwind().then(() => undefined));
    await mountPartitionReadOnly(raw, p.layout.disks[0]!.partitions[0]!, "ext4", mnt, readback);
    try {

    const dbpath = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"].find((d) => existsSync(path.join(mnt, d)) && readdirSync(path.join(mnt, d)).length > 0)!;
    const rpm = await run(["rpm", "-qa", "--root", mnt, "--dbpath", dbpath, "--qf", "%{NAME}\\n"]);
    const installed = rpm.stdout.trim().split("\n").sort();
    for (const name of ["ks-app", "ks-lib", "ks-base", "ks-mandatory", "ks-default", "ks-setup", "ks-tzdata"]) expect(installed).toContain(name);
    for (const name of ["ks-excluded", "ks-optional", "ks-core-member"]) expect(installed).not.toContain(name);
    expect(existsSync(path.join(mnt, "usr/share/doc/ks-app/README"))).toBe(false);
    expect(existsSync(path.join(mnt, "usr/bin/ks-app"))).toBe(true);

    const shadow = readFileSync(path.join(mnt, "etc/shadow"), "utf8");
    expect(shadow).toMatch(/^root:\$6\$[^:]+:/m);
    expect(shadow).toMatch(/^alice:\$6\$[^:]+:/m);
    expect(shadow).not.toContain("s3cret-root");
    expect(readFileSync(path.join(mnt, "etc/passwd"), "utf8")).toMatch(/^alice:x:1500:\d+:/m);
    expect(readFileSync(path.join(mnt, "etc/group"), "utf8")).toMatch(/^ops:x:2001:.*alice/m);
    const home = readFileSync(path.join(mnt, "etc/passwd"), "utf8").match(/^alice:x:\d+:\d+:[^:]*:([^:]+):/m)![1]!;
    expect(readFileSync(path.join(mnt, home, ".ssh/authorized_keys"), "utf8")).toContain(KEY);
    expect(readlinkSync(path.join(mnt, "etc/localtime"))).toMatch(/usr\/share\/zoneinfo\/Europe\/Berlin$/);
    expect(readFileSync(path.join(mnt, "etc/post-nochroot"), "utf8")).toBe("written from the host\n");
    } finally {
      await readback.unwind();
    }
    await readback.unwind();
    // The manifest records the repository's revision: the sha256 of the repomd.xml it was installed from.
    const manifestFile = path.join(sb.outdir, "rpm", "rpm.packages.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { sources: { source: string; revision: string }[]; packages: { name: string; version: string }[] };
    expect(manifest.sources).toEqual([{ source: `local ${repo.url}/repodata/repomd.xml`, revision: sha256(readFileSync(path.join(repo.dir, "repodata/repomd.xml"))) }]);
    expect(manifest.packages.find((x) => x.name === "ks-app")?.version).toMatch(/^\d/);
    await copyFile(manifestFile, path.join(repoDir, "rpm.packages.json"));
    builtPlan = p;
    const log = readFileSync(logfile, "utf8");
    expect(log).toContain("dnf");
    expect(log).not.toContain("s3cret-root");
    expect(log).not.toContain("alice-pw");
  });

  it("a failing %post --erroronfail fails the build and leaves no output, loop device or mount", async () => {
    const sb = sandbox();
    const p = await plan(sb, kickstart("%post --nochroot --erroronfail\necho failing on purpose >&2\nexit 3\n%end\n"));
    await expect(buildAppliance(p, { tmpdir: sb.dir, handleSignals: false })).rejects.toThrow(/exit code 3|failed/);
    const left = existsSync(path.join(sb.outdir, "rpm")) ? readdirSync(path.join(sb.outdir, "rpm")).filter((f) => !f.endsWith(".log")) : [];
    expect(left).toEqual([]);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);
  });

  // Last: it changes the repository.
  it("plan --manifest: the archive is unchanged, then has moved on once the repository is indexed again with a new package", async () => {
    expect(builtPlan, "the build test ran first").toBeDefined();
    const manifest = path.join(repoDir, "rpm.packages.json");
    expect(await checkArchive(manifest, builtPlan!.packages)).toEqual({ manifest, changed: false, changes: [] });
    const extra = await buildRpmRepo(path.join(repoDir, "extra"), [{ name: "ks-new", files: { "/usr/share/ks-new": "new" } }]);
    for (const f of readdirSync(extra.dir, { recursive: true }).map(String).filter((f) => f.endsWith(".rpm"))) await copyFile(path.join(extra.dir, f), path.join(repo.dir, path.basename(f)));
    await run(["createrepo_c", "--quiet", "--update", repo.dir]);
    const moved = await checkArchive(manifest, builtPlan!.packages);
    expect(moved.changed).toBe(true);
    expect(moved.changes).toEqual([expect.stringMatching(new RegExp(`^local ${repo.url}/repodata/repomd.xml: metadata changed \\(sha256 [0-9a-f]{12} -> [0-9a-f]{12}\\)$`))]);
  });
});
