// Fill each vfat filesystem (other than through the boot loader) from the installed tree with mtools: FAT is never mounted.
import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { KsimageError, PlanError } from "../errors.js";
import { getLogger, isDryRun, run } from "../run/index.js";
import type { LayoutPlan, MountPlan } from "./types.js";

/** mtools must not refuse a FAT whose geometry it dislikes (HOST-NOTES pitfall 10). */
const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: "1" };
/** Characters a FAT long name cannot hold. */
const FAT_FORBIDDEN = /["*/:<>?\\|]/;
// Control characters (below 0x20) are not allowed either.
const hasControl = (name: string): boolean => [...name].some((ch) => ch.charCodeAt(0) < 0x20);

/** One vfat filesystem to fill: its mount point and where mtools finds it. */
export interface VfatTarget {
  mountpoint: string;
  /** The raw disk file at the partition's byte offset: "FILE@@OFFSET". */
  image: string;
}

/** What is in the tree below a vfat mount point, checked for what FAT can hold. */
export interface VfatTree {
  dirs: string[];
  files: string[];
}

// The vfat mounts of LAYOUT with their mtools image addresses in the raw disk files.
export function vfatTargets(layout: LayoutPlan, rawFiles: Record<string, string>): VfatTarget[] {
  return layout.mounts
    .filter((m) => m.fstype === "vfat")
    .map((m) => {
      const disk = layout.disks.find((d) => d.name === m.disk);
      const part = disk?.partitions.find((p) => p.number === m.partition);
      const raw = rawFiles[m.disk];
      if (part === undefined || raw === undefined) throw new KsimageError(`no raw disk file for the vfat filesystem at ${m.mountpoint}`);
      return { mountpoint: m.mountpoint, image: `${raw}@@${part.startSector * 512}` };
    });
}

// A mount point below a vfat mount point would be copied into FAT instead of being mounted: refused at plan time.
export function refuseMountsUnderVfat(layout: LayoutPlan, file: string): void {
  const vfat = layout.mounts.filter((m) => m.fstype === "vfat");
  const at = { file, line: 0, includeStack: [file] };
  for (const v of vfat) {
    if (v.volume !== undefined) throw new PlanError(`the vfat filesystem at ${v.mountpoint} is on the logical volume ${v.volume}: ksimage fills vfat with mtools only on partitions`, at, "make it a part line");
    const inner = layout.mounts.find((m: MountPlan) => m !== v && m.mountpoint.startsWith(`${v.mountpoint}/`));
    if (inner) {
      throw new PlanError(`${inner.mountpoint} is below the vfat mount point ${v.mountpoint}: ksimage fills vfat from the tree without mounting it, so nothing can be mounted inside it`, at);
    }
  }
}

// The mcopy argv that copies ENTRIES (host paths) recursively into the FAT root, keeping times, stopping at the first failure.
export function mcopyTreeArgs(image: string, entries: readonly string[], to = "::/"): string[] {
  return ["mcopy", "-s", "-p", "-m", "-Q", "-i", image, ...entries, to];
}

// The mdir argv that lists every file of the FAT recursively, one path per line.
export function mdirRecursiveArgs(image: string): string[] {
  return ["mdir", "-b", "-/", "-i", image, "::/"];
}

// Walk DIR (a directory of the installed tree): every directory and regular file, relative; anything FAT cannot hold is an error.
export async function scanVfatTree(dir: string, mountpoint: string): Promise<VfatTree> {
  const tree: VfatTree = { dirs: [], files: [] };
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(dir, rel))).sort();
    const lower = new Map<string, string>();
    for (const name of names) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const where = path.posix.join(mountpoint, relPath);
      if (FAT_FORBIDDEN.test(name) || hasControl(name) || /[. ]$/.test(name)) throw new KsimageError(`${where}: FAT cannot hold this file name (the vfat filesystem at ${mountpoint})`);
      const twin = lower.get(name.toLowerCase());
      if (twin !== undefined) throw new KsimageError(`${where} and ${path.posix.join(mountpoint, rel, twin)} differ only in case, which FAT cannot tell apart`);
      lower.set(name.toLowerCase(), name);
      const info = await lstat(path.join(dir, relPath));
      if (info.isDirectory()) {
        tree.dirs.push(relPath);
        await walk(relPath);
      } else if (info.isFile()) tree.files.push(relPath);
      else throw new KsimageError(`${where} is a ${info.isSymbolicLink() ? "symbolic link" : "special file"}, which FAT cannot hold (the vfat filesystem at ${mountpoint})`);
    }
  };
  await walk("");
  return tree;
}

