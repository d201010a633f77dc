// The image cache: its key (what decides a disk up to %post, without the plan's random UUIDs), when it is off, and its
// entries on disk (whole, changed after they were stored, half-written).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imageCacheOff } from "../../src/image-cache/index.js";
import { imageKey, imageKeyInputs, kickstartBeforePost, planUuids, replaceUuids, uuidsOf } from "../../src/image-cache/key.js";
import { imagesOverBudget, pruneImages } from "../../src/image-cache/prune.js";
import { sparseCopyArgs, IMAGE_META, listImageEntries, readImageEntry, type ImageEntry } from "../../src/image-cache/store.js";
import { cacheSalt, keyedSecret, SALT_FILE } from "../../src/image-cache/salt.js";
import { clusterRuns, differingClusters } from "../../src/image-cache/changed.js";
import { conversionRecipe, patchCommands } from "../../src/image-cache/qcow2-base.js";
import { listCache } from "../../src/cli/cache.js";
import { parseKickstartString } from "../../src/kickstart/parser.js";
import { buildPlan, type BuildPlan } from "../../src/plan.js";

const BASE = `bootloader --location=mbr
rootpw --plaintext secret-pw
part /boot --fstype=ext4 --size=256
part / --fstype=ext4 --size=1024
%packages
openssh-server
%end
`;

function plan(text: string, file = "/ks/a.ks"): BuildPlan {
  const r = parseKickstartString(text, { name: path.basename(file), dir: path.dirname(file) });
  if (!r.ks) throw r.error;
  return buildPlan(r.ks, { name: "app" });
}

const SALT = "5".repeat(64);
const keyOf = (p: BuildPlan, salt = SALT): string => imageKey(imageKeyInputs(p, "t".repeat(64), salt));
const hit = (p: BuildPlan, reason?: string): BuildPlan => ({ ...p, treeCache: { status: "hit", dir: "/c", key: "t".repeat(64), inputs: {} as never, reason: reason ?? "" } });

describe("the image cache key", () => {
  it("is the same for two plans of one kickstart, whose file system UUIDs are random", () => {
    const [a, b] = [plan(BASE), plan(BASE)];
    expect(planUuids(a)).not.toEqual(planUuids(b));
    expect(keyOf(a)).toBe(keyOf(b));
  });

  it("is the same for two plans with an EFI system partition, whose FAT volume IDs are random too", () => {
    const text = BASE.replace("part /boot --fstype=ext4 --size=256", "part /boot/efi --fstype=efi --size=128\npart /boot --fstype=ext4 --size=256");
    const [a, b] = [plan(text), plan(text)];
    const fat = (p: BuildPlan) => p.layout.disks[0]!.partitions.find((x) => x.mountpoint === "/boot/efi")!.filesystem!.uuid;
    expect(fat(a)).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(fat(a)).not.toBe(fat(b));
    expect(planUuids(a)).toContain(fat(a));
    expect(keyOf(a)).toBe(keyOf(b));
  });

  it("ignores %post, %onerror and %traceback, and where the kickstart file is", () => {
    const changed = plan(`${BASE}%post\necho changed > /etc/x\n%end\n%onerror\necho failed\n%end\n`, "/elsewhere/b.ks");
    expect(keyOf(changed)).toBe(keyOf(plan(BASE)));
  });

  it.each([
    ["a root password", BASE.replace("secret-pw", "other-pw")],
    ["a partition size", BASE.replace("--size=1024", "--size=2048")],
    ["a file system type", BASE.replace("part / --fstype=ext4", "part / --fstype=ext3")],
    ["a %pre script", `%pre\necho hi\n%end\n${BASE}`],
    ["the time zone", `timezone Europe/Berlin\n${BASE}`],
    ["a service", `services --enabled=ssh\n${BASE}`],
  ])("changes with %s", (_, text) => {
    expect(keyOf(plan(text))).not.toBe(keyOf(plan(BASE)));
  });

  it("changes with the tree and the appliance's name", () => {
    const p = plan(BASE);
    expect(imageKey(imageKeyInputs(p, "u".repeat(64), SALT))).not.toBe(keyOf(p));
    expect(keyOf({ ...p, name: "other" })).not.toBe(keyOf(p));
  });

  it("holds no secret, only its HMAC under the cache's salt: another salt, another key", () => {
    const text = `${BASE}user --name=ann --password=ann-pw-123 --plaintext\nbootloader --location=mbr --password=grub-pw-456\n`;
    const inputs = JSON.stringify(imageKeyInputs(plan(text), "t".repeat(64), SALT));
    for (const secret of ["secret-pw", "ann-pw-123", "grub-pw-456"]) expect(inputs).not.toContain(secret);
    expect(inputs).toMatch(/hmac:[0-9a-f]{64}/);
    expect(keyOf(plan(text), "6".repeat(64))).not.toBe(keyOf(plan(text)));
    expect(keyOf(plan(text.replace("ann-pw-123", "ann-pw-124")))).not.toBe(keyOf(plan(text)));
  });

  it("keeps no script that runs after the snapshot, nor provenance", () => {
    const p = plan(`${BASE}%pre\necho pre\n%end\n%post\necho post\n%end\n`);
    const ks = kickstartBeforePost(p.ks) as { scripts: { type: string }[]; file?: string };
    expect(ks.scripts.map((s) => s.type)).toEqual(["pre"]);
    expect(ks.file).toBeUndefined();
    expect(JSON.stringify(ks)).not.toMatch(/"lineno"|"\/ks\/a\.ks"/);
  });
});

