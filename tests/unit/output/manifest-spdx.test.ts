// Package manifest parsing (dpkg-query, rpm, os-release) and the SPDX 2.3 document built from it.
import { describe, expect, it } from "vitest";
import {
  dpkgQueryArgs,
  packagesJsonText,
  parseDpkgQuery,
  parseOsRelease,
  parseRpmQuery,
  rpmQueryArgs,
  splitDebianVersion,
} from "../../../src/output/manifest.js";
import { fullVersion, packageUrl, spdxDocument, spdxId } from "../../../src/output/spdx.js";
import type { InstalledPackage, PackageManifest } from "../../../src/output/types.js";

describe("argv", () => {
  it("dpkg-query reads the image's database", () => {
    expect(dpkgQueryArgs("/w/root")).toEqual([
      "dpkg-query",
      "--admindir=/w/root/var/lib/dpkg",
      "--show",
      "--showformat=${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${db:Status-Abbrev}\\n",
    ]);
  });
  it("rpm reads the image's database at a path inside the root", () => {
    expect(rpmQueryArgs("/w/root", "/usr/lib/sysimage/rpm")).toEqual([
      "rpm", "--root", "/w/root", "--dbpath", "/usr/lib/sysimage/rpm", "-qa", "--qf",
      "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\n",
    ]);
  });
});

describe("splitDebianVersion", () => {
  it.each([
    ["2.36.1-8+deb12u1", { epoch: null, version: "2.36.1", release: "8+deb12u1" }],
    ["1:9.2p1-2+deb12u3", { epoch: "1", version: "9.2p1", release: "2+deb12u3" }],
    ["3.134", { epoch: null, version: "3.134", release: null }],
    ["1:2.0-rc1-3", { epoch: "1", version: "2.0-rc1", release: "3" }],
  ])("%s", (v, want) => expect(splitDebianVersion(v)).toEqual(want));
});

describe("parseDpkgQuery", () => {
  it("keeps installed packages (ii, and triggers pending/awaiting), sorted; drops removed ones", () => {
    const out = ["zlib1g\t1:1.2.13.dfsg-1\tamd64\tzlib\tii ", "adduser\t3.134\tall\tadduser\tii ", "gone\t1.0-1\tamd64\tgone\trc ", "libc6\t2.36-9\tamd64\tglibc\tiW "].join("\n");
    expect(parseDpkgQuery(out)).toEqual([
      { name: "adduser", epoch: null, version: "3.134", release: null, arch: "all", source: "adduser", license: null },
      { name: "libc6", epoch: null, version: "2.36", release: "9", arch: "amd64", source: "glibc", license: null },
      { name: "zlib1g", epoch: "1", version: "1.2.13.dfsg", release: "1", arch: "amd64", source: "zlib", license: null },
    ]);
  });
});

describe("parseRpmQuery", () => {
  it("maps (none) to null and skips gpg-pubkey", () => {
    const out = ["bash\t(none)\t5.2.26\t1.fc40\tx86_64\tbash-5.2.26-1.fc40.src.rpm\tGPL-3.0-or-later", "gpg-pubkey\t(none)\ta15b79cc\t63d04c2c\t(none)\t(none)\tpubkey", "hello\t2\t1.2\t3\tnoarch\thello-1.2-3.src.rpm\tMIT"].join("\n");
    expect(parseRpmQuery(out)).toEqual([
      { name: "bash", epoch: null, version: "5.2.26", release: "1.fc40", arch: "x86_64", source: "bash-5.2.26-1.fc40.src.rpm", license: "GPL-3.0-or-later" },
      { name: "hello", epoch: "2", version: "1.2", release: "3", arch: "noarch", source: "hello-1.2-3.src.rpm", license: "MIT" },
    ]);
  });
});

describe("parseOsRelease", () => {
  it("reads ID, VERSION_ID and PRETTY_NAME, quoted or not", () => {
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n')).toEqual({ id: "debian", versionId: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" });
    expect(parseOsRelease("ID=arch\n")).toEqual({ id: "arch", versionId: null, prettyName: null });
    expect(parseOsRelease("NAME=x\n")).toBeNull();
  });
});

