// The root-tree cache in real builds (dnf from a repository the test builds): a hit gives the cold build's package set
// without running dnf, a changed %packages or repository misses and says why, a damaged or half-written entry is never used.
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppliance, type BuildResult } from "../../../src/build.js";
import { TREE_FILE, treesDir } from "../../../src/installer/tree-cache/store.js";
import { parseKickstart } from "../../../src/kickstart/parser.js";
import { planAppliance, type BuildPlan } from "../../../src/plan.js";
import { createLogger, getLogger, run, setLogger, Teardown } from "../../../src/run/index.js";
import { useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { mountPartitionReadOnly } from "../../helpers/image-readback.js";
import { buildRpmRepo, STANDARD_ENVIRONMENTS, STANDARD_GROUPS, STANDARD_PACKAGES, type RpmRepo } from "../../helpers/rpm-repo.js";

let repo: RpmRepo;
let dir: string;
let cache: string;
const BASE = [...STANDARD_PACKAGES, { name: "ks-setup", files: { "/etc/passwd": "root:x:0:0:root:/root:/bin/sh", "/etc/group": "root:x:0:" } }];

beforeAll(async () => {
  dir = await mkdtemp("/var/tmp/ksimage-it-treecache-");
  cache = path.join(dir, "cache");
  repo = await buildRpmRepo(path.join(dir, "repo"), BASE, STANDARD_GROUPS, STANDARD_ENVIRONMENTS);
});
afterAll(() => run(["rm", "-rf", "--", dir]).then(() => undefined));

const kickstart = (packages: string[], post = "") => `repo --name=local --baseurl=${repo.url}
bootloader --location=none
part / --fstype=ext4 --size=64
%packages --nocore
${packages.join("\n")}
%end
%post --nochroot
echo "${post}" > "$INSTALL_ROOT/etc/post-mark"
%end
`;

async function plan(sb: Sandbox, text: string): Promise<BuildPlan> {
  const file = path.join(sb.dir, "tc.ks");
  await writeFile(file, text);
  const parsed = parseKickstart(file);
  if (!parsed.ks) throw parsed.error;
  await mkdir(path.join(sb.dir, "host"), { recursive: true });
  return planAppliance(parsed.ks, {
    outdir: sb.outdir,
    output: { formats: ["raw"], compress: "none" },
    sources: { hostRoot: path.join(sb.dir, "host"), releasever: "1" },
    treeCache: { dir: cache },
    // The image cache would take over from the second build on (tests/integration/build/image-cache.test.ts).
    imageCache: false,
  });
}

/** Build PLAN with the cache; what the build said, whether it ran dnf, and the installed package set and %post mark. */
async function build(sb: Sandbox, p: BuildPlan) {
  const lines: string[] = [];
  const logfile = path.join(sb.dir, "build.log");
  const saved = getLogger();
  setLogger(createLogger({ file: logfile }));
  let result: BuildResult;
  try {
    result = await buildAppliance(p, { tmpdir: sb.dir, handleSignals: false, cacheDir: cache, log: (l) => lines.push(l) });
  } finally {
    setLogger(saved);
  }
  const ranDnf = (await readFile(logfile, "utf8")).split("\n").some((l) => l.includes('"msg":"+ dnf') && l.includes(" install "));
  const mnt = path.join(sb.dir, "readback");
  await mkdir(mnt);
  const readback = new Teardown();
  sb.teardown.defer("undo the read-back mount", () => readback.unwind().then(() => undefined));
  await mountPartitionReadOnly(path.join(sb.outdir, "tc", "tc-sda.raw"), p.layout.disks[0]!.partitions[0]!, "ext4", mnt, readback);
  try {
    const dbpath = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"].find((d) => existsSync(path.join(mnt, d)) && readdirSync(path.join(mnt, d)).length > 0)!;
    const rpm = await run(["rpm", "-qa", "--root", mnt, "--dbpath", dbpath, "--qf", "%{NAME}-%{VERSION}\\n"]);
    const post = await readFile(path.join(mnt, "etc/post-mark"), "utf8");
    return { lines, ranDnf, steps: result.steps, phases: result.phases, installed: rpm.stdout.trim().split("\n").sort(), post: post.trim(), lostFound: existsSync(path.join(mnt, "lost+found")) };
  } finally {
    await readback.unwind();
  }
}

async function flipByte(file: string, offset: number): Promise<void> {
  const fh = await open(file, "r+");
  try {
    const { buffer } = await fh.read(Buffer.alloc(1), 0, 1, offset);
    await fh.write(Buffer.from([buffer[0]! ^ 0xff]), 0, 1, offset);
  } finally {
    await fh.close();
  }
}

describe("root-tree cache (dnf, offline repository)", () => {
  const sandbox = useSandbox();
  let cold: Awaited<ReturnType<typeof build>>;
  let key = "";

  it("cold: a miss installs with dnf and stores the tree", async () => {
    const sb = sandbox();
    const p = await plan(sb, kickstart(["ks-setup", "ks-app"], "one"));
    expect(p.treeCache).toMatchObject({ status: "miss", reason: "no tree for this key yet: it is installed and then stored" });
    key = p.treeCache.status === "off" ? "" : p.treeCache.key;
    cold = await build(sb, p);
    expect(cold.ranDnf).toBe(true);
    expect(cold.installed).toEqual(expect.arrayContaining(["ks-app-1.0", "ks-lib-1.0", "ks-setup-1.0"]));
    expect(cold.lines.some((l) => l.startsWith(`root-tree cache: stored entry ${key.slice(0, 12)}`))).toBe(true);
    expect(readdirSync(treesDir(cache))).toEqual([key]);
    // The profile by phase: dnf's phases inside the install step add up to no more than the step; the store, mkfs.
    // (These test packages have no scriptlets: no configure phase.)
    const install = cold.steps.find((s) => s.step === "install")!.seconds;
    const inside = cold.phases.filter((p) => p.step === "install");
    expect(inside.map((p) => p.phase)).toEqual(expect.arrayContaining(["install: download", "install: transaction check", "install: unpack", "install: verify"]));
    expect(inside.every((p) => p.phase.startsWith("install: ") && p.seconds >= 0)).toBe(true);
    expect(inside.reduce((sum, p) => sum + p.seconds, 0)).toBeLessThanOrEqual(install);
    expect(cold.phases).toEqual(expect.arrayContaining([expect.objectContaining({ phase: "tree cache: store", step: "store the tree in the cache" }), expect.objectContaining({ phase: "mkfs", step: "mkfs" })]));
  });

  it("warm after a %post change: a hit restores the same package set without dnf, and the new %post is in the image", async () => {
    const sb = sandbox();
    const p = await plan(sb, kickstart(["ks-setup", "ks-app"], "two"));
    expect(p.treeCache).toMatchObject({ status: "hit", key });
    const warm = await build(sb, p);
    expect(warm.ranDnf).toBe(false);
    expect(warm.installed).toEqual(cold.installed);
    expect(warm.post).toBe("two");
    expect(warm.lostFound).toBe(true);
    expect(warm.lines.some((l) => l.startsWith(`root-tree cache: restored entry ${key.slice(0, 12)}`))).toBe(true);
    // A hit: the install step is the cache's verify and restore, no package phases.
    const phases = warm.phases.filter((p) => p.step === "install").map((p) => p.phase);
    expect(phases).toEqual(["tree cache: verify", "tree cache: restore"]);
    expect(warm.phases.filter((p) => p.step === "install").reduce((sum, p) => sum + p.seconds, 0)).toBeLessThanOrEqual(warm.steps.find((s) => s.step === "install")!.seconds);
  });

  it("a changed %packages misses, and the plan says what changed", async () => {
    const sb = sandbox();
    const p = await plan(sb, kickstart(["ks-setup", "ks-app", "ks-optional"]));
    expect(p.treeCache.status).toBe("miss");
    expect(p.treeCache.reason).toContain(`the last one used (${key.slice(0, 12)}) differs in: packages: +ks-optional`);
    const r = await build(sb, p);
    expect(r.ranDnf).toBe(true);
    expect(r.installed).toContain("ks-optional-1.0");
  });

  it("a damaged entry (one byte changed) is removed and rebuilt, never used", async () => {
    const sb = sandbox();
    await flipByte(path.join(treesDir(cache), key, TREE_FILE), 4096);
    const p = await plan(sb, kickstart(["ks-setup", "ks-app"]));
    // meta.json still fits (same size): only the sha256 check at restore time can see it.
    expect(p.treeCache.status).toBe("hit");
    const r = await build(sb, p);
    expect(r.lines.find((l) => l.includes("is not usable"))).toMatch(/does not match its sha256.*removed; installing the packages instead/);
    expect(r.ranDnf).toBe(true);
    expect(r.installed).toEqual(cold.installed);
    expect(r.lines.some((l) => l.startsWith(`root-tree cache: stored entry ${key.slice(0, 12)}`))).toBe(true);
  });

  it("a half-written entry (an interrupted store) is not an entry: the build misses and stores a whole one", async () => {
    const sb = sandbox();
    await run(["rm", "-rf", "--", path.join(treesDir(cache), key)]);
    const partial = path.join(treesDir(cache), `.new-${key}-deadbeef`);
    await mkdir(partial);
    await writeFile(path.join(partial, TREE_FILE), "half");
    const p = await plan(sb, kickstart(["ks-setup", "ks-app"]));
    expect(p.treeCache.status).toBe("miss");
    const r = await build(sb, p);
    expect(r.ranDnf).toBe(true);
    expect(r.installed).toEqual(cold.installed);
    expect(existsSync(path.join(treesDir(cache), key, TREE_FILE))).toBe(true);
  });

  it("a repository whose metadata changed misses, naming the repository", async () => {
    const sb = sandbox();
    repo = await buildRpmRepo(path.join(dir, "repo"), [...BASE, { name: "ks-new", files: { "/usr/share/ks-new": "new" } }], STANDARD_GROUPS, STANDARD_ENVIRONMENTS);
    const p = await plan(sb, kickstart(["ks-setup", "ks-app"]));
    expect(p.treeCache.status).toBe("miss");
    expect(p.treeCache.reason).toMatch(/differs in: metadata of local file:\/\/\S+\/repodata\/repomd\.xml changed/);
  });
});
