// The LIFO stack of undo actions that every acquisition registers (DESIGN.md rule 3).
import { stopAllChildren } from "./children.js";
import { getLogger } from "./logger.js";

/** An undo that could not be done, and why. */
export interface TeardownFailure {
  label: string;
  error: unknown;
}

/** What one unwind did: labels in the order they ran, and the ones that failed. */
export interface TeardownReport {
  ran: string[];
  failures: TeardownFailure[];
}

/** Lets the step that registered an undo drop it after doing the undo itself. */
export interface DeferHandle {
  readonly label: string;
  release(): void;
}

interface Entry {
  label: string;
  undo: () => Promise<void> | void;
  released: boolean;
}

// A LIFO stack of undos: run on success, error or signal; keeps going past failures; safe to unwind twice.
export class Teardown {
  private entries: Entry[] = [];
  private unwinding: Promise<TeardownReport> | undefined;

  /** Undos still registered (released ones excluded). */
  get size(): number {
    return this.entries.filter((e) => !e.released).length;
  }

  /** Labels still registered, oldest first. */
  labels(): string[] {
    return this.entries.filter((e) => !e.released).map((e) => e.label);
  }

  // Register an undo to run at unwind, before everything registered earlier.
  defer(label: string, undo: () => Promise<void> | void): DeferHandle {
    const entry: Entry = { label, undo, released: false };
    this.entries.push(entry);
    return {
      label,
      release: () => {
        entry.released = true;
      },
    };
  }

  // Run every undo, newest first; a second call while running waits for the first, a later one has nothing to do.
  unwind(): Promise<TeardownReport> {
    if (this.unwinding === undefined) {
      this.unwinding = this.runAll().finally(() => {
        this.unwinding = undefined;
      });
    }
    return this.unwinding;
  }

  // Hand all undos to a new stack and empty this one (a multi-step acquirer gives its stack to the caller).
  move(): Teardown {
    const moved = new Teardown();
    moved.entries = this.entries;
    this.entries = [];
    return moved;
  }

  // Take over another stack's undos, on top of this one's; the other stack is left empty.
  adopt(other: Teardown): void {
    if (other === this) return;
    this.entries.push(...other.entries);
    other.entries = [];
  }

  private async runAll(): Promise<TeardownReport> {
    const report: TeardownReport = { ran: [], failures: [] };
    const log = getLogger();
    // Pop one at a time so that undos registered while unwinding run too.
    for (let entry = this.entries.pop(); entry !== undefined; entry = this.entries.pop()) {
      if (entry.released) continue;
      entry.released = true;
      log.debug({ undo: entry.label }, `undo: ${entry.label}`);
      try {
        await entry.undo();
      } catch (error) {
        report.failures.push({ label: entry.label, error });
        log.warn({ undo: entry.label, err: error }, `could not undo: ${entry.label}`);
      }
      report.ran.push(entry.label);
    }
    return report;
  }
}

/** How long and how often retryUntil tries. */
export interface RetryOptions {
  deadlineMs: number;
  intervalMs: number;
  label: string;
  /** Retry only errors this accepts (e.g. "target is busy"); others are thrown at once. */
  retryIf?: (error: unknown) => boolean;
}

// Call fn until it succeeds or the deadline passes, logging each failed attempt (for busy umount / losetup -d).
export async function retryUntil<T>(fn: () => Promise<T> | T, opts: RetryOptions): Promise<T> {
  const start = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const elapsed = Date.now() - start;
      const retryable = opts.retryIf?.(error) ?? true;
      const last = !retryable || elapsed + opts.intervalMs > opts.deadlineMs;
      getLogger().warn(
        { label: opts.label, attempt, elapsedMs: elapsed, err: error, giveUp: last },
        `${opts.label}: attempt ${attempt} failed${last ? ", giving up" : `, retrying in ${opts.intervalMs} ms`}`,
      );
      if (last) throw error;
      await sleep(opts.intervalMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hooks for the CLI around signal handling; exit is replaceable for tests. */
export interface SignalHandlerOptions {
  onSignal?: (signal: NodeJS.Signals) => void;
  /** The work under way when the signal came: the unwind waits for it (up to SETTLE_MS) so that nothing it still
   *  does (a file it was creating, an undo it registers) comes after the undos ran. */
  settle?: () => Promise<unknown>;
  /** STOPPED names the tools that were still running when the signal came. */
  onUnwound?: (report: TeardownReport, signal: NodeJS.Signals, stopped: string[]) => void;
  exit?: (code: number) => void;
}

const EXIT_CODES: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

/** How long the unwind waits for the interrupted work to stop, once its subprocesses are stopped. */
export const SETTLE_MS = 20_000;

// Wait for SETTLE's promise (its outcome does not matter) or MS, whichever comes first.
async function settleWithin(settle: (() => Promise<unknown>) | undefined, ms: number): Promise<void> {
  if (settle === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([settle().then(() => undefined, () => undefined), timeout]);
  clearTimeout(timer);
}

// On SIGINT/SIGTERM: stop our subprocesses and their process trees, unwind, exit 130/143. Returns a function that removes the handlers.
export function installSignalHandlers(teardown: Teardown, opts: SignalHandlerOptions = {}): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let handling = false;
  const handler = (signal: NodeJS.Signals): void => {
    const log = getLogger();
    if (handling) {
      // Exiting now would leave loop devices and mounts behind: finish the cleanup instead.
      log.warn({ signal }, `${signal} again: still cleaning up`);
      return;
    }
    handling = true;
    log.warn({ signal }, `${signal} received: stopping subprocesses and cleaning up`);
    opts.onSignal?.(signal);
    let stopped: string[] = [];
    void stopAllChildren(signal)
      .then((names) => (stopped = names), (error: unknown) => log.warn({ err: error }, "could not stop every subprocess"))
      .then(() => settleWithin(opts.settle, SETTLE_MS))
      .then(() => teardown.unwind())
      .then(
      (report) => {
        opts.onUnwound?.(report, signal, stopped);
        exit(EXIT_CODES[signal as keyof typeof EXIT_CODES] ?? 1);
      },
      () => exit(EXIT_CODES[signal as keyof typeof EXIT_CODES] ?? 1),
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
