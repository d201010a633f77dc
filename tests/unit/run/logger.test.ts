// What run() writes to the log: the command line first, outcome at debug, failures once, secrets never.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, it, expect } from "vitest";
import { createLogger, getLogger, run, setLogger } from "../../../src/run/index.js";

let dir = "";
const silent = getLogger();
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-log-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => setLogger(silent));

async function logTo(name: string): Promise<{ file: string; records: () => Promise<Array<Record<string, unknown>>> }> {
  const file = path.join(dir, name);
  setLogger(createLogger({ file, level: "debug" }));
  return {
    file,
    records: async () =>
      (await readFile(file, "utf8"))
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("logging", () => {
  it("the default logger is silent", () => {
    expect(silent.level).toBe("silent");
  });

  it("logs '+ <command>' before running and the outcome at debug after", async () => {
    const log = await logTo("plain.log");
    await run(["sh", "-c", "echo hello"], { reason: "say hello" });
    const records = await log.records();
    expect(records[0]?.msg).toBe("+ sh -c 'echo hello'");
    expect(records[0]?.reason).toBe("say hello");
    expect(records[0]?.level).toBe(30);
    const outcome = records.find((r) => r.level === 20);
    expect(outcome?.stdout).toBe("hello");
    expect(outcome?.exitCode).toBe(0);
  });

  it("logs a failure once, at error level, with the stderr tail", async () => {
    const log = await logTo("fail.log");
    await expect(run(["sh", "-c", "echo boom >&2; exit 4"])).rejects.toThrow("sh failed with exit code 4");
    const errors = (await log.records()).filter((r) => r.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.stderrTail).toEqual(["boom"]);
  });

  it("never writes a secret to the log, in argv, output or error", async () => {
    const log = await logTo("secret.log");
    const secret = "pl4intext-P@ss";
    await run(["sh", "-c", `echo "pw ${secret}"; echo "err ${secret}" >&2`], { secrets: [secret] });
    await expect(run(["sh", "-c", `echo "bad ${secret}" >&2; exit 1`, secret], { secrets: [secret] })).rejects.toThrow(
      /exit code 1/,
    );
    const text = await readFile(log.file, "utf8");
    expect(text).not.toContain(secret);
    expect(text).toContain("pw ***");
    expect(text).toContain("bad ***");
    expect((await log.records())[0]?.msg).toBe(`+ sh -c 'echo "pw ***"; echo "err ***" >&2'`);
  });

  it("masks secrets in the ToolError too", async () => {
    const secret = "t0psecret";
    const error = await run(["sh", "-c", `echo ${secret} >&2; exit 1`], { secrets: [secret] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ argv: ["sh", "-c", "echo *** >&2; exit 1"], stderrTail: ["***"] });
  });
});

describe("a log file that cannot be written", () => {
  it("drops the lines instead of throwing (so the real error and the cleanup survive) and says so once", async () => {
    // /dev/full answers every write with ENOSPC: a full disk without making one.
    const losses: string[] = [];
    setLogger(createLogger({ file: "/dev/full", onLoss: (file, error) => losses.push(`${file}: ${error.code}`) }));
    expect(() => getLogger().info("first")).not.toThrow();
    await expect(run(["sh", "-c", "echo boom >&2; exit 3"])).rejects.toThrow("sh failed with exit code 3");
    getLogger().error("last");
    expect(losses).toEqual(["/dev/full: ENOSPC"]);
  });
});
