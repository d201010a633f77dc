// Read the installed packages of an image root from its own database (dpkg or rpm), before it is unmounted.
import { existsSync } from "node:fs";
import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import { getLogger, run } from "../run/index.js";
import type { InstalledPackage, PackageManifest } from "./types.js";

/** dpkg-query fields, tab-separated: name, version, arch, source package, status abbreviation. */
export const DPKG_FORMAT = "${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${db:Status-Abbrev}\\n";
/** rpm query format, tab-separated. */
export const RPM_FORMAT = "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\n";

// dpkg-query against the image's own database (never the host's).
export function dpkgQueryArgs(root: string): string[] {
  return ["dpkg-query", `--admindir=${path.join(root, "var/lib/dpkg")}`, "--show", `--showformat=${DPKG_FORMAT}`];
}

// rpm against the image's database; --dbpath is inside the root (Debian's rpm would otherwise look in ~/.rpmdb).
export function rpmQueryArgs(root: string, dbpath: string): string[] {
  return ["rpm", "--root", root, "--dbpath", dbpath, "-qa", "--qf", RPM_FORMAT];
}

// Split a Debian version into epoch, upstream version and revision (after the last hyphen).
export function splitDebianVersion(v: string): { epoch: string | null; version: string; release: string | null } {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? v.slice(0, colon) : null;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash > 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: null };
}

// Parse dpkg-query's output; only packages that are installed (status i, or awaiting/pending triggers) count.
export function parseDpkgQuery(stdout: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    const [name = "", full = "", arch = "", source = "", status = ""] = line.split("\t");
    if (!/^.[iWt]/.test(status)) continue;
    out.push({ name, ...splitDebianVersion(full), arch, source: source === "" ? null : source, license: null });
  }
  return sortPackages(out);
}

// Parse rpm's output; gpg-pubkey entries are keys, not packages.
export function parseRpmQuery(stdout: string): InstalledPackage[] {
  const none = (s: string | undefined): string | null => (s === undefined || s === "" || s === "(none)" ? null : s);
  const out: InstalledPackage[] = [];
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    const [name = "", epoch, version = "", release, arch = "", source, license] = line.split("\t");
    if (name === "gpg-pubkey") continue;
    out.push({ name, epoch: none(epoch), version, release: none(release), arch, source: none(source), license: none(license) });
  }
  return sortPackages(out);
}

function sortPackages(list: InstalledPackage[]): InstalledPackage[] {
  return list.sort((a, b) => (a.name === b.name ? (a.arch < b.arch ? -1 : 1) : a.name < b.name ? -1 : 1));
}

/** Where an image keeps its rpm database: Fedora 36+ under /usr/lib/sysimage, older ones in /var/lib. */
export const RPMDB_PATHS = ["/usr/lib/sysimage/rpm", "/var/lib/rpm"] as const;

// Parse os-release text into ID, VERSION_ID and PRETTY_NAME.
export function parseOsRelease(text: string): PackageManifest["os"] {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, "$2"));
  }
  const id = values.get("ID");
  return id === undefined ? null : { id, versionId: values.get("VERSION_ID") ?? null, prettyName: values.get("PRETTY_NAME") ?? null };
}

// etc/os-release when it is a plain file; else usr/lib/os-release (a symlink in the image could point at the host's file).
async function readOsRelease(root: string): Promise<PackageManifest["os"]> {
  const etc = path.join(root, "etc/os-release");
  const etcIsFile = await lstat(etc).then((s) => s.isFile(), () => false);
  const text = await readFile(etcIsFile ? etc : path.join(root, "usr/lib/os-release"), "utf8").catch(() => undefined);
  return text === undefined ? null : parseOsRelease(text);
}

// The packages installed in ROOT, from whichever database it has (dpkg first); "none" when it has neither.
export async function collectPackages(root: string): Promise<PackageManifest> {
  const os = await readOsRelease(root);
  if (existsSync(path.join(root, "var/lib/dpkg/status"))) {
    const { stdout } = await run(dpkgQueryArgs(root), { reason: "list the installed packages for the manifest and SBOM" });
    return { manager: "dpkg", os, packages: parseDpkgQuery(stdout) };
  }
  const dbpath = RPMDB_PATHS.find((p) => existsSync(path.join(root, p, "rpmdb.sqlite")) || existsSync(path.join(root, p, "Packages")));
  if (dbpath !== undefined) {
    const { stdout } = await run(rpmQueryArgs(root, dbpath), { reason: "list the installed packages for the manifest and SBOM" });
    return { manager: "rpm", os, packages: parseRpmQuery(stdout) };
  }
  getLogger().warn({ root }, "the image has no dpkg or rpm database: the package manifest and SBOM list no packages");
  return { manager: "none", os, packages: [] };
}

// <name>.packages.json: the appliance, where the list came from, and one entry per package.
export function packagesJsonText(appliance: string, manifest: PackageManifest): string {
  const sources = manifest.sources === undefined ? {} : { sources: manifest.sources };
  return `${JSON.stringify({ appliance, manager: manifest.manager, os: manifest.os, ...sources, packages: manifest.packages }, null, 2)}\n`;
}
