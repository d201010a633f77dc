// The phases inside a package install, told apart by the installer's own output lines and the times they arrived.

/** The name every install phase starts with, so that the profile groups them. */
export const INSTALL = "install";

/**
 * mmdebstrap --verbose (and the apt and dpkg it runs): the line that starts a phase, and that phase. A line that matches
 * none continues the phase before it. dpkg prints "Unpacking X" before it unpacks X and "Setting up X" before X's
 * postinst runs, so the time until the next line is that work's.
 */
const MMDEBSTRAP_PHASES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^I: running apt-get update/, () => "metadata"],
  // apt update's index files ("Get:4 URI bookworm/main amd64 Packages [8790 kB]"), before a package's "Get:" line.
  [/^(Get|Hit|Ign):\d+ \S+ \S+(?: \S+)? (?:InRelease|Release(?:\.gpg)?|Packages|Sources|Translation-\S+)(?: \[|$)/, () => "metadata"],
  [/^I: downloading packages with apt/, () => "download"],
  [/^Get:\d+ /, () => "download"],
  [/^I: extracting archives/, () => "unpack"],
  [/^I: installing essential packages/, () => "unpack"],
  [/^(Selecting previously unselected package|Preparing to unpack|Unpacking) /, () => "unpack"],
  [/^Setting up /, () => "configure"],
  [/^Processing triggers for ([^\s:]+)/, (m) => `triggers (${m[1]})`],
  [/^update-initramfs: Generating /, () => "initramfs"],
  [/^I: /, () => "other"],
];

// The install phase an mmdebstrap output line starts ("download", "triggers (man-db)", ...), or null: it continues the last.
export function mmdebstrapLinePhase(line: string): string | null {
  const text = line.trim();
  for (const [pattern, name] of MMDEBSTRAP_PHASES) {
    const m = pattern.exec(text);
    if (m) return name(m);
  }
  return null;
}

/**
 * dnf's output: it downloads everything first, then rpm runs the transaction, in which unpacking ("Installing") and
 * scriptlets ("Running scriptlet") alternate per package; rpm's file triggers are printed as scriptlets too, so
 * configure includes them: dnf's output does not tell triggers apart.
 */
const DNF_PHASES: [RegExp, string][] = [
  [/^(Updating and loading repositories|Repositories loaded|Last metadata expiration check|.*: \d+(\.\d+)? [kMG]?B\/s \| .*\s\d\d:\d\d\s*$)/, "metadata"],
  [/^(Downloading Packages|\(\d+\/\d+\): )/, "download"],
  [/^Running transaction (check|test)/, "transaction check"],
  // Transaction lines end in a counter ("  Installing : ks-lib-1.0-1.noarch  1/3"); the table's "Installing:" header does not.
  [/^\s*(Preparing|Installing|Upgrading|Reinstalling|Downgrading)\s*:.*\s\d+\/\d+\s*$/, "unpack"],
  [/^\s*Running scriptlet\s*:.*\s\d+\/\d+\s*$/, "configure"],
  [/^\s*Verifying\s*:.*\s\d+\/\d+\s*$/, "verify"],
];

// The install phase a dnf output line starts, or null: it continues the last.
export function dnfLinePhase(line: string): string | null {
  for (const [pattern, name] of DNF_PHASES) if (pattern.test(line)) return name;
  return null;
}

/** Times the phases of one installer run from its output: the time from one line to the next goes to the phase in force. */
export class PhaseClock {
  private readonly seconds = new Map<string, number>();
  private phase: string;
  private since: number;

  constructor(
    private readonly classify: (line: string) => string | null,
    startMs: number,
    first = "other",
  ) {
    this.phase = first;
    this.since = startMs;
  }

  // One output line, arrived at AT (ms since the epoch).
  line(text: string, at: number): void {
    const next = this.classify(text);
    if (next === null || next === this.phase) return;
    this.close(at);
    this.phase = next;
  }

  // The run ended at END: the phases with their seconds, named "install: <phase>", in the order they first ran.
  finish(end: number): { phase: string; seconds: number }[] {
    this.close(end);
    return [...this.seconds].map(([phase, seconds]) => ({ phase: `${INSTALL}: ${phase}`, seconds }));
  }

  private close(at: number): void {
    const s = Math.max(0, at - this.since) / 1000;
    this.seconds.set(this.phase, (this.seconds.get(this.phase) ?? 0) + s);
    this.since = Math.max(at, this.since);
  }
}

// The phases of captured output: LINES with their arrival times (ms), the run from START to END.
export function phasesOfLines(classify: (line: string) => string | null, lines: readonly { at: number; line: string }[], start: number, end: number): { phase: string; seconds: number }[] {
  const clock = new PhaseClock(classify, start);
  for (const l of lines) clock.line(l.line, l.at);
  return clock.finish(end);
}
