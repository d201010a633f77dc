// From a parsed kickstart to the BuildPlan: everything decided before a disk is touched, as pure data.
import path from "node:path";
import { PlanError } from "./errors.js";
import type { Kickstart } from "./kickstart/model.js";
import { planLayout, type LayoutOptions } from "./partition/layout.js";
import type { LayoutPlan } from "./partition/types.js";

/** Where the installed tree comes from. */
export type InstallSource =
  | { kind: "liveimg"; url: string; path: string; format: "tar" | "tar.gz" | "tar.xz" | "tar.zst" | "tar.bz2" | "image"; line: number }
  | { kind: "none"; reason: string };

/** One output file of the build. */
export interface OutputPlan {
  disk: string;
  format: "raw";
  path: string;
}

export interface BuildPlan {
  name: string;
  kickstart: string;
  outdir: string;
  /** Directory of this appliance's outputs: <outdir>/<name>. */
  applianceDir: string;
  layout: LayoutPlan;
  source: InstallSource;
  outputs: OutputPlan[];
}

export interface PlanOptions extends LayoutOptions {
  name?: string;
  outdir?: string;
}

/** Recognize a liveimg file by its name: a root tarball or a filesystem image. */
export function liveimgFormat(file: string): Extract<InstallSource, { kind: "liveimg" }>["format"] {
  if (/\.tar$/.test(file)) return "tar";
  if (/\.(tar\.gz|tgz)$/.test(file)) return "tar.gz";
  if (/\.(tar\.xz|txz)$/.test(file)) return "tar.xz";
  if (/\.(tar\.zst|tzst)$/.test(file)) return "tar.zst";
  if (/\.(tar\.bz2|tbz2)$/.test(file)) return "tar.bz2";
  return "image";
}

function planSource(ks: Kickstart): InstallSource {
  const live = ks.other.liveimg as { url?: string | null; lineno?: number } | undefined;
  if (live?.url) {
    if (!live.url.startsWith("file://")) {
      throw new PlanError(`liveimg --url=${live.url}: only file:// URLs are supported`, {
        file: ks.file,
        line: live.lineno ?? 0,
        includeStack: [ks.file],
      });
    }
    const file = decodeURIComponent(live.url.slice("file://".length));
    return { kind: "liveimg", url: live.url, path: file, format: liveimgFormat(file), line: live.lineno ?? 0 };
  }
  return { kind: "none", reason: "no installation source that builds without a package manager (liveimg --url=file://...)" };
}

/** Default appliance name: the kickstart's base name without extension. */
export function defaultName(kickstart: string): string {
  return path.basename(kickstart).replace(/\.(ks|cfg)$/, "");
}

/** Decide the whole build from the kickstart. Pure: reads no disk, runs no tool. */
export function buildPlan(ks: Kickstart, opts: PlanOptions = {}): BuildPlan {
  const name = opts.name ?? defaultName(ks.file);
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) {
    throw new PlanError(`appliance name "${name}" is not usable as a file name`, undefined, "use letters, digits, '.', '_', '+' and '-'");
  }
  const outdir = path.resolve(opts.outdir ?? ".");
  const applianceDir = path.join(outdir, name);
  const layout = planLayout(ks, opts);
  const outputs = layout.disks.map((d) => ({ disk: d.name, format: "raw" as const, path: path.join(applianceDir, `${name}-${d.name}.raw`) }));
  return { name, kickstart: ks.file, outdir, applianceDir, layout, source: planSource(ks), outputs };
}
