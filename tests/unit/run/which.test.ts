// which() finds executables on PATH without spawning; preflight checks rely on it.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, expect } from "vitest";
import { which } from "../../../src/run/index.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-which-"));
  await writeFile(path.join(dir, "runnable"), "#!/bin/sh\n");
  await chmod(path.join(dir, "runnable"), 0o755);
  await writeFile(path.join(dir, "plain"), "not executable\n");
  await chmod(path.join(dir, "plain"), 0o644);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("which", () => {
  it("finds an executable file in a PATH directory", async () => {
    expect(await which("runnable", `/nonexistent${path.delimiter}${dir}`)).toBe(path.join(dir, "runnable"));
  });

  it("skips files without the execute bit and directories", async () => {
    // As root, access(X_OK) still needs one execute bit, so this holds for root too.
    expect(await which("plain", dir)).toBeUndefined();
    expect(await which(path.basename(dir), path.dirname(dir))).toBeUndefined();
  });

  it("returns undefined for a tool on no PATH entry", async () => {
    expect(await which("ksimage-no-such-tool")).toBeUndefined();
    expect(await which("runnable", "")).toBeUndefined();
  });

  it("checks a path with a slash directly", async () => {
    expect(await which(path.join(dir, "runnable"), "")).toBe(path.join(dir, "runnable"));
    expect(await which(path.join(dir, "plain"))).toBeUndefined();
  });

  it("finds sh on the real PATH", async () => {
    expect(await which("sh")).toMatch(/\/sh$/);
  });
});
