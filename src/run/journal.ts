// The build journal: a small JSON file in the work directory naming the build's process and everything it acquired,
// so that `ksimage cleanup` (or the next build) can reap what a SIGKILLed build left behind.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getLogger } from "./logger.js";

/** The journal's file name inside a work directory. */
export const JOURNAL_FILE = "ksimage-journal.json";

/** Environment variables the namespace supervisor hands to the build it starts: its own pid and start time. */
export const OWNER_PID_ENV = "KSIMAGE_OWNER_PID";
export const OWNER_START_ENV = "KSIMAGE_OWNER_START";

const fileRef = z.object({ path: z.string(), ino: z.number().optional() });

export const journalSchema = z.object({
  version: z.literal(1),
  /** The process whose life is the build's life (the supervisor outside the build's namespaces, if any). */
  pid: z.number().int(),
  /** Its start time in clock ticks since boot (/proc/PID/stat field 22): a reused pid has another. */
  startTime: z.string(),
  /** The boot the pid belongs to: after a reboot no process of the journal can be alive. */
  bootId: z.string(),
  started: z.string(),
  workdir: z.string(),
  /** Where the outputs go: leftover *.partial files there are the build's. */
  applianceDir: z.string().optional(),
  /** Unfinished disk files, with their inode (a later build of the same name makes a new one). */
  partials: z.array(fileRef),
  /** Loop devices attached, with the backing file and its inode. */
  loops: z.array(z.object({ device: z.string(), file: z.string(), ino: z.number().optional() })),
  mounts: z.array(z.string()),
});

export type JournalData = z.infer<typeof journalSchema>;

/** A process identity that survives pid reuse: the pid, its start time, and the boot. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
  bootId: string;
}

// The start time of PID (clock ticks since boot), or undefined when no such process exists.
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

// This boot's id (kernel random boot_id), "" where the kernel does not tell.
export function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

// Who owns the build this process runs: the supervisor that started it in a namespace, or this process itself.
export function ownerIdentity(env: NodeJS.ProcessEnv = process.env): ProcessIdentity {
  const pid = Number(env[OWNER_PID_ENV]);
  const start = env[OWNER_START_ENV];
  if (Number.isInteger(pid) && pid > 0 && start) return { pid, startTime: start, bootId: bootId() };
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? "", bootId: bootId() };
}

// Whether the process named by ID still runs (same pid, same start time, same boot).
export function identityAlive(id: ProcessIdentity): boolean {
  if (id.bootId !== bootId()) return false;
  const start = processStartTime(id.pid);
  return start !== undefined && start === id.startTime;
}

function inode(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

// One build's journal: every record is on disk (write + rename) before the caller goes on.
export class BuildJournal {
  readonly file: string;
  private data: JournalData;

  constructor(workdir: string, owner: ProcessIdentity, applianceDir?: string) {
    this.file = path.join(workdir, JOURNAL_FILE);
    this.data = {
      version: 1,
      pid: owner.pid,
      startTime: owner.startTime,
      bootId: owner.bootId,
      started: new Date().toISOString(),
      workdir,
      ...(applianceDir ? { applianceDir } : {}),
      partials: [],
      loops: [],
      mounts: [],
    };
    this.write();
  }

  // Record an unfinished output file (after it exists: its inode tells it from a later build's file of the same name).
  // SAME_AS: the file FILE will be renamed from, recorded before the rename so that no moment leaves it unrecorded.
  partial(file: string, sameAs: string = file): void {
    this.data.partials.push({ path: file, ino: inode(sameAs) });
    this.write();
  }

  loop(device: string, file: string): void {
    this.data.loops.push({ device, file, ino: inode(file) });
    this.write();
  }

  mount(target: string): void {
    if (!this.data.mounts.includes(target)) this.data.mounts.push(target);
    this.write();
  }

  private write(): void {
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.data, null, 1) + "\n");
      renameSync(tmp, this.file);
    } catch (error) {
      // A journal that cannot be written (full disk) must not fail the build: the build still cleans up itself.
      getLogger().warn({ err: error, file: this.file }, "could not write the build journal");
    }
  }
}

let current: BuildJournal | undefined;

// Make JOURNAL the one acquisitions are recorded in (undefined: record nothing, e.g. in tests and dry runs).
export function setJournal(journal: BuildJournal | undefined): void {
  current = journal;
}

// Record an acquisition in the current build's journal, if there is one.
export function journal(): BuildJournal | undefined {
  return current;
}

// Read and check a journal file; undefined when it is missing or not a ksimage journal.
export function readJournal(file: string): JournalData | undefined {
  try {
    const parsed = journalSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
