// Run a build in its own mount and PID namespaces: its mounts vanish with it, no other process (another build,
// `unshare -m`, mmdebstrap, udisks) copies them, and no child can outlive it (the kernel kills the namespace's
// processes when its first process dies). The process the user started stays outside as a thin supervisor.
import { constants } from "node:os";
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { OWNER_PID_ENV, OWNER_START_ENV, processStartTime } from "./journal.js";
import { getLogger } from "./logger.js";

/** Set to "1" in the build the supervisor starts; "off" turns the namespaces off (debugging only). */
export const NAMESPACE_ENV = "KSIMAGE_BUILD_NAMESPACE";

let enabled = false;

// Let buildFromFile re-execute the command line in a namespace (only the real CLI entries do: tests call it in-process).
export function enableBuildNamespace(): void {
  enabled = true;
}

// Whether this process should start the build in new namespaces instead of building itself.
export function wantBuildNamespace(env: NodeJS.ProcessEnv = process.env): boolean {
  return enabled && env[NAMESPACE_ENV] !== "1" && env[NAMESPACE_ENV] !== "off";
}

// Whether this process is the build a supervisor started in its namespaces.
export function insideBuildNamespace(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[NAMESPACE_ENV] === "1";
}

// The argv that runs COMMAND as PID 1 of new mount (private propagation) and PID namespaces, with /proc of its own;
// setpriv makes it die with its parent (pdeathsig survives the exec into unshare), and --kill-child takes the build along.
export function namespaceArgv(command: readonly string[]): string[] {
  return [
    "setpriv", "--pdeathsig", "KILL", "--",
    "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc", "--",
    ...command,
  ];
}

// Why namespaces cannot be made here (undefined: they can); one quick trial run of the same argv.
export async function namespaceUnavailable(): Promise<string | undefined> {
  const r = await execa(namespaceArgv(["true"])[0]!, namespaceArgv(["true"]).slice(1), { reject: false, stdin: "ignore" });
  if (r.exitCode === 0) return undefined;
  return (typeof r.stderr === "string" && r.stderr.trim()) || r.shortMessage || `exit code ${String(r.exitCode)}`;
}

// The pid (as this process sees it) of the build that unshare forked: the only child of the unshare process.
function buildPid(unsharePid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children.length > 0 ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

// Run COMMAND (this very command line) in new namespaces, passing SIGINT/SIGTERM/SIGHUP on; returns its exit code.
export async function superviseInNamespace(command: readonly string[]): Promise<number> {
  const child = execa(namespaceArgv(command)[0]!, namespaceArgv(command).slice(1), {
    stdio: "inherit",
    reject: false,
    env: { [NAMESPACE_ENV]: "1", [OWNER_PID_ENV]: String(process.pid), [OWNER_START_ENV]: processStartTime(process.pid) ?? "" },
  });
  // unshare blocks SIGINT and SIGTERM while it waits: signals go to the build itself (PID 1 of its namespace,
  // which gets only signals it handles: the build installs handlers at once).
  const forward = (signal: NodeJS.Signals): void => {
    const sent = (): boolean => {
      const pid = child.pid === undefined ? undefined : buildPid(child.pid);
      if (pid === undefined) return child.exitCode !== null;
      try {
        process.kill(pid, signal === "SIGHUP" ? "SIGTERM" : signal);
      } catch {
        // Already gone.
      }
      return true;
    };
    if (sent()) return;
    const timer = setInterval(() => sent() && clearInterval(timer), 50);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, forward);
  try {
    const r = await child;
    if (r.signal) return 128 + (constants.signals[r.signal as keyof typeof constants.signals] ?? 0);
    if (r.exitCode === undefined) getLogger().warn({ message: r.shortMessage }, "the build namespace could not be started");
    return r.exitCode ?? 1;
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

// Inside the namespace, as PID 1: until the build installs its own handlers, SIGINT/SIGTERM must still end the process.
export function installEarlySignalExit(): void {
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
  for (const s of ["SIGINT", "SIGTERM"] as const) {
    const early = (): void => {
      if (process.listenerCount(s) > 1) return;
      process.exit(codes[s]);
    };
    process.on(s, early);
  }
}
