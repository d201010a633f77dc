// Dry-run records commands without executing them; the record feeds `ksimage plan --commands`.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, it, expect } from "vitest";
import {
  clearRecordedCommands,
  getRecordedCommands,
  isDryRun,
  recordCommands,
  run,
  setDryRun,
} from "../../../src/run/index.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-dry-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  setDryRun(false);
  clearRecordedCommands();
});

describe("dry-run", () => {
  it("records a command and does not execute it when the switch is on", async () => {
    const marker = path.join(dir, "switch");
    setDryRun(true);
    const result = await run(["touch", marker], { reason: "prove nothing runs" });
    expect(result).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(existsSync(marker)).toBe(false);
    expect(getRecordedCommands()).toEqual([
      { argv: ["touch", marker], line: `touch ${marker}`, cwd: undefined, reason: "prove nothing runs" },
    ]);
  });

  it("executes the same command when the switch is off (the control)", async () => {
    const marker = path.join(dir, "control");
    await run(["touch", marker]);
    expect(existsSync(marker)).toBe(true);
    expect(getRecordedCommands()).toEqual([]);
  });

  it("honours a per-call dryRun in both directions", async () => {
    const skipped = path.join(dir, "per-call");
    await run(["touch", skipped], { dryRun: true });
    expect(existsSync(skipped)).toBe(false);

    setDryRun(true);
    const forced = path.join(dir, "forced");
    await run(["touch", forced], { dryRun: false });
    expect(existsSync(forced)).toBe(true);
    expect(getRecordedCommands().map((c) => c.argv)).toEqual([["touch", skipped]]);
  });

  it("does not even fail for a missing tool, since nothing runs", async () => {
    await expect(run(["ksimage-no-such-tool"], { dryRun: true })).resolves.toEqual({ stdout: "", stderr: "", exitCode: 0 });
  });

  it("recordCommands collects what fn would run and restores the switch", async () => {
    const marker = path.join(dir, "recorded");
    await run(["echo", "before"], { dryRun: true });
    const { value, commands } = await recordCommands(async () => {
      await run(["touch", marker]);
      await run(["echo", "a b"]);
      return 42;
    });
    expect(value).toBe(42);
    expect(commands.map((c) => c.line)).toEqual([`touch ${marker}`, "echo 'a b'"]);
    expect(existsSync(marker)).toBe(false);
    expect(isDryRun()).toBe(false);
    expect(getRecordedCommands().map((c) => c.line)).toEqual(["echo before"]);
  });

  it("masks secrets in the record", async () => {
    const { commands } = await recordCommands(() => run(["chpasswd-ish", "--password=hunter2"], { secrets: ["hunter2"] }));
    expect(commands[0]?.argv).toEqual(["chpasswd-ish", "--password=***"]);
    expect(commands[0]?.line).toBe("chpasswd-ish '--password=***'");
  });
});
