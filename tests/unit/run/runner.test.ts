// run() against real, harmless tools: success, failure, missing tools, timeouts, kill, line callbacks.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, expect } from "vitest";
import { ToolError } from "../../../src/errors.js";
import { killAllChildren, liveChildCount, run } from "../../../src/run/index.js";

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

let emptyDir = "";
beforeAll(async () => {
  emptyDir = await mkdtemp(path.join(os.tmpdir(), "ksimage-run-"));
});
afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

describe("run", () => {
  it("returns stdout, stderr and exit code 0 of a successful command", async () => {
    expect(await run(["true"])).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(await run(["sh", "-c", "echo out; echo err >&2"])).toEqual({ stdout: "out", stderr: "err", exitCode: 0 });
  });

  it("throws ToolError with argv and exit code when a command fails", async () => {
    const error = await failure(run(["false"]));
    expect(error.message).toBe("false failed with exit code 1");
    expect(error.argv).toEqual(["false"]);
    expect(error.exitCode).toBe(1);
    expect(error.signal).toBeUndefined();
  });

  it("carries the stderr tail of a failed command", async () => {
    const argv = ["sh", "-c", "echo out; echo err >&2; exit 3"];
    const error = await failure(run(argv));
    expect(error.message).toBe("sh failed with exit code 3");
    expect(error.argv).toEqual(argv);
    expect(error.exitCode).toBe(3);
    expect(error.stderrTail).toEqual(["err"]);
  });

  it("keeps only the last 20 non-empty stderr lines", async () => {
    const script = 'for i in $(seq 1 30); do echo "line $i" >&2; echo >&2; done; exit 2';
    const error = await failure(run(["sh", "-c", script]));
    expect(error.stderrTail).toHaveLength(20);
    expect(error.stderrTail[0]).toBe("line 11");
    expect(error.stderrTail[19]).toBe("line 30");
  });

  it("accepts exit codes listed in allowExitCodes", async () => {
    expect(await run(["sh", "-c", "exit 1"], { allowExitCodes: [1] })).toEqual({ stdout: "", stderr: "", exitCode: 1 });
    await failure(run(["sh", "-c", "exit 2"], { allowExitCodes: [1] }));
  });

  it("reports a missing tool as 'tool not found' with the package to install", async () => {
    // Hide the real mkfs.ext4 behind an empty PATH rather than faking one: ENOENT is what matters.
    const error = await failure(run(["mkfs.ext4", "-q", "/nonexistent"], { env: { PATH: emptyDir } }));
    expect(error.message).toBe("tool not found: mkfs.ext4");
    expect(error.hint).toContain("install it: apt-get install e2fsprogs");
    expect(error.hint).toContain("dnf install e2fsprogs");
    expect(error.argv).toEqual(["mkfs.ext4", "-q", "/nonexistent"]);
  });

  it("names the reason when a missing tool was needed for something", async () => {
    const error = await failure(run(["parted", "-s", "x"], { env: { PATH: emptyDir }, reason: "partition disk vda" }));
    expect(error.hint).toBe("parted is required to partition disk vda; install it: apt-get install parted (Fedora: dnf install parted)");
  });

  it("gives a generic hint for a tool not in the table", async () => {
    const error = await failure(run(["ksimage-no-such-tool-x"]));
    expect(error.message).toBe("tool not found: ksimage-no-such-tool-x");
    expect(error.hint).toMatch(/install the package that provides ksimage-no-such-tool-x/);
  });

  it("treats exit 127 from a shell as the inner command missing", async () => {
    const error = await failure(run(["sh", "-c", "ksimage-missing-inner --flag"]));
    expect(error.exitCode).toBe(127);
    expect(error.message).toBe("tool not found: ksimage-missing-inner");
  });

  it("says when the working directory does not exist instead of blaming the tool", async () => {
    const error = await failure(run(["true"], { cwd: path.join(emptyDir, "gone") }));
    expect(error.message).toMatch(/^cannot run true: working directory .*gone does not exist$/);
  });

  it("feeds input to stdin and reports output line by line", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await run(["sh", "-c", "cat; echo e1 >&2; echo e2 >&2"], {
      input: "a\nb\n",
      onStdoutLine: (l) => out.push(l),
      onStderrLine: (l) => err.push(l),
    });
    expect(result.stdout).toBe("a\nb");
    expect(out).toEqual(["a", "b"]);
    expect(err).toEqual(["e1", "e2"]);
  });

  it("closes stdin when no input is given, so a prompting tool cannot hang", async () => {
    expect((await run(["sh", "-c", "read x || echo eof"], { timeoutMs: 5000 })).stdout).toBe("eof");
  });

  it("merges env into the inherited environment and honours cwd", async () => {
    const { stdout } = await run(["sh", "-c", 'echo "$KSIMAGE_T:$(pwd)"; test -n "$PATH"'], {
      env: { KSIMAGE_T: "v" },
      cwd: emptyDir,
    });
    expect(stdout).toBe(`v:${emptyDir}`);
  });

  it("kills a command that runs past its timeout", async () => {
    const error = await failure(run(["sleep", "10"], { timeoutMs: 100 }));
    expect(error.message).toBe("sleep timed out after 100 ms");
    expect(error.signal).toBe("SIGTERM");
  });

  it("lets killAllChildren stop every live subprocess", async () => {
    const pending = run(["sleep", "30"]);
    const deadline = Date.now() + 5000;
    while (liveChildCount() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(liveChildCount()).toBe(1);
    expect(killAllChildren("SIGTERM")).toBe(1);
    const error = await failure(pending);
    expect(error.message).toBe("sleep was killed by SIGTERM");
    expect(error.signal).toBe("SIGTERM");
    expect(liveChildCount()).toBe(0);
  });

  it("refuses an empty argv", async () => {
    await expect(run([])).rejects.toThrow(/empty command/);
  });
});

describe("run(): secretOutput", () => {
  it("keeps a secret stdout (a password hash) out of the log but returns it", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const pathMod = await import("node:path");
    const { createLogger, getLogger, setLogger } = await import("../../../src/run/index.js");
    const dir = mkdtempSync(pathMod.join(os.tmpdir(), "ksimage-secret-"));
    const file = pathMod.join(dir, "log.jsonl");
    const saved = getLogger();
    setLogger(createLogger({ file }));
    try {
      const r = await run(["cat"], { input: "$6$salt$HASHVALUE\n", secretOutput: true });
      expect(r.stdout.trim()).toBe("$6$salt$HASHVALUE");
    } finally {
      setLogger(saved);
    }
    try {
      expect(readFileSync(file, "utf8")).not.toContain("HASHVALUE");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
