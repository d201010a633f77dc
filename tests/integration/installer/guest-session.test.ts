// The guest session on a tiny real root (the host's dash and sleep with their libraries): mounts, private /dev, borrowed resolv.conf, policy-rc.d, leftover processes, full restore.
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openGuestSession, withGuestSession } from "../../../src/installer/guest/session.js";
import { listProcesses, selectProcesses } from "../../../src/installer/processes.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { Teardown } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";
import { makeTinyRoot } from "../../helpers/tiny-root.js";

/** A tiny root whose own resolv.conf is a symlink into /run, as with systemd-resolved: it must come back as it was. */
async function tinyRoot(root: string): Promise<void> {
  await makeTinyRoot(root);
  await symlink("../run/systemd/resolve/stub-resolv.conf", path.join(root, "etc/resolv.conf"));
}

const SCRIPT = [
  "read line < /etc/resolv.conf; echo \"$line\"",
  "test -c /dev/null && echo hi > /dev/null && echo dev",
  "test -e /dev/loop-control || test -e /dev/tty1 || echo private-dev",
  "test -r /proc/self/status && echo proc",
  "test -d /sys/kernel && grep -q ' /sys sysfs ro,' /proc/self/mounts && echo sys-ro",
  "test -d /dev/pts && test -d /dev/shm && echo pts+shm",
  // env -i: ksimage's own environment (vitest sets VITEST in it) does not reach the guest.
  "echo \"$HOME $LANG $SYSTEMD_OFFLINE ${KSIMAGE_TEST:-unset} ${VITEST:-clean}\"",
  "/usr/sbin/policy-rc.d; echo policy=$?",
].join("\n");

describe("the guest session", () => {
  const sandbox = useSandbox();

  it("mounts the API filesystems and a private /dev, borrows resolv.conf, forbids services; release stops a leftover daemon and restores everything", async () => {
    const sb = sandbox();
    const root = path.join(sb.dir, "root");
    await tinyRoot(root);
    const teardown = new Teardown();
    sb.teardown.defer("unwind", async () => void (await teardown.unwind()));

    const started = Date.now();
    const chroot = await openGuestSession(root, teardown);
    const opened = Date.now() - started;
    expect((await mountsUnder(root)).sort()).toEqual(["dev", "dev/pts", "dev/shm", "proc", "run", "sys"].map((m) => path.join(root, m)));
    expect(await chroot.guestTool("sleep")).toBe("/usr/bin/sleep");
    expect(await chroot.guestTool("useradd")).toBeUndefined();

    const { stdout } = await chroot.run(["/bin/sh", "-c", SCRIPT], { env: { KSIMAGE_TEST: "set" } });
    const hostFirstLine = readFileSync("/etc/resolv.conf", "utf8").split("\n")[0]!.trim();
    expect(stdout.split("\n")).toEqual([hostFirstLine, "dev", "private-dev", "proc", "sys-ro", "pts+shm", "/root C.UTF-8 1 set clean", "policy=101"]);

    // A daemon started by a script keeps running in the chroot and would keep /dev busy.
    await chroot.run(["/bin/sh", "-c", "sleep 1000 >/dev/null 2>&1 </dev/null &"]);
    expect(selectProcesses(await listProcesses(), root)).toHaveLength(1);

    const releasing = Date.now();
    await chroot.release();
    console.log(`guest session: opened in ${opened} ms, released (with a daemon to stop) in ${Date.now() - releasing} ms`);
    await chroot.release(); // twice is harmless
    expect(selectProcesses(await listProcesses(), root)).toEqual([]);
    expect(teardown.size).toBe(0);
    expect(await mountsUnder(root)).toEqual([]);
    expect(lstatSync(path.join(root, "etc/resolv.conf")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(root, "etc/resolv.conf"))).toBe("../run/systemd/resolve/stub-resolv.conf");
    expect(existsSync(path.join(root, "usr/sbin/policy-rc.d"))).toBe(false);
  });

  it("withGuestSession releases when the work fails, and a signal's unwind releases a session still in use", async () => {
    const sb = sandbox();
    const root = path.join(sb.dir, "root");
    await tinyRoot(root);
    const teardown = new Teardown();
    sb.teardown.defer("unwind", async () => void (await teardown.unwind()));

    const failing = withGuestSession(root, teardown, async (c) => {
      await c.run(["/bin/sh", "-c", "exit 3"]);
    });
    await expect(failing).rejects.toThrow(/exit code 3/);
    expect(await mountsUnder(root)).toEqual([]);
    expect(teardown.size).toBe(0);

    // As on SIGTERM: the step is still running when the build's teardown unwinds.
    const chroot = await openGuestSession(root, teardown, { policyRcD: false });
    await chroot.run(["/bin/sh", "-c", "sleep 1000 >/dev/null 2>&1 </dev/null &"]);
    const report = await teardown.unwind();
    expect(report.failures).toEqual([]);
    expect(selectProcesses(await listProcesses(), root)).toEqual([]);
    expect(await mountsUnder(root)).toEqual([]);
    expect(readlinkSync(path.join(root, "etc/resolv.conf"))).toBe("../run/systemd/resolve/stub-resolv.conf");
  });
});
