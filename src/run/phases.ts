// The profile by phase of one build: the runner times each command and names its phase; the installers add theirs.

/** One phase of a build: its name, the step it ran in, and the seconds it took there (summed over its commands). */
export interface PhaseTime {
  phase: string;
  step: string;
  seconds: number;
}

/** The argv of a command as run, with the wrappers that run it in the guest (env -i ... chroot ROOT) taken off. */
export function innerCommand(argv: readonly string[]): string[] {
  let rest = [...argv];
  for (;;) {
    const [head = "", ...tail] = rest;
    const base = head.split("/").pop() ?? head;
    if (base === "env") {
      const i = tail.findIndex((a) => a !== "-i" && !a.includes("="));
      rest = i < 0 ? [] : tail.slice(i);
    } else if (base === "chroot") rest = tail.slice(1);
    else return rest;
  }
}

/** The phases the runner names by the command alone: [test on the command's base name and arguments, phase]. */
const COMMAND_PHASES: [(name: string, args: readonly string[]) => boolean, string][] = [
  [(n) => /^mkfs(\.|$)/.test(n) || n === "mke2fs" || n === "mkswap", "mkfs"],
  [(n) => /^grub2?-(install|mkconfig|mkimage|probe|bios-setup)$/.test(n), "grub"],
  [(n, a) => n === "qemu-img" && a[0] === "convert", "conversion"],
  [(n, a) => n === "sha256sum" || (n === "openssl" && a[0] === "dgst"), "checksums"],
  [(n) => n === "mksquashfs", "squashfs"],
  [(n) => n === "xorriso", "iso"],
];

// The phase of a command the runner ran (by its inner argv; a caller may name it instead), or null: no phase of its own.
export function commandPhase(argv: readonly string[]): string | null {
  const [head = "", ...args] = innerCommand(argv);
  const name = head.split("/").pop() ?? head;
  for (const [test, phase] of COMMAND_PHASES) if (test(name, args)) return phase;
  return null;
}

/** Collects the phases of one build; the build tells it which step is running. */
export class PhaseRecorder {
  private readonly times = new Map<string, { phase: string; step: string; seconds: number; spans: [number, number][] }>();
  step = "start";

  // Add SECONDS to PHASE in the current step (an installer's phases, which follow one another).
  add(phase: string, seconds: number): void {
    if (seconds >= 0) this.entry(phase).seconds += seconds;
  }

  // PHASE ran from START to END (ms): commands of one phase that overlap (hashes in parallel) count once, as wall time.
  addSpan(phase: string, start: number, end: number): void {
    if (end >= start) this.entry(phase).spans.push([start, end]);
  }

  // The phases in the order they first ran, seconds rounded to milliseconds.
  list(): PhaseTime[] {
    return [...this.times.values()].map((t) => ({ phase: t.phase, step: t.step, seconds: Math.round((t.seconds + unionMs(t.spans) / 1000) * 1000) / 1000 }));
  }

  private entry(phase: string) {
    const key = `${this.step}\u0000${phase}`;
    let t = this.times.get(key);
    if (t === undefined) this.times.set(key, (t = { phase, step: this.step, seconds: 0, spans: [] }));
    return t;
  }
}

// The length of the union of SPANS (ms).
export function unionMs(spans: readonly [number, number][]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

let current: PhaseRecorder | undefined;

// Make RECORDER the one the runner and the installers report to (undefined: none, e.g. outside a build).
export function setPhaseRecorder(recorder: PhaseRecorder | undefined): void {
  current = recorder;
}

// Add SECONDS to PHASE of the running build, if one is recording.
export function recordPhase(phase: string, seconds: number): void {
  current?.add(phase, seconds);
}

// Called by the runner for every command that ran from START to END (ms): the time goes to its phase, if it has one.
export function recordCommandTime(argv: readonly string[], phase: string | undefined, start: number, end: number): void {
  if (current === undefined) return;
  const name = phase ?? commandPhase(argv);
  if (name !== null) current.addSpan(name, start, end);
}

// The N longest phases, longest first (the bench prints three).
export function biggestPhases(phases: readonly PhaseTime[], n: number): PhaseTime[] {
  return [...phases].sort((a, b) => b.seconds - a.seconds).slice(0, n);
}
