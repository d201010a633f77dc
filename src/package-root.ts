// Find ksimage's own files (templates/, package.json) from whichever layout runs: src/ under tsx, dist/ from tsc, or the bundled dist/cli.js.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NAME = "ksimage";
let cached: string | undefined;

// The nearest directory at or above FROM whose package.json is named "ksimage", or null (pure: no cache).
export function findPackageRoot(from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file) && readName(file) === NAME) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function readName(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

// ksimage's package root, found once by walking up from this module (a module's depth differs between src/, dist/ and the bundle).
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = findPackageRoot(here);
  if (root === null) throw new Error(`ksimage's package.json (name "${NAME}") is not in ${here} or any directory above it`);
  return (cached = root);
}

// The absolute path of a file shipped with ksimage, e.g. packageFile("templates", "fstab.hbs").
export function packageFile(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}

// ksimage's version from its package.json, or "unknown" when the package cannot be found or read.
export function ksimageVersion(): string {
  try {
    return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
