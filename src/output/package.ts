// appliance-creator's delivery: --include copies files into the output directory, -p packs the directory into one archive.
import { lutimes, readdir, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { isDryRun, journal, publishFile, run, type Teardown } from "../run/index.js";
import type { PackageKind } from "./types.js";

// Copy an include into DEST: a directory's contents (as appliance-creator did; "dir/." survives no path.join), or the file itself; symlinks followed.
export function includeCopyArgs(src: string, isDirectory: boolean, dest: string): string[] {
  return ["cp", "-R", "-L", "--preserve=mode,timestamps", "--", isDirectory ? `${src.replace(/\/+$/, "")}/.` : src, `${dest}/`];
}

// Files below DIR, relative to it, sorted.
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesUnder(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

// Copy each include into DIR; refuses one that would replace an output. Returns the copied files, relative to DIR.
export async function copyIncludes(includes: readonly string[], dir: string, outputs: ReadonlySet<string>, teardown: Teardown): Promise<string[]> {
  const copied: string[] = [];
  for (const src of includes) {
    const info = await stat(src).catch(() => undefined);
    if (info === undefined) throw new UsageError(`--include ${src}: no such file or directory`);
    const files = info.isDirectory() ? await filesUnder(src) : [path.basename(src)];
    const clash = files.find((f) => outputs.has(f.split("/")[0]!));
    if (clash !== undefined) throw new UsageError(`--include ${src}: ${clash} would replace an output file of the same name`);
    for (const f of files) teardown.defer(`remove the included ${f}`, () => rm(path.join(dir, f), { force: true }));
    await run(includeCopyArgs(src, info.isDirectory(), dir), { reason: `copy --include ${src} into the output directory` });
    // Named in the journal like every other output until the build is finished (a killed build's reaper removes them).
    if (!isDryRun()) for (const f of files) journal()?.partial(path.join(dir, f));
    copied.push(...files);
  }
  return copied;
}

/** The archive argv and the environment it needs. */
export interface PackCommand {
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
}

const TAR_COMPRESS: Record<Exclude<PackageKind, "none" | "zip">, string[]> = { tar: [], "tar.gz": ["-z"], "tar.bz2": ["-j"], "tar.xz": ["-J"] };

// Pack ENTRIES of OUTDIR/NAME into ARCHIVE as NAME/<entry> (appliance-creator's layout); tar keeps the disks sparse.
// With EPOCH (reproducible builds): members sorted, owned by 0:0, times clamped; zip without extra attributes (its
// members' times are set to the epoch before packing); gzip through tar keeps no name or time.
export function packCommand(kind: Exclude<PackageKind, "none">, archive: string, outdir: string, name: string, entries: readonly string[], epoch?: number): PackCommand {
  const members = entries.map((e) => `${name}/${e}`);
  if (kind === "zip") return { argv: ["zip", "-r", "-q", ...(epoch === undefined ? [] : ["-X"]), archive, "--", ...(epoch === undefined ? members : [...members].sort())], cwd: outdir };
  const env = kind === "tar.xz" ? { XZ_OPT: "-T0" } : undefined;
  const repro = epoch === undefined ? [] : ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", `--mtime=@${epoch}`, "--clamp-mtime", "--format=posix", "--pax-option=delete=atime,delete=ctime"];
  return { argv: ["tar", "--sparse", ...repro, ...TAR_COMPRESS[kind], "-cf", archive, "--", ...members], cwd: outdir, ...(env ? { env } : {}) };
}

// Reproducible builds: every file and directory below DIR (and DIR) gets the epoch as its times, for zip.
export async function setTimesBelow(dir: string, epoch: number): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await setTimesBelow(p, epoch);
    await lutimes(p, epoch, epoch);
  }
  await lutimes(dir, epoch, epoch);
}

// Pack the outputs (ENTRIES, top-level names in the appliance directory) into ARCHIVE via .partial, then remove them
// and the directory if nothing else is left: the archive is the delivery. Other files there (a raw input) stay.
export async function packAppliance(
  kind: Exclude<PackageKind, "none">,
  archive: string,
  applianceDir: string,
  entries: readonly string[],
  teardown: Teardown,
  epoch?: number,
): Promise<void> {
  const partial = `${archive}.partial`;
  teardown.defer(`remove ${path.basename(archive)}`, async () => {
    await rm(partial, { force: true });
    await rm(archive, { force: true });
  });
  if (!isDryRun()) await rm(partial, { force: true });
  if (epoch !== undefined && !isDryRun()) await setTimesBelow(applianceDir, epoch);
  const cmd = packCommand(kind, partial, path.dirname(applianceDir), path.basename(applianceDir), entries, epoch);
  await run(cmd.argv, { cwd: cmd.cwd, env: cmd.env, reason: `pack the appliance as ${kind} (-p ${kind})` });
  if (isDryRun()) return;
  await publishFile(partial, archive);
  for (const e of entries) await rm(path.join(applianceDir, e), { recursive: true, force: true });
  await rmdir(applianceDir).catch(() => undefined);
}
