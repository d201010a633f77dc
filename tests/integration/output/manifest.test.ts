// Package manifest and SPDX SBOM from real package databases: a copy of the host's dpkg status, and an rpmdb made with rpm.
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPackages, writeOutputs } from "../../../src/output/index.js";
import type { InstalledPackage } from "../../../src/output/types.js";
import { run, which } from "../../../src/run/index.js";
import { DISK_BYTES, makeRawDisk, makeSandbox, removeSandbox } from "./raw-disk.js";

let dir = "";
beforeAll(async () => {
  dir = await makeSandbox();
});
afterAll(() => removeSandbox(dir));

describe("dpkg database", () => {
  it("lists what dpkg-query lists, and the SPDX 2.3 document and packages.json carry every package", async () => {
    const root = path.join(dir, "deb-root");
    await mkdir(path.join(root, "var/lib/dpkg"), { recursive: true });
    await mkdir(path.join(root, "etc"), { recursive: true });
    // A real database: the host's own status file, read through --admindir (never the host's path).
    await copyFile("/var/lib/dpkg/status", path.join(root, "var/lib/dpkg/status"));
    await writeFile(path.join(root, "etc/os-release"), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
    const manifest = await collectPackages(root);
    expect(manifest.manager).toBe("dpkg");
    expect(manifest.os).toEqual({ id: "debian", versionId: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" });
    const { stdout } = await run(["dpkg-query", "--admindir=/var/lib/dpkg", "-W", "-f=${db:Status-Abbrev} ${Package}\\n"]);
    const installed = stdout.split("\n").filter((l) => l.startsWith("ii ")).map((l) => l.slice(4)).sort();
    expect(manifest.packages.map((p) => p.name).sort()).toEqual(installed);
    const dpkg = manifest.packages.find((p) => p.name === "dpkg")!;
    expect(dpkg).toMatchObject({ source: "dpkg", arch: expect.stringMatching(/^[a-z0-9]+$/) });

    const raw = await makeRawDisk(dir, "in.raw");
    const outdir = path.join(dir, "out");
    await writeOutputs({
      name: "deb",
      version: "1",
      release: null,
      arch: "x86_64",
      disks: [{ name: "sda", rawPath: raw, sizeBytes: DISK_BYTES }],
      formats: ["raw"],
      compress: "none",
      vcpu: 1,
      memoryMiB: 256,
      networks: [],
      uefi: false,
      checksum: false,
      outdir,
      packages: manifest,
    });
    const doc = JSON.parse(await readFile(path.join(outdir, "deb", "deb.spdx.json"), "utf8")) as Record<string, unknown> & {
      packages: { SPDXID: string; name: string; versionInfo?: string; downloadLocation: string; externalRefs?: { referenceLocator: string }[] }[];
      relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
      creationInfo: { created: string; creators: string[] };
    };
    for (const field of ["spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo", "packages"]) expect(doc).toHaveProperty(field);
    expect([doc.spdxVersion, doc.dataLicense, doc.SPDXID]).toEqual(["SPDX-2.3", "CC0-1.0", "SPDXRef-DOCUMENT"]);
    expect(doc.creationInfo.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(doc.creationInfo.creators[0]).toMatch(/^Tool: ksimage-/);
    expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toBe(doc.packages.length);
    for (const p of doc.packages) expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(doc.packages.slice(1).map((p) => p.name).sort()).toEqual(installed);
    const spdxDpkg = doc.packages.find((p) => p.name === "dpkg")!;
    expect(spdxDpkg.externalRefs![0]!.referenceLocator).toMatch(/^pkg:deb\/debian\/dpkg@[^?]+\?arch=[a-z0-9]+&distro=debian-12$/);
    expect(doc.relationships.filter((r) => r.relationshipType === "CONTAINS")).toHaveLength(installed.length);
    const json = JSON.parse(await readFile(path.join(outdir, "deb", "deb.packages.json"), "utf8")) as { packages: InstalledPackage[] };
    expect(json.packages).toEqual(manifest.packages);
    await run(["sha256sum", "--strict", "-c", "SHA256SUMS"], { cwd: path.join(outdir, "deb") });
  });
});

// rpmbuild (Debian package "rpm") makes a real package; without it there is no rpmdb to read.
const rpmTools = (await which("rpmbuild")) !== undefined && (await which("rpm")) !== undefined;

describe("rpm database", () => {
  it.skipIf(!rpmTools)("reads name, epoch, version, release, arch, source RPM and license from an rpmdb inside the root", async () => {
    const top = path.join(dir, "rpmbuild");
    const home = path.join(dir, "rpmhome");
    await mkdir(path.join(top, "SPECS"), { recursive: true });
    await mkdir(home, { recursive: true });
    // Debian's rpm keeps its database in ~/.rpmdb unless told otherwise (HOST-NOTES pitfall 18).
    await writeFile(path.join(home, ".rpmmacros"), "%_dbpath /var/lib/rpm\n");
    await writeFile(
      path.join(top, "SPECS", "hello.spec"),
      "Name: hello-appliance\nVersion: 1.2\nRelease: 3\nEpoch: 2\nSummary: test\nLicense: MIT\nBuildArch: noarch\n%description\ntest\n%files\n",
    );
    await run(["rpmbuild", "--define", `_topdir ${top}`, "-bb", path.join(top, "SPECS", "hello.spec")], { env: { HOME: home } });
    const root = path.join(dir, "rpm-root");
    await mkdir(root, { recursive: true });
    await run(["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--justdb", "--nodeps", "--noscripts", path.join(top, "RPMS", "noarch", "hello-appliance-1.2-3.noarch.rpm")]);
    const manifest = await collectPackages(root);
    expect(manifest).toEqual({
      manager: "rpm",
      os: null,
      packages: [{ name: "hello-appliance", epoch: "2", version: "1.2", release: "3", arch: "noarch", source: "hello-appliance-1.2-3.src.rpm", license: "MIT" }],
    });
  });
});

describe("no database", () => {
  it("an empty manifest, not an error", async () => {
    const root = path.join(dir, "empty-root");
    await mkdir(root, { recursive: true });
    expect(await collectPackages(root)).toEqual({ manager: "none", os: null, packages: [] });
  });
});