// Files already on the FAT (the boot loader's, on an ESP), lower-cased and without the leading "::/".
async function existingFiles(image: string): Promise<Set<string>> {
  const { stdout } = await run(mdirRecursiveArgs(image), { env: MTOOLS_ENV, reason: "list what is already on the vfat filesystem", allowExitCodes: [1] });
  return new Set(
    stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("::/") && !l.endsWith("/"))
      .map((l) => l.slice(3).toLowerCase()),
  );
}

// Copy the tree below each vfat mount point onto its filesystem, then empty the mount point in the root filesystem,
// where the files would only be hidden under the mount at boot. Files the boot loader already put on an ESP are kept
// (the tree's copy is skipped, with a warning). Returns the warnings.
export async function fillVfatFilesystems(targets: readonly VfatTarget[], root: string): Promise<string[]> {
  const warnings: string[] = [];
  for (const t of targets) {
    const dir = path.join(root, path.relative("/", t.mountpoint));
    if (isDryRun()) {
      await run(mcopyTreeArgs(t.image, [`${dir}/*`]), { env: MTOOLS_ENV, reason: `copy ${t.mountpoint} onto its vfat filesystem (mtools)` });
      continue;
    }
    const tree = await scanVfatTree(dir, t.mountpoint);
    if (tree.files.length === 0 && tree.dirs.length === 0) continue;
    const existing = await existingFiles(t.image);
    const clashes = tree.files.filter((f) => existing.has(f.toLowerCase()));
    const reason = `copy ${t.mountpoint} from the installed tree onto its vfat filesystem (mtools; FAT is never mounted)`;
    if (clashes.length === 0) {
      const top = [...new Set([...tree.dirs, ...tree.files].map((p) => p.split("/")[0]!))].map((n) => path.join(dir, n));
      await run(mcopyTreeArgs(t.image, top), { env: MTOOLS_ENV, reason });
    } else {
      for (const c of clashes) warnings.push(`${path.posix.join(t.mountpoint, c)}: the boot loader's file is kept; the installed tree's copy is not written`);
      const existingDirs = new Set([...existing].flatMap((f) => f.split("/").slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join("/"))));
      for (const d of tree.dirs) if (!existingDirs.has(d.toLowerCase())) await run(["mmd", "-i", t.image, `::/${d}`], { env: MTOOLS_ENV, reason });
      for (const f of tree.files.filter((x) => !clashes.includes(x))) await run(["mcopy", "-p", "-m", "-i", t.image, path.join(dir, f), `::/${f}`], { env: MTOOLS_ENV, reason });
    }
    for (const name of await readdir(dir)) await rm(path.join(dir, name), { recursive: true, force: true });
    getLogger().info({ mountpoint: t.mountpoint, files: tree.files.length, dirs: tree.dirs.length }, `filled the vfat filesystem at ${t.mountpoint}`);
  }
  return warnings;
}

// The host tools fillVfatFilesystems runs for LAYOUT, and why.
export function vfatFillTools(layout: LayoutPlan): { tool: string; reason: string }[] {
  if (!layout.mounts.some((m) => m.fstype === "vfat")) return [];
  const reason = "copy files onto vfat filesystems without mounting them";
  return ["mcopy", "mdir", "mmd"].map((tool) => ({ tool, reason }));
}
