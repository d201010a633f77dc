// Find what builds whose process is dead left behind: their journals under the tmpdirs, and the loop devices,
// mounts, work directories and .partial files those journals (and the kernel) still show.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { mountsUnder } from "../partition/mount.js";
import { identityAlive, JOURNAL_FILE, readJournal, run, type JournalData } from "../run/index.js";

/** One loop device as losetup lists it. */
export interface LoopInfo {
  device: string;
  /** The backing file, without losetup's " (deleted)" suffix. */
  file: string;
  deleted: boolean;
  ino: number | undefined;
}

/** What one dead build left, as it stands now. */
export interface Leftover {
  journal: JournalData;
  loops: LoopInfo[];
  mounts: string[];
  workdir: string | undefined;
  files: string[];
}

/** Every build journal found: the dead builds' leftovers, and how many builds are still alive (left alone). */
export interface LeftoverScan {
  dead: Leftover[];
  live: JournalData[];
}

function inside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

// Parse `losetup --list --json --output NAME,BACK-FILE,BACK-INO`.
export function parseLoopList(stdout: string): LoopInfo[] {
  if (stdout.trim() === "") return [];
  const devices = (JSON.parse(stdout) as { loopdevices?: { name: string; "back-file": string | null; "back-ino": number | string | null }[] }).loopdevices ?? [];
  return devices.map((d) => {
    const back = d["back-file"] ?? "";
    const deleted = back.endsWith(" (deleted)");
    const ino = d["back-ino"] === null || d["back-ino"] === "" ? undefined : Number(d["back-ino"]);
    return { device: d.name, file: deleted ? back.slice(0, -" (deleted)".length) : back, deleted, ino };
  });
}

// Every loop device of the host with its backing file.
export async function listLoops(): Promise<LoopInfo[]> {
  const { stdout } = await run(["losetup", "--list", "--json", "--output", "NAME,BACK-FILE,BACK-INO"], { reason: "list loop devices", dryRun: false });
  return parseLoopList(stdout);
}

// The loops that belong to build J: the ones it journaled (same device, file and inode), any on its unfinished
// files (same inode), and any whose file lies in its work directory.
export function loopsOfBuild(j: JournalData, loops: readonly LoopInfo[]): LoopInfo[] {
  const sameIno = (a: number | undefined, b: number | undefined) => a === undefined || b === undefined || a === b;
  return loops.filter(
    (l) =>
      j.loops.some((r) => r.device === l.device && r.file === l.file && sameIno(r.ino, l.ino)) ||
      j.partials.some((p) => p.path === l.file && p.ino !== undefined && p.ino === l.ino) ||
      inside(l.file, j.workdir),
  );
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

// The unfinished files of build J still on disk: its disk files (same inode), and other *.partial in its appliance
// directory unless a live build writes there.
export function partialFilesOf(j: JournalData, live: readonly JournalData[]): string[] {
  const files = j.partials.filter((p) => p.ino !== undefined && inodeOf(p.path) === p.ino).map((p) => p.path);
  const dir = j.applianceDir;
  if (dir !== undefined && existsSync(dir) && !live.some((l) => l.applianceDir === dir)) {
    for (const name of readdirSync(dir)) if (name.endsWith(".partial")) files.push(path.join(dir, name));
  }
  return [...new Set(files)].sort();
}

// The journals in the work directories (ksimage-*) directly under each of TMPDIRS.
export function findJournals(tmpdirs: readonly string[]): JournalData[] {
  const out: JournalData[] = [];
  for (const dir of new Set(tmpdirs.map((d) => path.resolve(d)))) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of entries.filter((n) => n.startsWith("ksimage-"))) {
      const j = readJournal(path.join(dir, name, JOURNAL_FILE));
      if (j !== undefined && path.resolve(j.workdir) === path.join(dir, name)) out.push(j);
    }
  }
  return out;
}

// Scan TMPDIRS for build journals; for each dead build, what of it is still there. Live builds are only counted.
export async function scanLeftovers(tmpdirs: readonly string[]): Promise<LeftoverScan> {
  const journals = findJournals(tmpdirs);
  const live = journals.filter((j) => identityAlive(j));
  const deadJournals = journals.filter((j) => !identityAlive(j));
  if (deadJournals.length === 0) return { dead: [], live };
  const loops = await listLoops();
  // A loop device a live build journaled is never a dead build's, whatever else matches.
  const liveLoops = new Set(live.flatMap((j) => loopsOfBuild(j, loops)).map((l) => l.device));
  const dead: Leftover[] = [];
  for (const j of deadJournals) {
    dead.push({
      journal: j,
      loops: loopsOfBuild(j, loops).filter((l) => !liveLoops.has(l.device)),
      mounts: await mountsUnder(j.workdir),
      workdir: existsSync(j.workdir) ? j.workdir : undefined,
      files: partialFilesOf(j, live),
    });
  }
  return { dead, live };
}

// One line per thing a dead build left, for people.
export function describeLeftover(l: Leftover): string[] {
  return [
    `dead build (pid ${l.journal.pid}, started ${l.journal.started}):`,
    ...l.mounts.map((m) => `  mount ${m}`),
    ...l.loops.map((d) => `  loop device ${d.device} (${d.file}${d.deleted ? ", deleted" : ""})`),
    ...(l.workdir ? [`  work directory ${l.workdir}`] : []),
    ...l.files.map((f) => `  unfinished file ${f}`),
  ];
}
