// findPackageRoot walks up to ksimage's own package.json from any depth (src/ under tsx, dist/ from tsc, the bundled dist/cli.js).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findPackageRoot, ksimageVersion, packageFile, packageRoot } from "../../src/package-root.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(path.join(tmpdir(), "ksimage-pkgroot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("findPackageRoot", () => {
  it("finds the directory whose package.json is named ksimage, from every depth below it", () => {
    const root = path.join(dir, "pkg");
    mkdirSync(path.join(root, "dist/installer/bootloader"), { recursive: true });
    writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "ksimage", version: "9.9.9" }));
    for (const sub of ["", "dist", "dist/installer", "dist/installer/bootloader"]) expect(findPackageRoot(path.join(root, sub))).toBe(root);
  });

  it("walks past a package.json of another name (a nested or foreign package) and one that is not JSON", () => {
    const root = path.join(dir, "outer");
    mkdirSync(path.join(root, "node_modules/other/lib"), { recursive: true });
    writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "ksimage" }));
    writeFileSync(path.join(root, "node_modules/other/package.json"), JSON.stringify({ name: "other" }));
    writeFileSync(path.join(root, "node_modules/other/lib/package.json"), "not json");
    expect(findPackageRoot(path.join(root, "node_modules/other/lib"))).toBe(root);
  });

  it("returns null when no directory up to / holds ksimage's package.json", () => {
    const lone = path.join(dir, "lone/a/b");
    mkdirSync(lone, { recursive: true });
    writeFileSync(path.join(dir, "lone/package.json"), JSON.stringify({ name: "not-ksimage" }));
    expect(findPackageRoot(lone)).toBeNull();
  });
});

describe("packageRoot, packageFile and ksimageVersion from this checkout", () => {
  it("find the checkout's root, its templates and its package.json version", () => {
    expect(packageRoot()).toBe(repo);
    expect(readFileSync(packageFile("templates", "fstab.hbs"), "utf8")).toContain("{{");
    const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string };
    expect(ksimageVersion()).toBe(pkg.version);
    expect(ksimageVersion()).not.toBe("unknown");
  });
});
