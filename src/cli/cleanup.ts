// `ksimage cleanup [--dry-run] [--json]`: reap what builds whose process is dead left behind (never a live build's).
import type { Command } from "commander";
import { describeLeftover, scanLeftovers } from "../cleanup/leftovers.js";
import { reapLeftover, type ReapResult } from "../cleanup/reap.js";
import { collect } from "./options.js";
import { requireRoot } from "./build.js";
import { EXIT_FAILED, EXIT_OK } from "./errors.js";

interface CleanupOptions {
  dryRun?: boolean;
  json?: boolean;
  tmpdir?: string[];
}

/** Where builds make their work directories unless told otherwise (the build's --tmpdir default). */
export const DEFAULT_TMPDIR = "/var/tmp";

// Run the cleanup and print what it found and did; returns the exit code (1 when something could not be reaped).
export async function cleanup(opts: CleanupOptions, out: (s: string) => void): Promise<number> {
  const tmpdirs = opts.tmpdir?.length ? opts.tmpdir : [DEFAULT_TMPDIR];
  if (!opts.dryRun) requireRoot();
  const scan = await scanLeftovers(tmpdirs);
  const results: ReapResult[] = [];
  if (!opts.dryRun) for (const l of scan.dead) results.push(await reapLeftover(l));
  const failed = results.some((r) => r.failures.length > 0);
  if (opts.json) {
    const builds = scan.dead.map((l, i) => ({
      pid: l.journal.pid,
      started: l.journal.started,
      workdir: l.workdir ?? null,
      mounts: l.mounts,
      loops: l.loops.map((d) => ({ device: d.device, file: d.file, deleted: d.deleted })),
      files: l.files,
      ...(results[i] ? { failures: results[i].failures } : {}),
    }));
    out(JSON.stringify({ dryRun: opts.dryRun === true, tmpdirs, liveBuilds: scan.live.length, deadBuilds: builds }, null, 2) + "\n");
    return failed ? EXIT_FAILED : EXIT_OK;
  }
  for (const [i, l] of scan.dead.entries()) {
    out(describeLeftover(l).join("\n") + "\n");
    const r = results[i];
    if (r) out(r.failures.length === 0 ? "  reaped\n" : r.failures.map((f) => `  could not: ${f}\n`).join(""));
  }
  const verb = opts.dryRun ? "would reap" : "reaped";
  out(`${scan.dead.length === 0 ? "no dead build left anything" : `${verb} ${scan.dead.length} dead build(s)`} in ${tmpdirs.join(", ")}; ${scan.live.length} live build(s) left alone\n`);
  return failed ? EXIT_FAILED : EXIT_OK;
}

/** Register the cleanup command. */
export function registerCleanup(program: Command): void {
  program
    .command("cleanup")
    .description("remove what killed builds left behind: mounts, loop devices, work directories, .partial files (needs root)")
    .option("--dry-run", "only list what would be removed")
    .option("--json", "print the leftovers (and what could not be removed) as JSON")
    .option("--tmpdir <dir>", `where the builds made their work directories (repeatable; default ${DEFAULT_TMPDIR})`, collect)
    .addHelpText("after", "\nLive builds are never touched: a build counts as dead when its process (pid and start time) is gone.\n\nExamples:\n  ksimage cleanup --dry-run\n  sudo ksimage cleanup --tmpdir /srv/build/tmp")
    .action(async (opts: CleanupOptions) => {
      process.exitCode = await cleanup(opts, (s) => process.stdout.write(s));
    });
}
