// The root-tree cache: key and "why it misses", metadata revisions, entries on disk (whole, damaged, half-written), pruning.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keyDifferences, treeKey, treeKeyInputs, TREE_RECIPE, type TreeKeyInputs } from "../../../src/installer/tree-cache/key.js";
import { entriesOverBudget, pruneCache } from "../../../src/installer/tree-cache/prune.js";
import { metadataRevisions, rpmRevisionUrl } from "../../../src/installer/tree-cache/revision.js";
import { listEntries, readEntry, storeTree, treeArchiveArgs, verifyEntry, type TreeEntry } from "../../../src/installer/tree-cache/store.js";
import type { AptSource, DnfSource, RpmRepo } from "../../../src/installer/types.js";
import { Teardown } from "../../../src/run/index.js";
import { dnfSource, rpmRepo, selection } from "../../helpers/selection.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-treecache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (rel: string, text: string): void => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
};
put("deb/dists/bookworm/Release", "Date: Sat, 10 May 2025\n");
put("deb/dists/bookworm-updates/InRelease", "Date: Sun, 11 May 2025\n");
put("rpm/repodata/repomd.xml", "<repomd><revision>1</revision></repomd>");

const apt = (over: Partial<AptSource> = {}): AptSource => ({
  backend: "apt",
  suite: "bookworm",
  variant: "minbase",
  components: ["main"],
  entries: [
    { uri: `file://${dir}/deb`, suite: "bookworm", components: ["main"] },
    { uri: `file://${dir}/deb`, suite: "bookworm-updates", components: ["main"] },
  ],
  selection: selection({ packages: ["less", "netbase"] }),
  reason: "test",
  ...over,
});

const localRepo = (over: Partial<RpmRepo> = {}): RpmRepo => rpmRepo({ baseurl: `file://${dir}/rpm`, ...over });
const dnf = (over: Partial<DnfSource> = {}): DnfSource => dnfSource({ repos: [localRepo()], selection: selection({ packages: ["bash"] }), ...over });

const inputs = (over: Partial<TreeKeyInputs> = {}): TreeKeyInputs => ({ ...treeKeyInputs(apt(), [{ source: "deb x bookworm main", revision: "r1" }], "ext4"), ...over });

