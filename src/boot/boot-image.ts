// Boot an image in QEMU and wait for a text on its serial console; QEMU is always stopped, whatever happens.
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { getLogger, run, Teardown, type RunResult } from "../run/index.js";
import { detectAccelerator, type AccelChoice } from "./accel.js";
import { readBootCode } from "./boot-sector.js";
import { judgeConsole, lastHandover, lastLines } from "./console-watch.js";
import { detectImageFormat } from "./image-format.js";
import { isIso9660 } from "./iso-image.js";
import { findOvmf } from "./ovmf.js";
import { qemuArgs } from "./qemu-args.js";
import { freeLoopbackPort, waitForHostKeys, type HostKey } from "./ssh-probe.js";

/** What to boot and how long to wait. */
export interface BootOptions {
  image: string;
  uefi?: boolean;
  /** Seconds to wait for the text (default 180: TCG on a busy shared host is slow). */
  timeoutSeconds?: number;
  /** Literal text that means "booted" (default "login:", the getty prompt). */
  expect?: string;
  memoryMiB?: number;
  net?: boolean;
  /** An outer stack (the CLI's, with signal handlers) that stops QEMU if this one is interrupted. */
  teardown?: Teardown;
  /** Copy the serial console here at the end. */
  consoleLog?: string;
  /** One human line per fact (accelerator, firmware, format). */
  log?: (line: string) => void;
  pollMs?: number;
  /** An ISO is booted as a CD-ROM; with asDisk it is attached as a hard disk instead (the USB-stick path of a hybrid ISO). */
  asDisk?: boolean;
  /** After the text, also wait (within the same timeout) until the guest's SSH server offers its host keys; implies a network. */
  ssh?: boolean;
  /** Boot up to this many times while the text (or the SSH server) does not come within the timeout (default 1). */
  attempts?: number;
}

/** The outcome; `ok` false means the image did not boot (QEMU itself worked). */
export interface BootResult {
  ok: boolean;
  seconds: number;
  accel: AccelChoice;
  format: string;
  firmware: "bios" | "uefi";
  expect: string;
  /** Why it did not boot. */
  failure: string | null;
  /** Whether it failed by running out of time (the guest neither succeeded nor failed visibly): worth another attempt. */
  timedOut: boolean;
  /** The boots it took (more than 1 only with `attempts`). */
  attempts: number;
  /** The last 40 lines of the serial console. */
  tail: string[];
  /** The firmware's last hand-over line on its debug console (SeaBIOS: "Booting from 0000:7c00"), or null. */
  handover: string | null;
  /** The firmware's last debug console lines, shown when the serial console stayed empty. */
  firmwareTail: string[];
  /** With `ssh`: the public host keys the guest's SSH server offered, by type; null without `ssh` or when it never answered. */
  sshHostKeys: HostKey[] | null;
}

export const DEFAULT_EXPECT = "login:";
export const DEFAULT_TIMEOUT_SECONDS = 180;
export const TAIL_LINES = 40;
/** How long QEMU gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const readOr = async (file: string) => (existsSync(file) ? readFile(file, "utf8") : "");

/** A QEMU run: its completion, and whether it has ended. */
interface QemuProcess {
  done: Promise<{ result?: RunResult; error?: unknown }>;
  exited: boolean;
}

// SIGTERM the QEMU whose pidfile is PIDFILE (only if its command line names that pidfile), then SIGKILL after a grace period.
export async function stopQemu(qemu: QemuProcess, pidfile: string): Promise<void> {
  if (qemu.exited) return;
  const pid = Number(existsSync(pidfile) ? readFileSync(pidfile, "utf8").trim() : NaN);
  const ours = () => Number.isInteger(pid) && existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(pidfile);
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    if (qemu.exited || !ours()) break;
    getLogger().info({ pid, signal }, `stopping QEMU (pid ${pid}) with ${signal}`);
    process.kill(pid, signal);
    await Promise.race([qemu.done, sleep(STOP_GRACE_MS)]);
  }
  if (!qemu.exited) await Promise.race([qemu.done, sleep(STOP_GRACE_MS)]);
  if (!qemu.exited) throw new KsimageError(`QEMU (pid ${pid}) did not stop`);
}

