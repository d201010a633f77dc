// Ctrl-C in the middle of extraction: the CLI stops tar, unwinds mounts and loop devices, leaves no output, exits non-zero.
import { closeSync, constants, openSync, readdirSync, writeSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { run } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";
import { tarBytes, TEST_ROOT } from "../../helpers/root-tarball.js";
import { writeFile } from "node:fs/promises";

const REPO = path.resolve(import.meta.dirname, "../../..");

// Feed a tarball through a FIFO: the files first, then the header of a big file whose data only trickles in,
// so tar is reliably busy extracting when the signal comes (a throttled extraction, no timing luck needed).
function throttledTarball(fifo: string): { stop: () => void } {
  // O_RDWR never blocks on a FIFO and never gets EPIPE, whether or not tar has opened it yet.
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  const head = tarBytes([...TEST_ROOT, { path: "big", type: "file", mode: 0o644, content: Buffer.alloc(64 * 2 ** 20) }]);
  let offset = 0;
  const send = (bytes: number) => {
    try {
      offset += writeSync(fd, head, offset, Math.min(bytes, head.length - offset));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  };
  send(16 * 1024);
  const timer = setInterval(() => send(4096), 50);
  return {
    stop: () => {
      clearInterval(timer);
      closeSync(fd);
    },
  };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("ksimage build: interrupted", () => {
  const sandbox = useSandbox();

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during extraction: exit %d, no loop device, no mount, no output file", async (signal, code) => {
    const sb = sandbox();
    const fifo = path.join(sb.dir, "root.tar");
    await run(["mkfifo", fifo]);
    const ks = path.join(sb.dir, "slow.ks");
    await writeFile(ks, `liveimg --url=file://${fifo}\npart /boot --fstype=ext4 --size=32\npart / --fstype=ext4 --size=160\n`);
    const feeder = throttledTarball(fifo);
    let stderr = "";
    const child = execa(process.execPath, ["--import", "tsx", "src/cli.ts", "build", ks, "--outdir", sb.outdir, "--tmpdir", sb.dir], {
      cwd: REPO,
      reject: false,
    });
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      // Wait until the install step has started: the throttled feed keeps tar busy from then on. (The mounted root
      // cannot be looked at from here: it lives in the build's private mount namespace.)
      await waitFor(() => stderr.includes("] install ("), "extraction to start");
      await new Promise((r) => setTimeout(r, 1_000));
      child.kill(signal);
      const result = await child;
      expect({ exitCode: result.exitCode, stderr }).toMatchObject({ exitCode: code });
      expect(stderr).toMatch(new RegExp(`interrupted by ${signal} during step \\d+/\\d+ \\(install\\) \\(stopped tar\\): cleaned up`));
    } finally {
      // If the test failed before the signal, stop the CLI the same way so that it still cleans up.
      if (child.exitCode === null) child.kill("SIGTERM");
      await child;
      feeder.stop();
    }
    // No output that looks finished, no partial file, no work directory (the sandbox's afterEach checks loops and mounts).
    expect(readdirSync(path.join(sb.outdir, "slow")).filter((f) => f.endsWith(".raw") || f.endsWith(".partial"))).toEqual([]);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);
  });
});
