// Run kickstart scripts in order: %pre on the build host, %post in the guest (or on the host with --nochroot).
import { appendFile, chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InternalError, ToolError } from "../errors.js";
import type { Kickstart, Script } from "../kickstart/model.js";
import { getLogFile, getLogger, isDryRun, run, tailLines, which, type RunOptions, type RunResult, type Teardown } from "../run/index.js";
import { guestDir, guestExecutable, resolveInRoot } from "./configure/guest.js";
import type { GuestSession } from "./guest/session.js";

export type ScriptType = Script["type"];

/** How many lines of a failed script's own output its error shows. */
export const SCRIPT_TAIL_LINES = 20;

/** A script with --erroronfail that failed: the build stops (and unwinds). Its stderrTail is the script's own output (both streams). */
export class ScriptError extends ToolError {
  readonly script: { type: ScriptType; file: string; line: number };
  constructor(message: string, script: Script, info: { argv: string[]; exitCode?: number; stderrTail?: string[] }, logFile?: string) {
    super(message, info, scriptFailureHint(script, info.stderrTail?.length ?? 0, logFile));
    this.script = { type: script.type, file: script.file, line: script.lineno };
  }
}

// Where the whole output of a failed script is, and what the error shows of it.
export function scriptFailureHint(script: Script, shown: number, logFile?: string): string {
  const where = [`the build log${logFile ? ` ${logFile}` : ""}`, ...(script.logfile ? [script.logfile] : [])].join(" and in ");
  const lines = shown === 0 ? "it printed nothing" : `above are the last ${shown} lines it printed`;
  return `the script has --erroronfail; ${lines}; its whole output is in ${where}`;
}

/** Every exit code except 0: a failing script is reported here, not by the runner. */
const FAILURE_CODES = Array.from({ length: 255 }, (_, i) => i + 1);

// The scripts of the given types, in kickstart order.
export function scriptsOfType(ks: Kickstart, ...types: ScriptType[]): Script[] {
  return ks.scripts.filter((s) => types.includes(s.type));
}

// %pre scripts (run on the build host before the disks are made).
export const preScripts = (ks: Kickstart): Script[] => scriptsOfType(ks, "pre");
// %post scripts (run after the boot loader configuration, before the SELinux relabel).
export const postScripts = (ks: Kickstart): Script[] => scriptsOfType(ks, "post");
// %onerror scripts (and the deprecated %traceback), for a build that failed.
export const onErrorScripts = (ks: Kickstart): Script[] => scriptsOfType(ks, "onerror", "traceback");

// The argv of a script run inside the guest (by the guest session): INTERPRETER /tmp/ks-script-N.
export function guestScriptArgs(interpreter: string, guestFile: string): string[] {
  return [interpreter, guestFile];
}

// The argv of a script run on the build host.
export function hostScriptArgs(interpreter: string, file: string): string[] {
  return [interpreter, file];
}

// How a script is named in messages: "%post --nochroot (ks.cfg:12)".
export function scriptLabel(s: Script): string {
  const chroot = s.type === "post" && !s.inChroot ? " --nochroot" : "";
  return `%${s.type}${chroot} (${path.basename(s.file)}:${s.lineno})`;
}

/** Where and how scripts run. */
export interface ScriptRunOptions {
  teardown: Teardown;
  /** The installed root: needed by %post (and given to --nochroot scripts as INSTALL_ROOT and ANA_INSTALL_PATH). */
  root?: string;
  /** The session open on root, where chrooted %post scripts run. */
  guest?: GuestSession;
  /** Each output line, e.g. for a progress display; the build log gets them in any case. */
  onOutput?: (line: string, script: Script) => void;
  /** More environment for scripts run on the host (%onerror gets the log's path). */
  env?: Record<string, string>;
}

// Run SCRIPTS in order; a failure is a warning (returned), or a ScriptError with --erroronfail.
export async function runScripts(scripts: readonly Script[], opts: ScriptRunOptions): Promise<string[]> {
  const warnings: string[] = [];
  for (const [i, script] of scripts.entries()) {
    const warning = await runScript(script, i + 1, opts);
    if (warning !== undefined) warnings.push(warning);
  }
  return warnings;
}

// %pre: on the build host, before the disks are made.
export function runPreScripts(ks: Kickstart, opts: ScriptRunOptions): Promise<string[]> {
  return runScripts(preScripts(ks), opts);
}

// %pre-install: on the build host, after the mounts and before the packages, with INSTALL_ROOT (and Anaconda's ANA_INSTALL_PATH) set to ROOT.
export function runPreInstallScripts(ks: Kickstart, root: string, opts: ScriptRunOptions): Promise<string[]> {
  return runScripts(scriptsOfType(ks, "pre-install"), { ...opts, root });
}

// %post: in the GUEST session (or on the host with --nochroot and INSTALL_ROOT=ANA_INSTALL_PATH=its root).
export function runPostScripts(ks: Kickstart, guest: GuestSession, opts: ScriptRunOptions): Promise<string[]> {
  return runScripts(postScripts(ks), { ...opts, root: guest.root, guest });
}

/** The environment a --nochroot %post adds to ksimage's: the root, under livecd-creator's name and Anaconda's. */
export function nochrootEnv(root: string): Record<string, string> {
  return { INSTALL_ROOT: root, ANA_INSTALL_PATH: root };
}

interface Prepared {
  argv: string[];
  /** How the argv runs: in the guest session or on the host. */
  exec: (argv: string[], opts: RunOptions) => Promise<RunResult>;
  env: Record<string, string>;
  cwd: string;
  /** Host path of the script file, removed afterwards. */
  file: string;
  missing?: string;
}