/** How many console lines a failed attempt shows before the next one. */
const RETRY_TAIL_LINES = 8;

// Boot IMAGE and wait for the expected text; throws only when QEMU itself fails (not when the image does not boot).
// With opts.attempts > 1, a boot that timed out is stopped and made again: an emulated (TCG) guest on a busy host
// now and then stalls in its kernel for good (two of the dozen boots of one CI run here, 2026-12-05), which says
// nothing about the image.
// A visible failure (no boot code, a kernel panic, a reset) is never tried again, nor is a boot whose serial console
// stayed empty: no boot loader or kernel wrote to it (no console=ttyS0, no boot loader), which another boot repeats.
export async function bootImage(opts: BootOptions): Promise<BootResult> {
  const attempts = opts.attempts ?? 1;
  if (!Number.isInteger(attempts) || attempts < 1) throw new KsimageError(`attempts must be a whole number of at least 1, got ${attempts}`);
  for (let attempt = 1; ; attempt += 1) {
    const result = await bootOnce(opts);
    if (!worthAnotherAttempt(result) || attempt >= attempts) return { ...result, attempts: attempt };
    const tail = result.tail.slice(-RETRY_TAIL_LINES).map((l) => `  | ${l}`);
    opts.log?.(`attempt ${attempt} of ${attempts}: ${result.failure}; the console ended with:\n${tail.join("\n")}\nbooting again`);
    getLogger().warn({ attempt, attempts, failure: result.failure, tail: result.tail }, `boot attempt ${attempt} of ${attempts} timed out: booting again`);
  }
}

/** Whether a boot may have stalled rather than failed: it ran out of time after the guest wrote to its serial console. */
export const worthAnotherAttempt = (r: Pick<BootResult, "ok" | "timedOut" | "tail">): boolean => !r.ok && r.timedOut && r.tail.length > 0;

