// Choosing the package source: probing file:// and http:// repositories, the Debian addon, CLI overrides, the host's configuration.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import {
  basearch,
  choosePackageSource,
  debianAddon,
  expandDnfVars,
  hostAptEntries,
  packageSelection,
  type SourceOptions,
} from "../../../src/installer/source.js";
import { describePackageSource } from "../../../src/installer/packages.js";
import type { PackageSource } from "../../../src/installer/types.js";
import { parseOk } from "../../helpers/ks.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-source-"));
const put = (rel: string, text = ""): void => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
};
// An RPM repository, a Debian archive with bookworm and bookworm-updates, a security archive, an empty directory.
put("rpm/repodata/repomd.xml", "<repomd/>");
put("deb/dists/bookworm/Release");
put("deb/dists/bookworm-updates/InRelease");
put("security/dists/bookworm-security/InRelease");
mkdirSync(path.join(dir, "empty"));
// Host roots: a Debian host, an RPM host, a host with nothing.
put("debhost/etc/os-release", "ID=debian\nVERSION_ID=12\nVERSION_CODENAME=bookworm\n");
put("debhost/etc/apt/sources.list.d/debian.sources", "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n\nTypes: deb\nURIs: http://thirdparty.example/apt\nSuites: stable\nComponents: main\n");
put("rpmhost/etc/os-release", "ID=fedora\nVERSION_ID=41\n");
put("rpmhost/etc/yum.repos.d/fedora.repo", "[fedora]\nmetalink=https://mirrors.example/metalink?repo=fedora-$releasever\n");
mkdirSync(path.join(dir, "nohost"));
const url = (rel: string) => `file://${path.join(dir, rel)}`;
const none: SourceOptions = { hostRoot: path.join(dir, "nohost") };

