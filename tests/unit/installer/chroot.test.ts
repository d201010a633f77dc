// Chroot preparation: the exact mounts (dry run), the clean environment, guest tools found through the guest's own symlinks; process selection.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bindMountArgs, chrootArgs, chrootEnv, findGuestTool, prepareChroot, resolveInRoot, runTmpfsArgs } from "../../../src/installer/chroot.js";
import { selectProcesses, type ProcInfo } from "../../../src/installer/processes.js";
import { recordCommands, Teardown } from "../../../src/run/index.js";

describe("argv", () => {
  it("bind and tmpfs mounts", () => {
    expect(bindMountArgs("/proc", "/w/root/proc")).toEqual(["mount", "--bind", "/proc", "/w/root/proc"]);
    expect(runTmpfsArgs("/w/root/run")).toEqual(["mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,nodev", "tmpfs", "/w/root/run"]);
  });

  it("env -i: only the chroot's environment, proxies passed through", () => {
    const env = chrootEnv({ PATH: "/host/bin", https_proxy: "http://p:3128", SECRET: "x" });
    expect(env).toEqual({
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: "/root",
      LANG: "C.UTF-8",
      TERM: "dumb",
      DEBIAN_FRONTEND: "noninteractive",
      SYSTEMD_OFFLINE: "1",
      https_proxy: "http://p:3128",
    });
    expect(chrootArgs("/w/root", ["sh", "-c", "true"], { PATH: "/bin", X: "1" })).toEqual(["env", "-i", "PATH=/bin", "X=1", "chroot", "/w/root", "sh", "-c", "true"]);
  });

  it("prepareChroot mounts proc, sys, dev, dev/pts, dev/shm and a tmpfs /run, each undo registered; release empties the stack", async () => {
    const teardown = new Teardown();
    const { value: chroot, commands } = await recordCommands(() => prepareChroot("/w/root", teardown));
    expect(commands.map((c) => c.line)).toEqual([
      "mount --bind /proc /w/root/proc",
      "mount --bind /sys /w/root/sys",
      "mount --bind /dev /w/root/dev",
      "mount --bind /dev/pts /w/root/dev/pts",
      "mount --bind /dev/shm /w/root/dev/shm",
      "mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /w/root/run",
    ]);
    expect(teardown.labels()).toEqual([
      "unmount /w/root/proc",
      "unmount /w/root/sys",
      "unmount /w/root/dev",
      "unmount /w/root/dev/pts",
      "unmount /w/root/dev/shm",
      "unmount /w/root/run",
      "stop processes still running in /w/root",
    ]);
    const { commands: inside } = await recordCommands(() => chroot.run(["ls", "/"], { env: { FOO: "bar" } }));
    expect(inside[0]?.argv.slice(-5)).toEqual(["FOO=bar", "chroot", "/w/root", "ls", "/"]);
    await recordCommands(() => chroot.release());
    expect(teardown.size).toBe(0);
  });
});

describe("guest tools", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "ksimage-guest-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const exe = (rel: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), "#!/bin/sh\n");
    chmodSync(path.join(root, rel), 0o755);
  };
  exe("usr/bin/vim.tiny");
  exe("usr/sbin/useradd");
  writeFileSync(path.join(root, "usr/bin/not-executable"), "");
  symlinkSync("usr/bin", path.join(root, "bin"));
  mkdirSync(path.join(root, "etc/alternatives"), { recursive: true });
  // Absolute links resolve inside the root, never on the host.
  symlinkSync("/etc/alternatives/editor", path.join(root, "usr/bin/editor"));
  symlinkSync("/usr/bin/vim.tiny", path.join(root, "etc/alternatives/editor"));
  symlinkSync("/usr/bin/loop2", path.join(root, "usr/bin/loop1"));
  symlinkSync("/usr/bin/loop1", path.join(root, "usr/bin/loop2"));
  symlinkSync("/usr/bin/sh-on-host", path.join(root, "usr/bin/dangling"));

  it("resolveInRoot", async () => {
    expect(await resolveInRoot(root, "/bin/editor")).toBe("/usr/bin/vim.tiny");
    expect(await resolveInRoot(root, "/usr/bin/../sbin/useradd")).toBe("/usr/sbin/useradd");
    expect(await resolveInRoot(root, "/usr/bin/loop1")).toBeUndefined();
    expect(await resolveInRoot(root, "/usr/bin/dangling")).toBeUndefined();
  });

  it("findGuestTool", async () => {
    expect(await findGuestTool(root, "useradd")).toBe("/usr/sbin/useradd");
    expect(await findGuestTool(root, "editor")).toBe("/usr/bin/editor");
    expect(await findGuestTool(root, "not-executable")).toBeUndefined();
    // /bin/sh exists on the host but not in this root.
    expect(await findGuestTool(root, "sh")).toBeUndefined();
  });
});

describe("selectProcesses", () => {
  const p = (pid: number, ppid: number, root: string | null, argv: string[] = []): ProcInfo => ({ pid, ppid, root, argv });
  const procs = [
    p(1, 0, "/", ["init"]),
    p(10, 1, "/", ["node", "ksimage"]),
    p(11, 10, "/", ["mmdebstrap", "--variant=minbase", "bookworm", "/w/root"]),
    p(12, 11, "/", ["apt-get", "install"]),
    p(13, 12, "/w/root", ["dpkg", "--configure"]),
    p(14, 13, "/w/root", ["sh", "postinst"]),
    p(20, 1, "/w/root/sub", ["daemon"]),
    p(30, 1, "/w/rootfs", ["other"]),
    p(31, 1, null, ["unreadable"]),
  ];
  it("by root: chrooted processes and their children", () => expect(selectProcesses(procs, "/w/root")).toEqual([13, 14, 20]));
  it("by argv too: mmdebstrap and everything under it", () => expect(selectProcesses(procs, "/w/root", { byArgv: true })).toEqual([11, 12, 13, 14, 20]));
  it("never the excluded (ourselves and our parents), nor children reached only through them", () => expect(selectProcesses(procs, "/w/root", { byArgv: true, exclude: [11] })).toEqual([13, 14, 20]));
});