function runsInChroot(s: Script, root: string | undefined): root is string {
  return s.type === "post" && s.inChroot && root !== undefined;
}

function sessionOf(opts: ScriptRunOptions): GuestSession {
  if (opts.guest === undefined) throw new InternalError("a chrooted %post was run without the guest session");
  return opts.guest;
}

// Write the script where it will run and work out its argv; the file's removal is registered at once.
async function prepare(s: Script, n: number, opts: ScriptRunOptions, hostDir: () => Promise<string>): Promise<Prepared> {
  const name = `ks-script-${n}`;
  if (runsInChroot(s, opts.root)) {
    const root = opts.root;
    const tmp = isDryRun() ? path.join(root, "tmp") : await guestTmp(root);
    const found = isDryRun() || (await guestHasInterpreter(root, s.interp));
    const guest = sessionOf(opts);
    return { argv: guestScriptArgs(s.interp, `/tmp/${name}`), exec: (argv, o) => guest.run(argv, o), env: {}, cwd: "/", file: path.join(tmp, name), missing: found ? undefined : "in the guest" };
  }
  const file = path.join(await hostDir(), name);
  // Host scripts other than %pre (%pre-install, --nochroot %post, %onerror) get the root; %onerror also the log's path.
  const env: Record<string, string> = { ...opts.env, ...(opts.root !== undefined && s.type !== "pre" ? nochrootEnv(opts.root) : {}) };
  // appliance-creator ran --nochroot scripts from the directory it was started in; never from inside the image.
  const here = process.cwd();
  const inside = opts.root !== undefined && (here === opts.root || here.startsWith(`${opts.root}/`));
  const found = isDryRun() || (await which(s.interp)) !== undefined;
  return { argv: hostScriptArgs(s.interp, file), exec: (argv, o) => run(argv, o), env, cwd: inside ? "/" : here, file, missing: found ? undefined : "on the build host" };
}

// The guest's /tmp, created world-writable and sticky if the tree has none.
async function guestTmp(root: string): Promise<string> {
  const existing = await resolveInRoot(root, "/tmp");
  if (existing !== undefined) return existing;
  const tmp = await guestDir(root, "/tmp");
  await chmod(tmp, 0o1777);
  return tmp;
}

async function guestHasInterpreter(root: string, interpreter: string): Promise<boolean> {
  if (!interpreter.includes("/")) return (await guestExecutable(root, interpreter)) !== undefined;
  return (await resolveInRoot(root, interpreter)) !== undefined;
}

// Run one script; returns a warning for a tolerated failure.
async function runScript(s: Script, n: number, opts: ScriptRunOptions): Promise<string | undefined> {
  const log = getLogger();
  const label = scriptLabel(s);
  let hostTmp: string | undefined;
  const hostDir = async (): Promise<string> => {
    if (isDryRun()) return path.join(os.tmpdir(), "ksimage-scripts");
    hostTmp = await mkdtemp(path.join(os.tmpdir(), "ksimage-scripts-"));
    return hostTmp;
  };
  const p = await prepare(s, n, opts, hostDir);
  const handle = opts.teardown.defer(`remove the script file ${p.file}`, () => removeFiles(p.file, hostTmp));
  const output: string[] = [];
  try {
    if (p.missing !== undefined) return fail(s, label, `interpreter ${s.interp} not found ${p.missing}`, p.argv, 127, []);
    if (!isDryRun()) {
      await writeFile(p.file, s.body, { mode: 0o700 });
      await chmod(p.file, 0o700);
    }
    log.info({ script: label, interpreter: s.interp }, `running ${label}`);
    const onLine = (stream: "stdout" | "stderr") => (line: string) => {
      output.push(line);
      log.info({ script: label, stream }, line);
      opts.onOutput?.(line, s);
    };
    const result = await p.exec(p.argv, {
      cwd: p.cwd,
      env: p.env,
      allowExitCodes: FAILURE_CODES,
      onStdoutLine: onLine("stdout"),
      onStderrLine: onLine("stderr"),
      reason: `run ${label}`,
    });
    if (result.exitCode === 0) return undefined;
    return fail(s, label, `failed with exit code ${result.exitCode}`, p.argv, result.exitCode, tailLines(output.join("\n"), SCRIPT_TAIL_LINES));
  } finally {
    if (s.logfile !== null && !isDryRun()) await writeScriptLog(s, opts.root, output);
    await removeFiles(p.file, hostTmp);
    handle.release();
  }
}

function fail(s: Script, label: string, what: string, argv: string[], exitCode: number, stderrTail: string[]): string {
  const message = `${label} ${what}`;
  if (s.errorOnFail) throw new ScriptError(message, s, { argv, exitCode, stderrTail }, getLogFile());
  getLogger().warn({ script: label, exitCode }, `${message} (no --erroronfail: the build goes on)`);
  return `${message}; the build goes on (the script has no --erroronfail)`;
}

// --log FILE: append the output, to FILE inside the guest for chrooted scripts, on the host otherwise (as Anaconda).
async function writeScriptLog(s: Script, root: string | undefined, lines: string[]): Promise<void> {
  const text = lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  const logfile = s.logfile as string;
  if (runsInChroot(s, root)) {
    const dir = await guestDir(root, path.posix.dirname(path.posix.resolve("/", logfile)));
    await appendFile(path.join(dir, path.posix.basename(logfile)), text);
    return;
  }
  await mkdir(path.dirname(path.resolve(logfile)), { recursive: true });
  await appendFile(path.resolve(logfile), text);
}

async function removeFiles(file: string, hostTmp: string | undefined): Promise<void> {
  if (isDryRun()) return;
  await rm(file, { force: true });
  if (hostTmp !== undefined) await rm(hostTmp, { recursive: true, force: true });
}