let server: Server;
let http = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    // A mirror that moved: every path redirects to the same path without /moved.
    if (req.url?.startsWith("/moved/")) return void res.writeHead(301, { location: req.url.slice("/moved".length) }).end();
    const ok = ["/rpm/repodata/repomd.xml", "/deb/dists/bookworm/Release"].includes(req.url ?? "");
    // Like some mirrors: HEAD is refused, GET works.
    if (req.method === "HEAD" && req.url?.startsWith("/deb/")) return void res.writeHead(405).end();
    res.writeHead(ok ? 200 : 404).end(ok ? "x" : "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  http = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const choose = (ks: string, opts: SourceOptions = none): Promise<PackageSource | null> => choosePackageSource(parseOk(ks), opts);
const ADDON = "%addon org_ksimage_debian --suite=bookworm --variant=minbase --components=main,contrib\n%end\n";

describe("backend detection from url/repo lines", () => {
  it("repodata/repomd.xml: dnf", async () => {
    const s = await choose(`url --url=${url("rpm")}\n%packages\nbash\n%end`, { ...none, releasever: "41" });
    expect(s).toMatchObject({ backend: "dnf", releasever: "41", hostReposdir: null, reason: "the url/repo lines are RPM repositories (repodata/repomd.xml)" });
    expect(s?.backend === "dnf" && s.repos.map((r) => [r.id, r.baseurl])).toEqual([["ks-url", url("rpm")]]);
  });

  it("dists/<suite>/Release: apt, with the pockets the archives have", async () => {
    const s = await choose(`url --url=${url("deb")}\nrepo --name=sec --baseurl=${url("security")}\n${ADDON}%packages\nless\n%end`);
    expect(s).toMatchObject({ backend: "apt", suite: "bookworm", variant: "minbase", components: ["main", "contrib"] });
    expect(s?.backend === "apt" && s.entries).toEqual([
      { uri: url("deb"), suite: "bookworm", components: ["main", "contrib"] },
      { uri: url("deb"), suite: "bookworm-updates", components: ["main", "contrib"] },
      { uri: url("security"), suite: "bookworm-security", components: ["main", "contrib"] },
    ]);
  });

  it("http(s): HEAD, and GET where HEAD is refused", async () => {
    expect((await choose(`url --url=${http}/rpm/\n%packages\nbash\n%end`))?.backend).toBe("dnf");
    expect((await choose(`url --url=${http}/deb\n${ADDON}%packages\nless\n%end`))?.backend).toBe("apt");
  });

  it("a Debian repo's --proxy and --noverifyssl stay with its entries (for the build's apt settings)", async () => {
    const s = await choose(`repo --name=d --baseurl=${http}/deb --proxy=proxy.example:3128 --noverifyssl\n${ADDON}%packages\nless\n%end`);
    expect(s?.backend === "apt" && s.entries).toEqual([{ uri: `${http}/deb`, suite: "bookworm", components: ["main", "contrib"], proxy: "proxy.example:3128", noverifyssl: true }]);
  });

  it("http(s): redirects are followed", async () => {
    expect((await choose(`url --url=${http}/moved/deb\n${ADDON}%packages\nless\n%end`))?.backend).toBe("apt");
  });

  it("a mirror that does not answer: it could not be reached, with the URL and the network error (port 9, which fetch would refuse)", async () => {
    const error = (await choose(`url --url=http://127.0.0.1:9/debian\n${ADDON}%packages\nless\n%end`).catch((e: unknown) => e)) as PlanError;
    expect(error).toBeInstanceOf(PlanError);
    expect(error.message).toBe("the mirror http://127.0.0.1:9/debian could not be reached: connection refused (ECONNREFUSED)");
    expect(error.hint).toMatch(/^check the url --url line, and that the mirror is up/);
    const repo = (await choose(`repo --name=extra --baseurl=http://127.0.0.1:9/x\n${ADDON}%packages\nless\n%end`).catch((e: unknown) => e)) as PlanError;
    expect([repo.message, repo.pos?.line, repo.hint]).toEqual([
      "the mirror http://127.0.0.1:9/x could not be reached: connection refused (ECONNREFUSED)",
      1,
      expect.stringMatching(/^check the repo --name=extra line/),
    ]);
  });

  it("mirrorlist, metalink and $releasever mean dnf without probing", async () => {
    expect((await choose("url --mirrorlist=http://127.0.0.1:9/nothing\n%packages\nbash\n%end"))?.backend).toBe("dnf");
    expect((await choose("repo --name=f --baseurl=http://127.0.0.1:9/$releasever/\n%packages\nbash\n%end"))?.backend).toBe("dnf");
  });

  it("the CLI's --backend wins and skips probing", async () => {
    const s = await choose(`url --url=${url("empty")}\n%packages\nbash\n%end`, { ...none, backend: "dnf" });
    expect(s).toMatchObject({ backend: "dnf", reason: "chosen on the command line (--backend dnf)" });
    const a = await choose(`url --url=${url("empty")}\n%packages\nless\n%end`, { ...none, backend: "apt", suite: "trixie", variant: "apt" });
    expect(a).toMatchObject({ backend: "apt", suite: "trixie", variant: "apt", entries: [{ uri: url("empty"), suite: "trixie", components: ["main"] }] });
  });

  it.each([
    [`url --url=${url("empty")}\n%packages\nx\n%end`, /cannot tell what .*empty is: no repodata\/repomd.xml and no Debian suite to look for/],
    [`url --url=${url("empty")}\n${ADDON}%packages\nx\n%end`, /no dists\/bookworm\/Release at .*\(ENOENT\)/],
    [`url --url=${url("rpm")}\nrepo --name=d --baseurl=${url("deb")}\n${ADDON}%packages\nx\n%end`, /mixes RPM repositories and Debian archives \(ks-url: dnf, d: apt\)/],
    [`url --url=${url("deb")}\n${ADDON}%packages\n@standard\n%end`, /names groups \(@standard\), which Debian archives do not have/],
    [`url --url=${url("deb")}\nliveimg --url=file:///x.tar\n${ADDON}%packages\nless\n%end`, /cannot add packages to a liveimg tree/],
    [`url --url=${url("deb")}\n%addon org_ksimage_debian --suite=bookworm --variant=tiny\n%end\n%packages\nx\n%end`, /unknown mmdebstrap variant "tiny"/],
    [`%addon org_ksimage_debian --release=bookworm\n%end\n%packages\nx\n%end`, /unknown option --release/],
    ["%packages\nx\n%end", /neither apt sources nor yum repositories/],
  ])("refuses %#", async (ks, message) => {
    const error = await choose(ks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toMatch(message);
  });

  it("a failing repo line is named with its position", async () => {
    const error = (await choose(`repo --name=bad --baseurl=${url("empty")}\n%packages\nx\n%end`).catch((e: unknown) => e)) as PlanError;
    expect(error.pos).toMatchObject({ file: "ks.cfg", line: 1 });
  });
});

describe("no url or repo line: the host's configuration", () => {
  it("a Debian host: its apt sources, its own release as the default suite, other suites dropped", async () => {
    const s = await choose("%packages\nless\n%end", { hostRoot: path.join(dir, "debhost") });
    expect(s).toMatchObject({ backend: "apt", suite: "bookworm", variant: "important", components: ["main"] });
    expect(s?.backend === "apt" && s.entries.map((e) => `${e.uri} ${e.suite}`)).toEqual([
      "http://mirror.example/debian bookworm",
      "http://mirror.example/debian bookworm-updates",
      "http://security.example/debian-security bookworm-security",
    ]);
    expect(s?.reason).toContain("not used (another suite): http://thirdparty.example/apt stable");
  });

  it("the addon's suite re-aims the host's entries", async () => {
    const s = await choose(`%addon org_ksimage_debian --suite trixie\n%end\n%packages\nless\n%end`, { hostRoot: path.join(dir, "debhost") });
    expect(s?.backend === "apt" && s.entries.map((e) => e.suite)).toEqual(["trixie", "trixie-updates", "trixie-security"]);
  });

  it("an RPM host: its reposdir, its release", async () => {
    const s = await choose("%packages\nbash\n%end", { hostRoot: path.join(dir, "rpmhost") });
    expect(s).toMatchObject({ backend: "dnf", hostReposdir: path.join(dir, "rpmhost/etc/yum.repos.d"), releasever: "41", repos: [] });
  });

  it("nothing to install: no %packages and no source, or liveimg without %packages", async () => {
    expect(await choose("rootpw x")).toBeNull();
    expect(await choose(`liveimg --url=file:///x.tar\nrepo --name=r --baseurl=${url("rpm")}`)).toBeNull();
  });

  it("liveimg with %packages: dnf on top of the tree", async () => {
    const s = await choose(`liveimg --url=file:///x.tar\nrepo --name=r --baseurl=${url("rpm")}\n%packages\nbash\n%end`);
    expect(s).toMatchObject({ backend: "dnf", onLiveimg: true });
  });
});

describe("pure parts", () => {
  it("debianAddon: --opt=value and --opt value", () => {
    const ks = parseOk("%addon org_ksimage_debian --suite sid --variant=essential --components=main,non-free-firmware\nignored body\n%end\n");
    expect(debianAddon(ks)).toEqual({ suite: "sid", variant: "essential", components: ["main", "non-free-firmware"], pos: { file: "ks.cfg", line: 1, includeStack: ["ks.cfg"] } });
    expect(debianAddon(parseOk("%addon com_redhat_kdump --enable\n%end\n"))).toBeNull();
  });

  it("packageSelection", () => {
    const ks = parseOk("%packages --nocore --excludedocs --instLangs=de:fr --ignoremissing --multilib --timeout=30 --retries=2\n@a --optional\n@^env\n-@b\n-x\ny\n%end");
    expect(packageSelection(ks.packages)).toEqual({
      packages: ["y"],
      excludes: ["x"],
      groups: [{ name: "a", include: "all" }],
      excludedGroups: ["b"],
      environment: "env",
      core: false,
      excludeDocs: true,
      instLangs: "de:fr",
      excludeWeakdeps: false,
      ignoreMissing: true,
      multilib: true,
      timeout: 30,
      retries: 2,
    });
    expect(packageSelection(parseOk("%packages\n-@core\n%end").packages).core).toBe(false);
  });

  it("expandDnfVars", () => {
    expect(expandDnfVars("http://x/$releasever/${basearch}/$other/", { releasever: "41", basearch: "x86_64" })).toBe("http://x/41/x86_64/$other/");
    expect(expandDnfVars("http://x/$releasever/", { releasever: null })).toBe("http://x/$releasever/");
  });

  it("basearch", () => {
    expect([basearch("x86_64"), basearch("i686"), basearch("armv7l"), basearch("aarch64")]).toEqual(["x86_64", "i386", "armhfp", "aarch64"]);
  });

  it("hostAptEntries without a codename in os-release uses the first suite without a pocket", () => {
    const host = { os: { id: null, idLike: [], versionId: null, versionCodename: null }, apt: [{ uris: ["u"], suites: ["bookworm-security", "bookworm"], components: [], file: "f" }], yumReposdir: null, yum: [] };
    expect(hostAptEntries(host, "trixie", null)).toEqual({
      entries: [
        { uri: "u", suite: "trixie-security", components: ["main"] },
        { uri: "u", suite: "trixie", components: ["main"] },
      ],
      dropped: [],
    });
  });

  it("describePackageSource", async () => {
    const s = await choose(`url --url=${url("deb")}\n${ADDON}%packages\nless\n-nano\n%end`);
    expect(describePackageSource(s)).toEqual([
      "backend: apt (mmdebstrap): the url/repo lines are Debian archives (dists/bookworm/Release)",
      "suite: bookworm, variant: minbase, components: main,contrib",
      `source: deb ${url("deb")} bookworm main contrib`,
      `source: deb ${url("deb")} bookworm-updates main contrib`,
      "packages: less",
      "excluded: nano",
    ]);
    const d = await choose(`repo --name=r --baseurl=${url("rpm")}\n%packages\n@tools --nodefaults\nbash\n%end`, { ...none, gpgKeys: ["file:///k"] });
    expect(describePackageSource(d)).toEqual([
      "backend: dnf: the url/repo lines are RPM repositories (repodata/repomd.xml)",
      `repository r: ${url("rpm")} (gpg checked)`,
      `releasever: from the guest, basearch: ${basearch()}`,
      "packages: @tools --nodefaults, @core (if the repositories have it), bash",
    ]);
    expect(describePackageSource(null)).toEqual(["packages: none (no %packages, or a liveimg tree)"]);
  });
});