describe("UUIDs", () => {
  it("lists each once, in the order they appear", () => {
    expect(uuidsOf({ a: "11111111-2222-3333-4444-555555555555", b: ["UUID=11111111-2222-3333-4444-555555555555 /", "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE", "UUID=0A1B-2C3D /boot/efi"] })).toEqual([
      "11111111-2222-3333-4444-555555555555",
      "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE",
      "0A1B-2C3D",
    ]);
  });

  it("a plan takes an entry's UUIDs everywhere: partitions, fstab and boot loader", () => {
    const p = plan(BASE);
    const theirs = planUuids(plan(BASE));
    const layout = replaceUuids(p.layout, planUuids(p), theirs);
    const bootloader = replaceUuids(p.bootloader, planUuids(p), theirs);
    expect(planUuids({ layout, bootloader })).toEqual(theirs);
    expect(layout.fstab.join("\n")).toContain(`UUID=${layout.disks[0]!.partitions[1]!.filesystem!.uuid}`);
    expect(JSON.stringify({ layout, bootloader })).not.toContain(planUuids(p)[0]);
    expect(p.layout.fstab).not.toEqual(layout.fstab);
  });
});

describe("when the image cache is off", () => {
  it.each([
    ["no root-tree cache", plan(BASE), /the root-tree cache is off/],
    ["a reproducible build", { ...hit(plan(BASE)), epoch: 1700000000 }, /reproducible build/],
    ["%pre-install", hit(plan(`%pre-install\ntrue\n%end\n${BASE}`)), /%pre-install scripts write into the file systems/],
    ["xfs", hit(plan(BASE.replace("part / --fstype=ext4", "part / --fstype=xfs"))), /xfs file systems are not cached/],
    ["LVM", hit(plan(`bootloader --location=mbr\npart /boot --fstype=ext4 --size=256\npart pv.01 --size=2048\nvolgroup vg pv.01\nlogvol / --vgname=vg --name=root --fstype=ext4 --size=1024\n`)), /LVM/],
  ])("%s", (_, p, why) => {
    expect(imageCacheOff(p)).toMatch(why);
  });

  it("is on for ext4 and swap with the root-tree cache", () => {
    expect(imageCacheOff(hit(plan(`${BASE}part swap --size=128\n`)))).toBeNull();
  });
});

