// The dry-run switch and the recorder behind `ksimage plan --commands`.

/** One command that a dry run would have executed; secrets are already masked. */
export interface RecordedCommand {
  argv: string[];
  /** The shell-quoted, redacted command line. */
  line: string;
  cwd?: string;
  reason?: string;
}

let dryRun = false;
let recorded: RecordedCommand[] = [];

// Turn the process-wide dry-run switch on or off: when on, run() records commands instead of executing them.
export function setDryRun(on: boolean): void {
  dryRun = on;
}

// Say whether the process-wide dry-run switch is on.
export function isDryRun(): boolean {
  return dryRun;
}

// Append one command to the record (called by run() in dry-run).
export function recordCommand(command: RecordedCommand): void {
  recorded.push(command);
}

// Return a copy of every command recorded since the last clear.
export function getRecordedCommands(): RecordedCommand[] {
  return recorded.map((c) => ({ ...c, argv: [...c.argv] }));
}

// Forget all recorded commands.
export function clearRecordedCommands(): void {
  recorded = [];
}

// Run fn with dry-run on and return its value plus exactly the commands it would have run.
export async function recordCommands<T>(fn: () => Promise<T> | T): Promise<{ value: T; commands: RecordedCommand[] }> {
  const savedSwitch = dryRun;
  const savedRecord = recorded;
  recorded = [];
  dryRun = true;
  try {
    const value = await fn();
    return { value, commands: getRecordedCommands() };
  } finally {
    dryRun = savedSwitch;
    recorded = savedRecord;
  }
}
