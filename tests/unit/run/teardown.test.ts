// Teardown: LIFO undo, keeps going past failures, idempotent, move/adopt/release, retry and signals.
import { afterEach, describe, it, expect } from "vitest";
import { Teardown, installSignalHandlers, retryUntil, run, liveChildCount } from "../../../src/run/index.js";

describe("Teardown", () => {
  it("runs undos in reverse order of registration", async () => {
    const order: string[] = [];
    const t = new Teardown();
    for (const name of ["losetup -d", "umount /", "umount /boot"]) t.defer(name, () => void order.push(name));
    const report = await t.unwind();
    expect(order).toEqual(["umount /boot", "umount /", "losetup -d"]);
    expect(report).toEqual({ ran: order, failures: [] });
  });

  it("keeps going after a failing undo and reports it", async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.defer("first", () => void order.push("first"));
    t.defer("busy", async () => {
      order.push("busy");
      throw new Error("target is busy");
    });
    t.defer("last", () => void order.push("last"));
    const report = await t.unwind();
    expect(order).toEqual(["last", "busy", "first"]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.label).toBe("busy");
    expect((report.failures[0]?.error as Error).message).toBe("target is busy");
  });

  it("does nothing on a second unwind", async () => {
    let calls = 0;
    const t = new Teardown();
    t.defer("once", () => void (calls += 1));
    await t.unwind();
    const second = await t.unwind();
    expect(calls).toBe(1);
    expect(second).toEqual({ ran: [], failures: [] });
  });

  it("shares one unwind between concurrent callers (build error and SIGINT at once)", async () => {
    let calls = 0;
    const t = new Teardown();
    t.defer("slow", async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 20));
    });
    const [a, b] = await Promise.all([t.unwind(), t.unwind()]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
  });

  it("runs undos registered while unwinding", async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.defer("outer", () => {
      order.push("outer");
      t.defer("registered late", () => void order.push("registered late"));
    });
    await t.unwind();
    expect(order).toEqual(["outer", "registered late"]);
  });

  it("release() drops an undo the step already performed", async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.defer("a", () => void order.push("a"));
    const handle = t.defer("b", () => void order.push("b"));
    expect(t.size).toBe(2);
    handle.release();
    handle.release();
    expect(t.size).toBe(1);
    expect(t.labels()).toEqual(["a"]);
    await t.unwind();
    expect(order).toEqual(["a"]);
  });

  it("move() hands every undo to a new stack and leaves this one empty", async () => {
    const order: string[] = [];
    const local = new Teardown();
    local.defer("attach", () => void order.push("attach"));
    local.defer("map", () => void order.push("map"));
    const moved = local.move();
    expect(local.size).toBe(0);
    expect(moved.labels()).toEqual(["attach", "map"]);
    await local.unwind();
    expect(order).toEqual([]);
    await moved.unwind();
    expect(order).toEqual(["map", "attach"]);
  });

  it("release() still works on a handle after its undo was moved", async () => {
    const order: string[] = [];
    const local = new Teardown();
    const handle = local.defer("gone", () => void order.push("gone"));
    const moved = local.move();
    handle.release();
    await moved.unwind();
    expect(order).toEqual([]);
  });

  it("adopt() puts another stack's undos on top and empties it", async () => {
    const order: string[] = [];
    const main = new Teardown();
    main.defer("main", () => void order.push("main"));
    const step = new Teardown();
    step.defer("step-1", () => void order.push("step-1"));
    step.defer("step-2", () => void order.push("step-2"));
    main.adopt(step);
    expect(step.size).toBe(0);
    await step.unwind();
    expect(order).toEqual([]);
    await main.unwind();
    expect(order).toEqual(["step-2", "step-1", "main"]);
  });

  it("a multi-step acquirer gives its undos to the caller only when every step succeeded", async () => {
    const undone: string[] = [];
    async function acquire(fail: boolean): Promise<Teardown> {
      const local = new Teardown();
      try {
        local.defer("step 1", () => void undone.push("step 1"));
        if (fail) throw new Error("step 2 failed");
        local.defer("step 2", () => void undone.push("step 2"));
        return local.move();
      } finally {
        await local.unwind();
      }
    }
    const caller = new Teardown();
    caller.adopt(await acquire(false));
    expect(undone).toEqual([]);
    expect(caller.labels()).toEqual(["step 1", "step 2"]);
    await expect(acquire(true)).rejects.toThrow("step 2 failed");
    expect(undone).toEqual(["step 1"]);
  });
});

describe("retryUntil", () => {
  it("retries until fn succeeds", async () => {
    let attempts = 0;
    const value = await retryUntil(
      () => {
        attempts += 1;
        if (attempts < 3) throw new Error("busy");
        return "detached";
      },
      { deadlineMs: 2000, intervalMs: 5, label: "losetup -d /dev/loop9" },
    );
    expect(value).toBe("detached");
    expect(attempts).toBe(3);
  });

  it("gives up with the last error after the deadline", async () => {
    let attempts = 0;
    const started = Date.now();
    await expect(
      retryUntil(
        () => {
          attempts += 1;
          throw new Error(`busy ${attempts}`);
        },
        { deadlineMs: 100, intervalMs: 20, label: "umount /mnt" },
      ),
    ).rejects.toThrow(/^busy \d+$/);
    expect(attempts).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("does not retry errors that retryIf rejects", async () => {
    let attempts = 0;
    await expect(
      retryUntil(
        () => {
          attempts += 1;
          throw new Error("not mounted");
        },
        { deadlineMs: 1000, intervalMs: 5, label: "umount", retryIf: (e) => /busy/.test(String(e)) },
      ),
    ).rejects.toThrow("not mounted");
    expect(attempts).toBe(1);
  });
});

describe("installSignalHandlers", () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  // Call the handler directly rather than process.kill(process.pid): a real signal would also reach vitest.
  function installed(event: "SIGINT" | "SIGTERM", fn: () => () => void): (signal: NodeJS.Signals) => void {
    const before = new Set(process.listeners(event));
    remove = fn();
    const added = process.listeners(event).filter((l) => !before.has(l));
    expect(added).toHaveLength(1);
    return added[0] as (signal: NodeJS.Signals) => void;
  }

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("on %s kills children, unwinds, then exits %i", async (signal, code) => {
    const events: string[] = [];
    const t = new Teardown();
    t.defer("umount", () => void events.push("undo"));
    const child = run(["sleep", "30"]).catch((e: unknown) => {
      events.push("child died");
      return e;
    });
    while (liveChildCount() === 0) await new Promise((r) => setTimeout(r, 10));
    let exited: (c: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (exited = resolve));
    const handler = installed(signal, () =>
      installSignalHandlers(t, { onSignal: (s) => events.push(`signal ${s}`), exit: (c) => exited(c) }),
    );
    handler(signal);
    handler(signal);
    expect(await exitCode).toBe(code);
    expect(await child).toMatchObject({ signal });
    expect(events.filter((e) => e.startsWith("signal"))).toEqual([`signal ${signal}`]);
    expect(events).toContain("undo");
    expect(events).toContain("child died");
  });

  it("removes its handlers when asked", () => {
    const before = process.listenerCount("SIGINT");
    const off = installSignalHandlers(new Teardown(), { exit: () => undefined });
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    off();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
