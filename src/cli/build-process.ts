// Before a build: reap what dead builds left in its tmpdir, then start the build in its own namespaces (the process
// the user started only supervises it). Inside the namespace, or where namespaces cannot be made, build in-process.
import { reapDeadBuilds } from "../cleanup/reap.js";
import { installEarlySignalExit, insideBuildNamespace, namespaceUnavailable, superviseInNamespace, wantBuildNamespace } from "../run/namespace.js";

// Returns the exit code of the supervised build, or undefined when this process should build itself.
export async function startBuildProcess(tmpdir: string, say: (line: string) => void): Promise<number | undefined> {
  if (insideBuildNamespace()) {
    installEarlySignalExit();
    return undefined;
  }
  const reaped = await reapDeadBuilds([tmpdir]);
  for (const [i, l] of reaped.dead.entries()) {
    const failures = reaped.results[i]?.failures ?? [];
    say(`reaped the leftovers of a dead build (pid ${l.journal.pid}, ${l.journal.workdir})${failures.length ? `; could not: ${failures.join("; ")}` : ""}\n`);
  }
  if (!wantBuildNamespace()) return undefined;
  const why = await namespaceUnavailable();
  if (why !== undefined) {
    say(`warning: building without private mount and PID namespaces (${why}): a killed build leaves mounts for ksimage cleanup\n`);
    return undefined;
  }
  return superviseInNamespace([process.execPath, ...process.execArgv, ...process.argv.slice(1)]);
}
