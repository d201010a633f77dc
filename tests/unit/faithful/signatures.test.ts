// --gpgkey turns dnf's signature checks on for the kickstart's repositories; without it plan and build say which are unchecked.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gpgKeyUrls } from "../../../src/cli/plan.js";
import { repoSection } from "../../../src/installer/dnf-config.js";
import { dnfBaseArgs } from "../../../src/installer/dnf.js";
import { kickstartRpmRepos } from "../../../src/installer/source.js";
import { unsignedRepos } from "../../../src/plan.js";
import { dnfSource } from "../../helpers/selection.js";
import { parseOk } from "../../helpers/ks.js";

const KS = "url --url=http://mirror.test/os/\nrepo --name=updates --baseurl=http://mirror.test/updates/\n";
const paths = { root: "/w/root", conf: "/w/c", reposdir: "/w/r", home: "/w/h" };

describe("--gpgkey", () => {
  it("each key file becomes a file:// key URL; a missing one is a usage error", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-gpg-"));
    try {
      writeFileSync(path.join(dir, "k.asc"), "key");
      expect(gpgKeyUrls([path.join(dir, "k.asc")])).toEqual([`file://${dir}/k.asc`]);
      expect(() => gpgKeyUrls([path.join(dir, "missing.asc")])).toThrow(/--gpgkey .*missing\.asc: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with keys: gpgcheck=1 and the keys in every kickstart repository, and dnf runs without --nogpgcheck; no warning", () => {
    const repos = kickstartRpmRepos(parseOk(KS), ["file:///keys/a.asc", "file:///keys/b.asc"]);
    for (const r of repos) expect(repoSection(r)).toContain("gpgcheck=1\ngpgkey=file:///keys/a.asc file:///keys/b.asc");
    const source = dnfSource({ repos });
    expect(dnfBaseArgs(source, paths, null, false)).not.toContain("--nogpgcheck");
    expect(unsignedRepos(source)).toEqual([]);
  });

  it("without keys: gpgcheck=0, --nogpgcheck, and one warning naming each unchecked repository", () => {
    const repos = kickstartRpmRepos(parseOk(KS));
    for (const r of repos) expect(repoSection(r)).toContain("gpgcheck=0");
    const source = dnfSource({ repos });
    expect(dnfBaseArgs(source, paths, null, false)).toContain("--nogpgcheck");
    expect(unsignedRepos(source)).toEqual([
      "package signatures are not checked for repository ks-url, repository updates: dnf installs from them with --nogpgcheck (give --gpgkey FILE to check them)",
    ]);
  });
});
