// The source revisions in the package manifest, and what `ksimage plan --manifest` says changed in the archive.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packagesJsonText } from "../../../src/output/manifest.js";
import { addSecrets, clearSecrets } from "../../../src/run/index.js";
import { archiveChanges, installSources, readManifestSources } from "../../../src/repro/sources.js";
import type { PackageSource } from "../../../src/installer/types.js";

const A = { source: "deb file:///srv/mirror bookworm main", revision: "a".repeat(64) };
const B = { source: "updates file:///srv/updates/repodata/repomd.xml", revision: "b".repeat(64) };

describe("archiveChanges", () => {
  it("is empty when every source has the same revision, whatever the order", () => {
    expect(archiveChanges([A, B], [B, A])).toEqual([]);
  });
  it("names a source whose metadata changed, with both revisions shortened", () => {
    expect(archiveChanges([A], [{ ...A, revision: "c".repeat(64) }])).toEqual([`${A.source}: metadata changed (sha256 aaaaaaaaaaaa -> cccccccccccc)`]);
  });
  it("names sources added and dropped", () => {
    expect(archiveChanges([A], [B])).toEqual([`${B.source}: not in the manifest`, `${A.source}: in the manifest, no longer a source`]);
  });
});

describe("the manifest's sources", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-sources-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("packagesJsonText writes them between os and packages, and readManifestSources reads them back", async () => {
    const text = packagesJsonText("app", { manager: "dpkg", os: null, packages: [], sources: [A, B] });
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["appliance", "manager", "os", "sources", "packages"]);
    expect(await readManifestSources(write("m.json", text))).toEqual([A, B]);
  });
  it("a liveimg manifest has no sources field, and cannot be compared", async () => {
    const text = packagesJsonText("app", { manager: "none", os: null, packages: [] });
    expect(text).not.toContain("sources");
    await expect(readManifestSources(write("liveimg.json", text))).rejects.toThrow(/records no source revisions/);
  });
  it("a file that is not a manifest, or not JSON, is named in the error", async () => {
    await expect(readManifestSources(write("other.json", '{"x":1}'))).rejects.toThrow(/other\.json: not a ksimage package manifest/);
    await expect(readManifestSources(write("bad.json", "{"))).rejects.toThrow(/bad\.json: /);
  });
});

describe("installSources", () => {
  it("masks a password in a repository URL, as every output does once the kickstart registered it", async () => {
    addSecrets(["url-pw15"]);
    try {
      const source = "s https://mirror-user:url-pw15@m2.test/repo/repodata/repomd.xml";
      const r = await installSources({ backend: "dnf" } as PackageSource, { status: "hit", dir: "/c", key: "k", reason: "", inputs: { sources: [{ source, revision: "r" }] } as never });
      expect(r).toEqual({ sources: [{ source: "s https://mirror-user:***@m2.test/repo/repodata/repomd.xml", revision: "r" }] });
    } finally {
      clearSecrets();
    }
  });
});
