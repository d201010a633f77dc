// Bad input to `ksimage build`: one clear message, a non-zero exit (2 for usage), and nothing left behind.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/run/index.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync("/var/tmp/ksimage-it-bad-");
afterAll(() => run(["rm", "-rf", "--one-file-system", dir]).then(() => undefined));
const out = path.join(dir, "out");

async function ksimage(args: string[], asUser?: string) {
  const cmd = ["node", "--import", "tsx", path.join(repo, "src/cli.ts"), ...args];
  const argv = asUser ? ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", ...cmd] : cmd;
  return run(argv, { cwd: repo, allowExitCodes: [1, 2] });
}

// The non-root case needs an unprivileged user that can read this checkout (not so under a 0700 home).
const nobodyCanRun =
  (await run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "test", "-r", path.join(repo, "src/cli.ts")], { allowExitCodes: [1] })).exitCode === 0;
if (!nobodyCanRun) console.log(`bad-input: the non-root case is skipped: uid 65534 cannot read ${repo}`);

describe("ksimage build with bad input", () => {
  const good = path.join(dir, "good.ks");
  writeFileSync(good, "liveimg --url=file:///nonexistent/root.tar\nbootloader --location=none\npart / --size=64\n");

  it("a missing kickstart: exit 1 naming the file", async () => {
    const r = await ksimage(["build", path.join(dir, "missing.ks"), "-o", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/missing\.ks:0: .*No such file or directory/);
  });
  it("a syntax error: exit 1 with file:line", async () => {
    const bad = path.join(dir, "bad.ks");
    writeFileSync(bad, "lang en_US.UTF-8\npart / --size=abc\n");
    const r = await ksimage(["build", bad, "-o", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${bad}:2: argument --size: invalid int value: 'abc'`);
  });
  it("an unknown format: exit 2 (usage)", async () => {
    const r = await ksimage(["build", good, "-o", out, "-f", "qcow3"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown format "qcow3"');
  });
  it.skipIf(!nobodyCanRun)("as non-root: exit 1, saying which commands work without root", async () => {
    const r = await ksimage(["build", good, "-o", out], "65534");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/must run as root.*\n.*validate, inspect, plan and doctor work without root/);
  });
  it("a liveimg file that does not exist: exit 1 with the kickstart line, before any disk is made", async () => {
    const r = await ksimage(["build", good, "-o", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/good\.ks:1: liveimg --url=file:\/\/\/nonexistent\/root\.tar: .* does not exist/);
  });
  it("left nothing behind", () => {
    expect(existsSync(path.join(out, "good", "good-sda.raw"))).toBe(false);
    expect(existsSync(path.join(out, "good", "good-sda.raw.partial"))).toBe(false);
  });
});