const deb: PackageManifest = {
  manager: "dpkg",
  os: { id: "debian", versionId: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" },
  packages: [
    { name: "libstdc++6", epoch: null, version: "12.2.0", release: "14", arch: "amd64", source: "gcc-12", license: null },
    { name: "openssh-server", epoch: "1", version: "9.2p1", release: "2+deb12u3", arch: "amd64", source: "openssh", license: null },
  ],
};

describe("package URLs", () => {
  it("deb: full version with epoch, percent-encoded, arch and distro qualifiers", () => {
    expect(packageUrl(deb.packages[0]!, deb)).toBe("pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=debian-12");
    expect(packageUrl(deb.packages[1]!, deb)).toBe("pkg:deb/debian/openssh-server@1%3A9.2p1-2%2Bdeb12u3?arch=amd64&distro=debian-12");
  });
  it("rpm: version-release with the epoch as a qualifier", () => {
    const p: InstalledPackage = { name: "hello", epoch: "2", version: "1.2", release: "3.fc40", arch: "noarch", source: null, license: "MIT" };
    expect(packageUrl(p, { manager: "rpm", os: { id: "fedora", versionId: "40", prettyName: null } })).toBe("pkg:rpm/fedora/hello@1.2-3.fc40?arch=noarch&epoch=2&distro=fedora-40");
    expect(packageUrl(p, { manager: "none", os: null })).toBeNull();
  });
  it("fullVersion is what the package manager prints", () => expect(fullVersion(deb.packages[1]!)).toBe("1:9.2p1-2+deb12u3"));
});

describe("spdxDocument", () => {
  const doc = spdxDocument({ name: "app", version: "1.0", release: "2" }, deb, { created: new Date("2024-05-06T07:08:09.123Z"), uuid: "11111111-2222-4333-8444-555555555555", tool: "ksimage-0.1.0" });
  it("has the required SPDX 2.3 document fields", () => {
    expect(doc).toMatchObject({
      spdxVersion: "SPDX-2.3",
      dataLicense: "CC0-1.0",
      SPDXID: "SPDXRef-DOCUMENT",
      name: "app",
      documentNamespace: "https://spdx.org/spdxdocs/app-11111111-2222-4333-8444-555555555555",
      creationInfo: { created: "2024-05-06T07:08:09Z", creators: ["Tool: ksimage-0.1.0"] },
    });
  });
  it("describes the appliance, which CONTAINS every package, each with a purl", () => {
    const pkgs = doc.packages as Record<string, unknown>[];
    expect(pkgs.map((p) => [p.SPDXID, p.name, p.versionInfo])).toEqual([
      ["SPDXRef-Appliance", "app", "1.0-2"],
      ["SPDXRef-Package-1-libstdc--6", "libstdc++6", "12.2.0-14"],
      ["SPDXRef-Package-2-openssh-server", "openssh-server", "1:9.2p1-2+deb12u3"],
    ]);
    for (const p of pkgs) expect(p).toMatchObject({ downloadLocation: "NOASSERTION", filesAnalyzed: false });
    expect(pkgs[2]!.externalRefs).toEqual([{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:deb/debian/openssh-server@1%3A9.2p1-2%2Bdeb12u3?arch=amd64&distro=debian-12" }]);
    expect(doc.relationships).toEqual([
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Appliance" },
      { spdxElementId: "SPDXRef-Appliance", relationshipType: "CONTAINS", relatedSpdxElement: "SPDXRef-Package-1-libstdc--6" },
      { spdxElementId: "SPDXRef-Appliance", relationshipType: "CONTAINS", relatedSpdxElement: "SPDXRef-Package-2-openssh-server" },
    ]);
  });
  it("SPDX ids use only letters, digits, '.' and '-'", () => expect(spdxId(7, "a+b_c/d")).toBe("SPDXRef-Package-7-a-b-c-d"));
});

describe("packagesJsonText", () => {
  it("lists name, version, release, arch and source per package", () => {
    const json = JSON.parse(packagesJsonText("app", deb)) as { appliance: string; manager: string; packages: InstalledPackage[] };
    expect(json.appliance).toBe("app");
    expect(json.manager).toBe("dpkg");
    expect(json.packages[1]).toEqual({ name: "openssh-server", epoch: "1", version: "9.2p1", release: "2+deb12u3", arch: "amd64", source: "openssh", license: null });
  });
});