async function bootOnce(opts: BootOptions): Promise<BootResult> {
  if (!existsSync(opts.image)) throw new KsimageError(`${opts.image} does not exist`);
  const expect = opts.expect ?? DEFAULT_EXPECT;
  const timeout = opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const log = (line: string) => (opts.log?.(line), getLogger().info(line));
  const format = await detectImageFormat(opts.image);
  const accel = await detectAccelerator();
  const ovmf = opts.uefi ? await findOvmf() : null;
  const cdrom = opts.asDisk !== true && (await isIso9660(opts.image));
  log(`accelerator: ${accel.accel.toUpperCase()} (${accel.reason})`);
  const sshPort = opts.ssh ? await freeLoopbackPort() : null;
  log(`booting ${opts.image} (${cdrom ? "ISO as a CD-ROM" : format}${opts.asDisk ? ", attached as a hard disk" : ""}) with ${ovmf ? `UEFI (OVMF ${path.basename(ovmf.code)})` : "BIOS (SeaBIOS)"}; waiting up to ${timeout} s for "${expect}" on the serial console${sshPort ? `, then for its SSH server (host port ${sshPort})` : ""}`);

  const stack = new Teardown();
  const outer = opts.teardown?.defer(`stop the boot test of ${opts.image}`, async () => void (await stack.unwind()));
  const dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-boot-"));
  stack.defer(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const files = { serial: path.join(dir, "serial.log"), firmware: path.join(dir, "firmware.log"), pid: path.join(dir, "qemu.pid"), vars: path.join(dir, "OVMF_VARS.fd") };
  try {
    // The variables file is written by the firmware: each boot gets its own copy, the package's stays pristine.
    if (ovmf) await copyFile(ovmf.vars, files.vars);
    const emptyMbr = ovmf || cdrom ? false : !(await readBootCode(opts.image, format, path.join(dir, "mbr.bin")));
    if (emptyMbr) log("the image's MBR holds no boot code: a BIOS boot can only fail");
    const argv = qemuArgs({
      image: opts.image,
      format,
      accel: accel.accel,
      memoryMiB: opts.memoryMiB ?? 1024,
      smp: Math.min(2, os.availableParallelism()),
      serialLog: files.serial,
      firmwareLog: files.firmware,
      pidfile: files.pid,
      uefi: ovmf ? { code: ovmf.code, vars: files.vars } : null,
      net: opts.net === true || sshPort !== null,
      sshPort,
      cdrom,
    });
    const started = Date.now();
    const qemu: QemuProcess = { done: Promise.resolve({}), exited: false };
    stack.defer("stop QEMU", () => stopQemu(qemu, files.pid));
    // A hard limit in the runner too, in case this process is stuck: QEMU never outlives the test by much.
    qemu.done = run(argv, { reason: `boot ${opts.image}`, timeoutMs: (timeout + 60) * 1000, dryRun: false }).then(
      (result) => ((qemu.exited = true), { result }),
      (error: unknown) => ((qemu.exited = true), { error }),
    );
    const deadline = started + timeout * 1000;
    let result = await watch(qemu, files, { expect, emptyMbr }, deadline, timeout, opts.pollMs ?? 250);
    const seconds = (Date.now() - started) / 1000;
    let sshHostKeys: HostKey[] | null = null;
    if (result.ok && sshPort !== null) {
      // The console cannot tell: systemd stops printing "Started ..." lines once a getty holds the console.
      sshHostKeys = await waitForHostKeys(sshPort, deadline, () => qemu.exited);
      if (sshHostKeys === null) result = { ok: false, timedOut: true, failure: `"${expect}" appeared, but the guest's SSH server offered no host key within ${timeout} s` };
      else log(`the SSH server offered ${sshHostKeys.map((k) => k.type).join(", ")} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    await stopQemu(qemu, files.pid);
    const ended = await qemu.done;
    // QEMU failing on its own (bad option, unreadable image) is a tool failure, not a verdict on the image.
    if (result.failure?.startsWith("QEMU exited") && ended.error) throw ended.error;
    const serial = await readOr(files.serial);
    const firmwareLog = await readOr(files.firmware);
    const handover = lastHandover(firmwareLog);
    const firmwareTail = lastLines(firmwareLog, 5);
    if (opts.consoleLog) await copyFile(files.serial, opts.consoleLog).catch(() => undefined);
    const verdict: BootResult = { ok: result.ok, seconds, accel, format, firmware: ovmf ? "uefi" : "bios", expect, failure: result.failure, timedOut: result.timedOut, attempts: 1, tail: lastLines(serial, TAIL_LINES), handover, firmwareTail, sshHostKeys };
    getLogger().info({ boot: { ...verdict, tail: undefined } }, verdict.ok ? `"${expect}" after ${seconds.toFixed(1)} s` : `no "${expect}": ${verdict.failure}`);
    return verdict;
  } finally {
    const report = await stack.unwind();
    outer?.release();
    for (const f of report.failures) getLogger().warn({ undo: f.label, err: f.error }, `could not undo: ${f.label}`);
  }
}

// Poll the console files until the text appears, a failure sign shows, QEMU ends, or time runs out.
async function watch(
  qemu: QemuProcess,
  files: { serial: string; firmware: string },
  { expect, emptyMbr }: { expect: string; emptyMbr: boolean },
  deadline: number,
  timeout: number,
  pollMs: number,
): Promise<{ ok: boolean; failure: string | null; timedOut: boolean }> {
  for (;;) {
    const exited = qemu.exited;
    const verdict = judgeConsole(await readOr(files.serial), await readOr(files.firmware), expect, { emptyMbr });
    if (verdict.kind === "found") return { ok: true, failure: null, timedOut: false };
    if (verdict.kind === "failed") return { ok: false, failure: verdict.why, timedOut: false };
    if (exited) return { ok: false, failure: `QEMU exited before "${expect}" appeared (the guest reset or powered off)`, timedOut: false };
    if (Date.now() >= deadline) return { ok: false, failure: `"${expect}" did not appear on the serial console within ${timeout} s`, timedOut: true };
    await sleep(pollMs);
  }
}
