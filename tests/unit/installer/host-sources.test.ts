// The host's package configuration: deb822 and one-line apt sources, yum .repo files, os-release.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  isDebianFamily,
  parseDeb822Sources,
  parseOneLineSources,
  parseOsRelease,
  parseYumRepoFile,
  readHostConfig,
} from "../../../src/installer/host-sources.js";

const DEB822 = `Types: deb deb-src
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://mirror.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 -----END PGP PUBLIC KEY BLOCK-----

Enabled: no
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
`;

describe("parseDeb822Sources", () => {
  it("binary entries only, multi-line fields, Enabled: no skipped", () => {
    expect(parseDeb822Sources(DEB822, "f.sources")).toEqual([
      { uris: ["http://mirror.example/debian"], suites: ["bookworm", "bookworm-updates"], components: ["main", "contrib"], file: "f.sources" },
      { uris: ["http://security.example/debian-security"], suites: ["bookworm-security"], components: ["main"], file: "f.sources" },
    ]);
  });
});

describe("parseOneLineSources", () => {
  it("deb lines with and without options; deb-src and comments skipped", () => {
    const text = "# comment\ndeb http://a.example/debian bookworm main non-free\ndeb-src http://a.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] file:///srv/mirror bookworm-updates main # trailing\n";
    expect(parseOneLineSources(text, "s.list")).toEqual([
      { uris: ["http://a.example/debian"], suites: ["bookworm"], components: ["main", "non-free"], file: "s.list" },
      { uris: ["file:///srv/mirror"], suites: ["bookworm-updates"], components: ["main"], file: "s.list" },
    ]);
  });
});

describe("parseYumRepoFile", () => {
  it("sections, multi-line baseurl, mirrorlist, enabled=0", () => {
    const text = "[fedora]\nname=Fedora $releasever\nbaseurl=http://a.example/$releasever/\n  http://b.example/$releasever/\nenabled=1\n\n[updates]\nmetalink=https://mirrors.example/metalink?repo=updates\nenabled=0\n";
    expect(parseYumRepoFile(text, "f.repo")).toEqual([
      { id: "fedora", urls: ["http://a.example/$releasever/", "http://b.example/$releasever/"], enabled: true, file: "f.repo" },
      { id: "updates", urls: ["https://mirrors.example/metalink?repo=updates"], enabled: false, file: "f.repo" },
    ]);
  });
});

describe("parseOsRelease", () => {
  it("quoted and unquoted values", () => {
    const os = parseOsRelease('ID=ubuntu\nID_LIKE="debian"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n');
    expect(os).toEqual({ id: "ubuntu", idLike: ["debian"], versionId: "24.04", versionCodename: "noble" });
    expect(isDebianFamily(os)).toBe(true);
    expect(isDebianFamily(parseOsRelease("ID=fedora\nVERSION_ID=41\n"))).toBe(false);
  });
});

describe("readHostConfig", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-host-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads sources.list, sources.list.d/*.list and *.sources, yum.repos.d/*.repo and os-release under the given root", async () => {
    mkdirSync(path.join(dir, "etc/apt/sources.list.d"), { recursive: true });
    mkdirSync(path.join(dir, "etc/yum.repos.d"), { recursive: true });
    writeFileSync(path.join(dir, "etc/apt/sources.list"), "deb http://one.example/debian trixie main\n");
    writeFileSync(path.join(dir, "etc/apt/sources.list.d/extra.list"), "deb http://two.example/debian trixie-updates main\n");
    writeFileSync(path.join(dir, "etc/apt/sources.list.d/debian.sources"), "Types: deb\nURIs: http://three.example/debian\nSuites: trixie\nComponents: main\n");
    writeFileSync(path.join(dir, "etc/apt/sources.list.d/ignored.txt"), "deb http://never.example/ x main\n");
    writeFileSync(path.join(dir, "etc/yum.repos.d/a.repo"), "[a]\nbaseurl=http://rpm.example/\n");
    writeFileSync(path.join(dir, "etc/os-release"), "ID=debian\nVERSION_CODENAME=trixie\n");
    const host = await readHostConfig(dir);
    expect(host.apt.map((e) => e.uris[0])).toEqual(["http://one.example/debian", "http://two.example/debian", "http://three.example/debian"]);
    expect(host.yumReposdir).toBe(path.join(dir, "etc/yum.repos.d"));
    expect(host.yum.map((r) => r.id)).toEqual(["a"]);
    expect(host.os.versionCodename).toBe("trixie");
  });

  it("an empty root has nothing", async () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    expect(await readHostConfig(empty)).toEqual({ os: { id: null, idLike: [], versionId: null, versionCodename: null }, apt: [], yumReposdir: null, yum: [] });
  });
});
