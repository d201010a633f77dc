// End to end: `ksimage build examples/debian-live.ks -f iso` makes a hybrid live ISO that reaches the login prompt
// as a CD-ROM under BIOS and under UEFI, and as a hard disk under BIOS (the USB-stick path). TCG here: times are slow.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/run/index.js";
import { useSandbox, type Sandbox } from "../helpers/build-sandbox.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(repo, "examples/debian-live.ks");
const cli = ["node", "--import", "tsx", path.join(repo, "src/cli.ts")];
// Made when the tests start, not when the file is imported: a skipped or filtered-out run must leave nothing behind.
let cache = "";
beforeAll(() => {
  cache = mkdtempSync("/var/tmp/ksimage-e2e-live-cache-");
});
afterAll(() => (cache === "" ? undefined : run(["rm", "-rf", "--one-file-system", "--", cache]).then(() => undefined)));

async function buildIso(sb: Sandbox): Promise<{ iso: string; seconds: number }> {
  const started = Date.now();
  await run([...cli, "build", example, "--outdir", sb.outdir, "-f", "iso", "--tmpdir", sb.dir, "--cache", cache], { cwd: repo, timeoutMs: 30 * 60_000, onStderrLine: (l) => console.log(l) });
  return { iso: path.join(sb.outdir, "debian-live", "debian-live.iso"), seconds: (Date.now() - started) / 1000 };
}

async function boot(iso: string, flags: string[]): Promise<number> {
  const started = Date.now();
  const r = await run([...cli, "boot", iso, "--timeout", "300", "--attempts", "2", ...flags], { cwd: repo, timeoutMs: 700_000, allowExitCodes: [1], onStderrLine: (l) => console.log(l) });
  expect(r.exitCode, r.stderr).toBe(0);
  return (Date.now() - started) / 1000;
}

// One cold build and three TCG boots (about 100 s each to the login prompt at load 5-7 here), then a warm rebuild.
describe("examples/debian-live.ks -f iso", () => {
  const sandbox = useSandbox();

  it("builds a hybrid ISO that boots to login as a CD (BIOS, UEFI) and as a hard disk (BIOS)", async () => {
    const sb = sandbox();
    const { iso, seconds } = await buildIso(sb);
    expect(existsSync(iso)).toBe(true);
    expect(readdirSync(path.dirname(iso)).filter((f) => f.endsWith(".partial"))).toEqual([]);
    await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: path.dirname(iso) });
    const loadBefore = (await run(["cat", "/proc/loadavg"])).stdout.trim();
    const bios = await boot(iso, []);
    const uefi = await boot(iso, ["--uefi"]);
    const disk = await boot(iso, ["--as-disk"]);
    const loadAfter = (await run(["cat", "/proc/loadavg"])).stdout.trim();
    console.log(`debian-live: build ${seconds.toFixed(1)} s, login as CD/BIOS ${bios.toFixed(1)} s, CD/UEFI ${uefi.toFixed(1)} s, disk/BIOS ${disk.toFixed(1)} s (load ${loadBefore} -> ${loadAfter})`);
  });

  it("rebuilds warm from the root-tree cache", async () => {
    const sb = sandbox();
    const { iso, seconds } = await buildIso(sb);
    expect(existsSync(iso)).toBe(true);
    console.log(`debian-live: warm rebuild ${seconds.toFixed(1)} s`);
  });
});
