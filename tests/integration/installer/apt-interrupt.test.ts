// SIGTERM while mmdebstrap runs dpkg in the chroot: what the signal handler does (signal our children, unwind) leaves no process and no mount behind.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installPackages } from "../../../src/installer/packages.js";
import { listProcesses, selectProcesses } from "../../../src/installer/processes.js";
import { choosePackageSource } from "../../../src/installer/source.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { killAllChildren, Teardown } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";
import { parseOk } from "../../helpers/ks.js";

describe("installWithApt interrupted", () => {
  const sandbox = useSandbox();

  it("stops mmdebstrap and its chrooted dpkg, waits for them, unmounts what mmdebstrap mounted", { timeout: 600_000 }, async () => {
    const sb = sandbox();
    const root = path.join(sb.dir, "root");
    const workdir = path.join(sb.dir, "work");
    await mkdir(root, { recursive: true });
    await mkdir(workdir, { recursive: true });
    const source = await choosePackageSource(parseOk("%addon org_ksimage_debian --suite=bookworm --variant=minbase\n%end\n%packages\nless\n%end\n"), { hostRoot: "/" });
    const teardown = new Teardown();
    sb.teardown.defer("unwind", async () => void (await teardown.unwind()));

    let configuring: () => void = () => undefined;
    const dpkgRuns = new Promise<void>((resolve) => (configuring = resolve));
    const install = installPackages({ source, root, workdir, teardown, onOutput: (l) => l.startsWith("Setting up ") && configuring() }).catch((e: unknown) => e);
    await dpkgRuns;
    const inChroot = selectProcesses(await listProcesses(), root, { byArgv: true });
    expect(inChroot.length).toBeGreaterThan(0);
    expect(await mountsUnder(root)).not.toEqual([]);

    // What installSignalHandlers does on SIGTERM.
    const started = Date.now();
    killAllChildren("SIGTERM");
    const report = await teardown.unwind();
    const seconds = (Date.now() - started) / 1000;

    expect(report.failures).toEqual([]);
    expect(await install).toBeInstanceOf(Error);
    expect(selectProcesses(await listProcesses(), root, { byArgv: true })).toEqual([]);
    expect(await mountsUnder(root)).toEqual([]);
    expect(seconds).toBeLessThan(30);
    console.log(`interrupted mmdebstrap: ${inChroot.length} processes stopped, cleaned up in ${seconds.toFixed(1)} s`);
  });
});
