// An SPDX 2.3 JSON SBOM of the appliance: the appliance as one package that CONTAINS every installed package, with package URLs.
import type { InstalledPackage, PackageManifest } from "./types.js";

/** What varies between runs, passed in so the document is a pure function of its inputs. */
export interface SpdxOptions {
  /** Creation time (SPDX wants whole seconds, UTC). */
  created: Date;
  /** A fresh UUID: makes documentNamespace unique per document, as SPDX requires. */
  uuid: string;
  /** The tool that made the document, e.g. "ksimage-0.1.0". */
  tool: string;
}

/** The appliance being described. */
export interface SpdxAppliance {
  name: string;
  version: string | null;
  release: string | null;
}

const enc = encodeURIComponent;

// The full version as the package manager writes it: [epoch:]version[-release].
export function fullVersion(p: InstalledPackage): string {
  return `${p.epoch !== null ? `${p.epoch}:` : ""}${p.version}${p.release !== null ? `-${p.release}` : ""}`;
}

// A package URL (purl-spec) for one installed package; null when the database is unknown.
export function packageUrl(p: InstalledPackage, manifest: Pick<PackageManifest, "manager" | "os">): string | null {
  const distro = manifest.os === null ? [] : [`distro=${enc(manifest.os.versionId === null ? manifest.os.id : `${manifest.os.id}-${manifest.os.versionId}`)}`];
  const ns = manifest.os === null ? "" : `${enc(manifest.os.id)}/`;
  if (manifest.manager === "dpkg") {
    return `pkg:deb/${ns}${enc(p.name)}@${enc(fullVersion(p))}?${[`arch=${enc(p.arch)}`, ...distro].join("&")}`;
  }
  if (manifest.manager === "rpm") {
    const version = `${p.version}${p.release !== null ? `-${p.release}` : ""}`;
    const qualifiers = [`arch=${enc(p.arch)}`, ...(p.epoch !== null ? [`epoch=${enc(p.epoch)}`] : []), ...distro];
    return `pkg:rpm/${ns}${enc(p.name)}@${enc(version)}?${qualifiers.join("&")}`;
  }
  return null;
}

// SPDX identifiers allow letters, digits, '.' and '-': other characters become '-', and the index keeps them unique.
export function spdxId(index: number, name: string): string {
  return `SPDXRef-Package-${index}-${name.replace(/[^A-Za-z0-9.-]/g, "-")}`;
}

// SPDX wants "YYYY-MM-DDThh:mm:ssZ", without milliseconds.
function spdxTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

// Build the SPDX 2.3 document (a plain object, ready for JSON.stringify).
export function spdxDocument(appliance: SpdxAppliance, manifest: PackageManifest, opts: SpdxOptions): Record<string, unknown> {
  const applianceId = "SPDXRef-Appliance";
  const noAssertion = { downloadLocation: "NOASSERTION", filesAnalyzed: false, licenseConcluded: "NOASSERTION", licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION" };
  const packages = manifest.packages.map((p, i) => {
    const purl = packageUrl(p, manifest);
    const comment = p.license !== null ? { comment: `License tag of the ${manifest.manager} package: ${p.license}` } : {};
    return {
      SPDXID: spdxId(i + 1, p.name),
      name: p.name,
      versionInfo: fullVersion(p),
      supplier: "NOASSERTION",
      ...noAssertion,
      ...(p.source !== null ? { sourceInfo: `built from the source package ${p.source}` } : {}),
      ...comment,
      ...(purl !== null ? { externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl }] } : {}),
    };
  });
  const version = appliance.version === null ? null : `${appliance.version}${appliance.release !== null ? `-${appliance.release}` : ""}`;
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: appliance.name,
    documentNamespace: `https://spdx.org/spdxdocs/${enc(appliance.name)}-${opts.uuid}`,
    creationInfo: { created: spdxTime(opts.created), creators: [`Tool: ${opts.tool}`] },
    packages: [
      {
        SPDXID: applianceId,
        name: appliance.name,
        ...(version !== null ? { versionInfo: version } : {}),
        supplier: "NOASSERTION",
        ...noAssertion,
        primaryPackagePurpose: "OPERATING-SYSTEM",
        ...(manifest.os?.prettyName ? { description: `appliance based on ${manifest.os.prettyName}` } : {}),
      },
      ...packages,
    ],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: applianceId },
      ...packages.map((p) => ({ spdxElementId: applianceId, relationshipType: "CONTAINS", relatedSpdxElement: p.SPDXID })),
    ],
  };
}
