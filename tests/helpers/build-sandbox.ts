// Integration-test sandbox for builds: a private temp dir, cleanup registered before acting, leak checks after each test.
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import { parseKickstart } from "../../src/kickstart/parser.js";
import { detachLoop } from "../../src/partition/loop.js";
import { mountsUnder, unmount } from "../../src/partition/mount.js";
import { buildPlan, type BuildPlan, type PlanOptions } from "../../src/plan.js";
import { run, Teardown } from "../../src/run/index.js";

/** Loop devices whose backing file lies under DIR (deleted files included), as "loopN -> file". */
export async function loopsUnder(dir: string): Promise<string[]> {
  const { stdout } = await run(["losetup", "--list", "--json", "--output", "NAME,BACK-FILE"]);
  if (stdout.trim() === "") return [];
  const devices = (JSON.parse(stdout) as { loopdevices?: { name: string; "back-file": string | null }[] }).loopdevices ?? [];
  return devices.filter((d) => (d["back-file"] ?? "").startsWith(`${dir}/`)).map((d) => `${d.name} -> ${d["back-file"]}`);
}

/** Unmount everything under DIR (deepest first), detach its loops, remove it: the test's own safety net. */
export async function forceCleanup(dir: string): Promise<void> {
  for (const target of await mountsUnder(dir)) await unmount(target);
  for (const entry of await loopsUnder(dir)) {
    const [device, file] = entry.split(" -> ") as [string, string];
    // A loop whose file is already deleted can no longer be found with `losetup -j`: detach it by name.
    if (file.endsWith(" (deleted)")) await run(["losetup", "--detach", device]);
    else await detachLoop(device, file);
  }
  await run(["rm", "-rf", "--one-file-system", "--", dir]);
}

export interface Sandbox {
  /** The test's private directory (under /var/tmp). */
  dir: string;
  /** Where outputs go. */
  outdir: string;
  /** Undos of the test itself (read-back mounts and loops); the sandbox removal is at its bottom. */
  teardown: Teardown;
}

// Give each test of the file a fresh sandbox and check, after it, that no loop device or mount of it is left.
export function useSandbox(): () => Sandbox {
  let current: Sandbox | undefined;
  beforeEach(async () => {
    const dir = await mkdtemp("/var/tmp/ksimage-it-");
    const teardown = new Teardown();
    teardown.defer(`remove sandbox ${dir}`, () => forceCleanup(dir));
    current = { dir, outdir: path.join(dir, "out"), teardown };
  });
  afterEach(async () => {
    const sandbox = current!;
    current = undefined;
    // Look before cleaning up: whatever the build or the test left behind is a failure.
    const loops = await loopsUnder(sandbox.dir);
    const mounts = await mountsUnder(sandbox.dir);
    await sandbox.teardown.unwind();
    expect({ loops, mounts }).toEqual({ loops: [], mounts: [] });
  });
  return () => {
    if (current === undefined) throw new Error("useSandbox: no test is running");
    return current;
  };
}

/** Write the kickstart text into the sandbox and plan it for real. */
export async function planKickstart(sandbox: Sandbox, name: string, text: string, opts: PlanOptions = {}): Promise<BuildPlan> {
  const file = path.join(sandbox.dir, `${name}.ks`);
  await writeFile(file, text);
  const parsed = parseKickstart(file);
  if (parsed.error || !parsed.ks) throw parsed.error ?? new Error(`could not parse ${file}`);
  // Plain raw disks unless the test asks otherwise: the disk tests read them back directly.
  return buildPlan(parsed.ks, { outdir: sandbox.outdir, ...opts, output: { formats: ["raw"], compress: "none", ...opts.output } });
}