describe("treeKey", () => {
  it("is a sha256 that does not depend on the order of fields", () => {
    const a = inputs();
    const b = Object.fromEntries(Object.entries(a).reverse()) as unknown as TreeKeyInputs;
    expect(treeKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(treeKey(b)).toBe(treeKey(a));
    expect(a.recipe).toBe(TREE_RECIPE);
  });

  it.each([
    ["packages", { selection: selection({ packages: ["less", "netbase", "vim"] }) }, "packages: +vim"],
    ["excludes", { selection: selection({ packages: ["less", "netbase"], excludes: ["tzdata"] }) }, "excludes: +tzdata"],
    ["docs", { selection: selection({ packages: ["less", "netbase"], excludeDocs: true }) }, "%packages excludeDocs false -> true"],
    ["suite", { release: "trixie" }, 'release "bookworm" -> "trixie"'],
    ["variant", { variant: "important" }, 'variant "minbase" -> "important"'],
    ["metadata", { sources: [{ source: "deb x bookworm main", revision: "r2" }] }, "metadata of deb x bookworm main changed"],
    ["root fs", { rootFstype: "xfs" }, 'rootFstype "ext4" -> "xfs"'],
    ["epoch", { epoch: 1700000000 }, "epoch null -> 1700000000"],
    ["another epoch", { epoch: 1 }, "epoch null -> 1"],
    ["recipe", { recipe: TREE_RECIPE + 1 }, `recipe ${TREE_RECIPE} -> ${TREE_RECIPE + 1}`],
  ] as const)("changes with %s, and the difference is named", (_what, over, phrase) => {
    const changed = inputs(over as Partial<TreeKeyInputs>);
    expect(treeKey(changed)).not.toBe(treeKey(inputs()));
    expect(keyDifferences(inputs(), changed)).toEqual([phrase]);
  });

  it("names removed packages and new or dropped sources", () => {
    const now = inputs({ selection: selection({ packages: ["netbase"] }), sources: [{ source: "deb y bookworm main", revision: "r1" }] });
    expect(keyDifferences(inputs(), now)).toEqual(["new source deb y bookworm main", "source deb x bookworm main dropped", "packages: -less"]);
  });
});

describe("metadataRevisions", () => {
  it("apt: one revision per entry, from Release or InRelease; it changes with the file", async () => {
    const first = await metadataRevisions(apt());
    expect(first.ok && first.sources.map((s) => s.source)).toEqual([`deb file://${dir}/deb bookworm main`, `deb file://${dir}/deb bookworm-updates main`]);
    put("deb/dists/bookworm/Release", "Date: Mon, 12 May 2025\n");
    const second = await metadataRevisions(apt());
    expect(first.ok && second.ok && first.sources[0]!.revision !== second.sources[0]!.revision).toBe(true);
    expect(first.ok && second.ok && first.sources[1]!.revision === second.sources[1]!.revision).toBe(true);
  });

  it("dnf: repomd.xml of each baseurl, $releasever and $basearch expanded; repository options are part of the name", async () => {
    const r = await metadataRevisions(dnf({ repos: [localRepo({ excludepkgs: ["foo"] })] }));
    expect(r.ok && r.sources[0]!.source).toBe(`local file://${dir}/rpm/repodata/repomd.xml excludepkgs=foo`);
    expect(rpmRevisionUrl(localRepo({ baseurl: "http://m/$releasever/$basearch/os" }), { releasever: "41", basearch: "x86_64" })).toBe("http://m/41/x86_64/os/repodata/repomd.xml");
  });

  it("over HTTP: redirects followed, the body hashed; a missing file is not cacheable", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/moved/dists/bookworm/InRelease") res.writeHead(302, { location: "/deb/dists/bookworm/InRelease" }).end();
      else if (req.url === "/deb/dists/bookworm/InRelease") res.writeHead(200).end("Date: Tue, 13 May 2025\n");
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const moved = await metadataRevisions(apt({ entries: [{ uri: `${base}/moved`, suite: "bookworm", components: ["main"] }] }));
      const direct = await metadataRevisions(apt({ entries: [{ uri: `${base}/deb`, suite: "bookworm", components: ["main"] }] }));
      expect(moved.ok && direct.ok && moved.sources[0]!.revision === direct.sources[0]!.revision).toBe(true);
      const missing = await metadataRevisions(apt({ entries: [{ uri: `${base}/deb`, suite: "trixie", components: ["main"] }] }));
      expect(!missing.ok && missing.reason).toMatch(/Release: HTTP 404\)$/);
    } finally {
      server.close();
    }
  });

  it("a mirror's password (http://user:PASSWORD@host/) is in neither the key nor the reason: it changes no package", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/deb/dists/bookworm/InRelease") res.writeHead(200).end("Date: Tue, 13 May 2025\n");
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const at = (pw: string) => `http://ann:${pw}@127.0.0.1:${(server.address() as AddressInfo).port}/deb`;
    try {
      const [a, b] = await Promise.all(["repo-pw-789", "repo-pw-790"].map((pw) => metadataRevisions(apt({ entries: [{ uri: at(pw), suite: "bookworm", components: ["main"] }] }))));
      expect(a!.ok && a!.sources[0]!.source).toBe(`deb ${at("***")} bookworm main`);
      expect(a!.ok && b!.ok && treeKey(treeKeyInputs(apt(), a!.sources, "ext4")) === treeKey(treeKeyInputs(apt(), b!.sources, "ext4"))).toBe(true);
      const missing = await metadataRevisions(apt({ entries: [{ uri: at("repo-pw-789"), suite: "trixie", components: ["main"] }] }));
      expect(!missing.ok && missing.reason).toMatch(/could not be read/);
      expect(JSON.stringify(missing)).not.toContain("repo-pw-789");
    } finally {
      server.close();
    }
  });

  it.each([
    ["an unreadable mirror", apt({ entries: [{ uri: `file://${dir}/none`, suite: "bookworm", components: ["main"] }] }), /could not be read/],
    ["the host's .repo files", dnf({ hostReposdir: "/etc/yum.repos.d" }), /ksimage cannot tell when their metadata changes/],
    ["dnf on top of a liveimg", dnf({ onLiveimg: true }), /liveimg tree/],
    ["a $releasever left to the guest", dnf({ releasever: null, repos: [localRepo({ baseurl: "http://m/$releasever/os" })] }), /no baseurl or metalink/],
    ["a mirrorlist only", dnf({ repos: [localRepo({ baseurl: null, mirrorlist: "http://m/list" })] }), /no baseurl or metalink/],
  ])("not cacheable: %s, and why", async (_what, source, why) => {
    const r = await metadataRevisions(source);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(why);
  });
});