describe("image cache entries on disk", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-imagecache-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = "a".repeat(64);
  const entryDir = path.join(dir, "images", key);

  function store(): void {
    mkdirSync(entryDir, { recursive: true });
    writeFileSync(path.join(entryDir, "sda.raw"), Buffer.alloc(4096, 1));
    const ctimeMs = statSync(path.join(entryDir, "sda.raw")).ctimeMs;
    const meta = { key, treeKey: "b".repeat(64), created: "2026-12-05T05:00:00.000Z", uuids: [], disks: [{ name: "sda", file: "sda.raw", bytes: 4096, ctimeMs }], warnings: ["w"] };
    writeFileSync(path.join(entryDir, IMAGE_META), JSON.stringify(meta));
  }

  it("a whole entry is read back", async () => {
    store();
    const { entry, problem } = await readImageEntry(dir, key);
    expect(problem).toBeNull();
    expect(entry).toMatchObject({ key, meta: { warnings: ["w"] } });
    expect(entry!.allocatedBytes).toBeGreaterThanOrEqual(4096);
  });

  it("a disk changed after it was stored (its ctime moved) is not used", async () => {
    store();
    await new Promise((r) => setTimeout(r, 20));
    chmodSync(path.join(entryDir, "sda.raw"), 0o644);
    expect(await readImageEntry(dir, key)).toEqual({ entry: null, problem: "sda.raw was changed after it was stored" });
  });

  it("a half-written entry and a foreign meta.json are not entries", async () => {
    store();
    mkdirSync(path.join(dir, "images", `.new-${key}-0000`), { recursive: true });
    const other = "c".repeat(64);
    mkdirSync(path.join(dir, "images", other), { recursive: true });
    writeFileSync(path.join(dir, "images", other, IMAGE_META), "{}");
    const { entries, other: rest } = await listImageEntries(dir);
    expect(entries.map((e) => e.key)).toEqual([key]);
    expect(rest).toEqual([
      { name: `.new-${key}-0000`, problem: "unfinished (a build is writing it, or was interrupted)" },
      { name: other, problem: "its meta.json is not what ksimage writes" },
    ]);
  });

  it("copies disks sparse, with reflinks where the file system has them", () => {
    expect(sparseCopyArgs("/c/sda.raw", "/o/sda.raw.partial")).toEqual(["cp", "--sparse=always", "--reflink=auto", "--", "/c/sda.raw", "/o/sda.raw.partial"]);
  });
});


