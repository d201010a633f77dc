// prepareChroot on a tiny real root (the host's dash and sleep with their libraries): mounts, borrowed resolv.conf, policy-rc.d, leftover processes, full restore.
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareChroot, withChroot } from "../../../src/installer/chroot.js";
import { listProcesses, selectProcesses } from "../../../src/installer/processes.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { run, Teardown } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";

/** A root that can run /bin/sh and /usr/bin/sleep: the binaries and the libraries ldd names, at the same paths. */
async function tinyRoot(root: string): Promise<void> {
  for (const bin of ["/usr/bin/dash", "/usr/bin/sleep"]) {
    const { stdout } = await run(["ldd", bin]);
    const libs = [...stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
    for (const file of [bin, ...libs]) {
      await mkdir(path.join(root, path.dirname(file)), { recursive: true });
      await copyFile(file, path.join(root, file));
      await run(["chmod", "755", path.join(root, file)]);
    }
  }
  await symlink("usr/bin", path.join(root, "bin"));
  await symlink("dash", path.join(root, "usr/bin/sh"));
  await mkdir(path.join(root, "usr/sbin"), { recursive: true });
  await mkdir(path.join(root, "etc"), { recursive: true });
  await writeFile(path.join(root, "etc/debian_version"), "12.0\n");
  // The guest's own resolv.conf is a symlink into /run, as with systemd-resolved: it must come back as it was.
  await symlink("../run/systemd/resolve/stub-resolv.conf", path.join(root, "etc/resolv.conf"));
}

const SCRIPT = [
  "read line < /etc/resolv.conf; echo \"$line\"",
  "test -c /dev/null && echo dev",
  "test -r /proc/self/status && echo proc",
  "test -d /sys/kernel && echo sys",
  "test -d /dev/pts && test -d /dev/shm && echo pts+shm",
  "echo \"$HOME $LANG $SYSTEMD_OFFLINE ${KSIMAGE_TEST:-unset}\"",
  "/usr/sbin/policy-rc.d; echo policy=$?",
].join("\n");

describe("prepareChroot", () => {
  const sandbox = useSandbox();

  it("binds the API filesystems, borrows resolv.conf, forbids services; release stops a leftover daemon and restores everything", async () => {
    const sb = sandbox();
    const root = path.join(sb.dir, "root");
    await tinyRoot(root);
    const teardown = new Teardown();
    sb.teardown.defer("unwind", async () => void (await teardown.unwind()));

    const chroot = await prepareChroot(root, teardown);
    expect((await mountsUnder(root)).sort()).toEqual(["dev", "dev/pts", "dev/shm", "proc", "run", "sys"].map((m) => path.join(root, m)));
    expect(await chroot.guestTool("sleep")).toBe("/usr/bin/sleep");
    expect(await chroot.guestTool("useradd")).toBeUndefined();

    const { stdout } = await chroot.run(["/bin/sh", "-c", SCRIPT], { env: { KSIMAGE_TEST: "set" } });
    const hostFirstLine = readFileSync("/etc/resolv.conf", "utf8").split("\n")[0]!.trim();
    expect(stdout.split("\n")).toEqual([hostFirstLine, "dev", "proc", "sys", "pts+shm", "/root C.UTF-8 1 set", "policy=101"]);

    // A daemon started by a script keeps running in the chroot and would keep /dev busy.
    await chroot.run(["/bin/sh", "-c", "sleep 1000 >/dev/null 2>&1 </dev/null &"]);
    expect(selectProcesses(await listProcesses(), root)).toHaveLength(1);

    await chroot.release();
    await chroot.release(); // twice is harmless
    expect(selectProcesses(await listProcesses(), root)).toEqual([]);
    expect(teardown.size).toBe(0);
    expect(await mountsUnder(root)).toEqual([]);
    expect(lstatSync(path.join(root, "etc/resolv.conf")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(root, "etc/resolv.conf"))).toBe("../run/systemd/resolve/stub-resolv.conf");
    expect(existsSync(path.join(root, "usr/sbin/policy-rc.d"))).toBe(false);
  });

  it("withChroot releases when the work fails, and a signal's unwind releases a chroot still in use", async () => {
    const sb = sandbox();
    const root = path.join(sb.dir, "root");
    await tinyRoot(root);
    const teardown = new Teardown();
    sb.teardown.defer("unwind", async () => void (await teardown.unwind()));

    const failing = withChroot(root, teardown, async (c) => {
      await c.run(["/bin/sh", "-c", "exit 3"]);
    });
    await expect(failing).rejects.toThrow(/exit code 3/);
    expect(await mountsUnder(root)).toEqual([]);
    expect(teardown.size).toBe(0);

    // As on SIGTERM: the step is still running when the build's teardown unwinds.
    const chroot = await prepareChroot(root, teardown, { policyRcD: false });
    await chroot.run(["/bin/sh", "-c", "sleep 1000 >/dev/null 2>&1 </dev/null &"]);
    const report = await teardown.unwind();
    expect(report.failures).toEqual([]);
    expect(selectProcesses(await listProcesses(), root)).toEqual([]);
    expect(await mountsUnder(root)).toEqual([]);
    expect(readlinkSync(path.join(root, "etc/resolv.conf"))).toBe("../run/systemd/resolve/stub-resolv.conf");
  });
});