describe("entries on disk", () => {
  const cache = path.join(dir, "cache");
  const tree = path.join(dir, "tree");
  put("tree/etc/hostname", "localhost\n");
  put("tree/lost+found/junk", "x");
  put("tree/boot/lost+found/junk", "x");
  put("tree/boot/vmlinuz", "kernel");
  const key = "a".repeat(64);
  let entry: TreeEntry | null = null;

  it("tar keeps the tree and leaves out each filesystem's lost+found", () => {
    expect(treeArchiveArgs("/w/root", "/c/t.tar.zst", ["lost+found", "boot/lost+found"])).toEqual([
      "tar", "--create", "--file=/c/t.tar.zst", "--use-compress-program=zstd -T0 -3", "--xattrs", "--xattrs-include=*", "--acls",
      "--numeric-owner", "--anchored", "--exclude=./lost+found", "--exclude=./boot/lost+found", "-C", "/w/root", ".",
    ]);
  });

  it("a stored entry reads back whole and verifies", async () => {
    const teardown = new Teardown();
    entry = await storeTree(cache, tree, { key, inputs: inputs(), packages: 2, installSeconds: 1.5, excludes: ["lost+found", "boot/lost+found"] }, teardown);
    expect(teardown.size).toBe(0);
    expect(entry?.meta).toMatchObject({ key, packages: 2, installSeconds: 1.5 });
    expect(await verifyEntry(entry!)).toBeNull();
    expect((await listEntries(cache)).entries.map((e) => e.key)).toEqual([key]);
  });

  it("a changed byte fails verification; a truncated tree or a foreign meta.json is no entry", async () => {
    const file = path.join(entry!.dir, "tree.tar.zst");
    const bytes = (await import("node:fs")).readFileSync(file);
    bytes[20] = bytes[20]! ^ 0xff;
    writeFileSync(file, bytes);
    expect(await verifyEntry(entry!)).toMatch(/does not match its sha256/);
    writeFileSync(file, bytes.subarray(0, 10));
    expect((await readEntry(cache, key)).problem).toMatch(/has 10 bytes, meta.json says \d+/);
    writeFileSync(path.join(entry!.dir, "meta.json"), '{"hello": 1}');
    expect((await readEntry(cache, key)).problem).toBe("its meta.json is not what ksimage writes");
    expect((await readEntry(cache, "b".repeat(64))).entry).toBeNull();
  });

  it("storing the key again replaces a damaged entry, and keeps a whole one", async () => {
    const info = { key, inputs: inputs(), packages: 3, installSeconds: 2, excludes: [] };
    const replaced = await storeTree(cache, tree, info, new Teardown());
    expect(replaced?.meta.packages).toBe(3);
    expect(await verifyEntry(replaced!)).toBeNull();
    const kept = await storeTree(cache, tree, { ...info, packages: 4 }, new Teardown());
    expect(kept?.meta.packages).toBe(3);
    expect((await listEntries(cache)).other).toEqual([]);
  });

  it("prune removes damaged entries and stale partial writes, keeps fresh ones, then the least recently used beyond the size", async () => {
    writeFileSync(path.join(entry!.dir, "meta.json"), '{"hello": 1}');
    mkdirSync(path.join(cache, "trees", `.new-${"c".repeat(64)}-1`));
    mkdirSync(path.join(cache, "trees", `.new-${"d".repeat(64)}-2`));
    const old = new Date(Date.now() - 7 * 3600_000);
    utimesSync(path.join(cache, "trees", `.new-${"d".repeat(64)}-2`), old, old);
    const report = await pruneCache(cache, null);
    expect(report.removed.map((r) => r.name).sort()).toEqual([`.new-${"d".repeat(64)}-2`, key]);
    expect((await listEntries(cache)).other.map((o) => o.name)).toEqual([`.new-${"c".repeat(64)}-1`]);
    const e = (k: string, bytes: number, used: number): TreeEntry => ({ key: k, dir: k, meta: { bytes } as TreeEntry["meta"], lastUsed: new Date(used) });
    expect(entriesOverBudget([e("old", 100, 1), e("new", 100, 3), e("mid", 100, 2)], 250, (x) => x.meta.bytes).map((x) => x.key)).toEqual(["old"]);
  });
});