describe("pruning images", () => {
  const image = (key: string, mib: number, usedMs: number): ImageEntry =>
    ({ key, dir: `/c/images/${key}`, allocatedBytes: mib * 2 ** 20, lastUsed: new Date(usedMs), meta: {} as ImageEntry["meta"] }) as ImageEntry;

  it("drops the least recently used images beyond the budget", () => {
    const [a, b, c] = [image("a", 500, 3000), image("b", 500, 1000), image("c", 500, 2000)];
    expect(imagesOverBudget([a!, b!, c!], 1000 * 2 ** 20).map((e) => e.key)).toEqual(["b"]);
    expect(imagesOverBudget([a!, b!, c!], 0).map((e) => e.key)).toEqual(["a", "c", "b"]);
  });

  it("removes stale partial writes and, with a budget, whole entries; cache list shows what is there", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-imageprune-"));
    try {
      const key = "d".repeat(64);
      const entry = path.join(dir, "images", key);
      mkdirSync(entry, { recursive: true });
      writeFileSync(path.join(entry, "sda.raw"), Buffer.alloc(8192, 1));
      const ctimeMs = statSync(path.join(entry, "sda.raw")).ctimeMs;
      writeFileSync(path.join(entry, IMAGE_META), JSON.stringify({ key, treeKey: "e".repeat(64), created: "2026-12-05T05:00:00.000Z", uuids: [], disks: [{ name: "sda", file: "sda.raw", bytes: 8192, ctimeMs }], warnings: [] }));
      const [stale, fresh] = [path.join(dir, "images", ".new-stale"), path.join(dir, "images", ".new-fresh")];
      mkdirSync(stale);
      mkdirSync(fresh);
      utimesSync(stale, new Date(0), new Date(0));
      // A qcow2 being kept (src/image-cache/qcow2-base.ts) is written under the same prefix, as a file.
      const staleQcow2 = path.join(dir, "images", ".new-qcow2-stale");
      writeFileSync(staleQcow2, "x");
      utimesSync(staleQcow2, new Date(0), new Date(0));
      let text = "";
      await listCache(dir, (t) => (text += t), false);
      expect(text).toMatch(new RegExp(`^images \\(disks before %post\\):\n${"d".repeat(12)} +0 MiB  tree ${"e".repeat(12)}, disks sda; stored 2026-12-05T05:00:00Z`, "m"));
      expect(text).toContain("(not an entry) images/.new-stale: unfinished");
      const kept = await pruneImages(dir, null);
      expect(kept.removed.map((r) => r.name)).toEqual([".new-qcow2-stale", ".new-stale"]);
      expect([existsSync(fresh), existsSync(entry)]).toEqual([true, true]);
      const dropped = await pruneImages(dir, 0);
      expect(dropped.removed.map((r) => r.name)).toEqual([key]);
      expect(existsSync(entry)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the cache's secret salt", () => {
  it("is made once, owner-only, and read back by every later build, also when two make it at once", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "ksimage-salt-")), "cache");
    try {
      const both = await Promise.all([cacheSalt(dir), cacheSalt(dir)]);
      expect(both[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(both[1]).toBe(both[0]);
      expect(await cacheSalt(dir)).toBe(both[0]);
      expect(statSync(path.join(dir, SALT_FILE)).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir)).toEqual([SALT_FILE]);
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it("is one of this run only where the cache cannot hold one: its keys then match no entry", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "ksimage-salt-")), "not-a-dir");
    try {
      writeFileSync(file, "");
      const [a, b] = [await cacheSalt(file), await cacheSalt(file)];
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(a).not.toBe(b);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("keys a secret by HMAC: the same under one salt, another under another, never the secret itself", () => {
    expect(keyedSecret(SALT, "pw")).toBe(keyedSecret(SALT, "pw"));
    expect(keyedSecret(SALT, "pw")).not.toBe(keyedSecret("6".repeat(64), "pw"));
    expect(keyedSecret(SALT, "pw")).not.toContain("pw");
  });
});

describe("patching a stored qcow2: which clusters, and the qemu-io commands", () => {
  const K = 65536;

  it("widens data ranges to whole clusters and merges what touches", () => {
    expect(clusterRuns([{ start: 70000, length: 10 }, { start: 0, length: 1 }, { start: 131072, length: 65536 }, { start: 10 * K, length: 0 }], K)).toEqual([{ start: 0, length: 3 * K }]);
    expect(clusterRuns([{ start: 5 * K, length: K }, { start: 0, length: 100 }], K)).toEqual([{ start: 0, length: K }, { start: 5 * K, length: K }]);
    // The union of two builds' changed clusters is the same merge.
    expect(clusterRuns([{ start: 0, length: K }, { start: K, length: K }, { start: 4 * K, length: K }], K)).toEqual([{ start: 0, length: 2 * K }, { start: 4 * K, length: K }]);
  });

  it("finds the clusters where two files differ, past the shorter one's end too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-changed-"));
    try {
      const a = Buffer.alloc(8 * K, 7);
      const b = Buffer.from(a);
      b[2 * K + 5] = 1;
      b[3 * K] = 1;
      b[6 * K + 9] = 2;
      writeFileSync(path.join(dir, "a"), a);
      writeFileSync(path.join(dir, "b"), b);
      writeFileSync(path.join(dir, "short"), a.subarray(0, 7 * K));
      const runs = [{ start: 0, length: 8 * K }];
      expect(await differingClusters(path.join(dir, "a"), path.join(dir, "b"), runs, K)).toEqual([{ start: 2 * K, length: 2 * K }, { start: 6 * K, length: K }]);
      expect(await differingClusters(path.join(dir, "a"), path.join(dir, "short"), runs, K)).toEqual([{ start: 7 * K, length: K }]);
      expect(await differingClusters(path.join(dir, "a"), path.join(dir, "b"), [{ start: 4 * K, length: 2 * K }], K)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("discards each range before a compressed write (compression never overwrites), and leaves zero ranges discarded", () => {
    expect(patchCommands([{ start: K, length: 2 * K, chunk: "/w/0" }, { start: 5 * K, length: K, chunk: null }])).toEqual([
      "-c",
      `discard -q ${K} ${2 * K}`,
      "-c",
      `write -c -q -s /w/0 ${K} ${2 * K}`,
      "-c",
      `discard -q ${5 * K} ${K}`,
    ]);
  });

  it("matches a stored qcow2 by its conversion's options, not by its paths", () => {
    const job = { source: "/a/x.raw", partial: "/a/x.qcow2.partial", argv: ["qemu-img", "convert", "-c", "-O", "qcow2", "-o", "compression_type=zstd", "/a/x.raw", "/a/x.qcow2.partial"] };
    const elsewhere = { source: "/b/y.raw", partial: "/b/y.qcow2.partial", argv: ["qemu-img", "convert", "-c", "-O", "qcow2", "-o", "compression_type=zstd", "/b/y.raw", "/b/y.qcow2.partial"] };
    expect(conversionRecipe(job)).toEqual(conversionRecipe(elsewhere));
    expect(conversionRecipe({ ...job, argv: job.argv.map((a) => a.replace("zstd", "zlib")) })).not.toEqual(conversionRecipe(job));
  });
});
