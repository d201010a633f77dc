// The guest session: the exact mounts and node copy (dry run), the clean environment, each undo registered; process selection.
import { describe, expect, it } from "vitest";
import { copyNodesArgs, devNodes, devptsArgs, devTmpfsArgs, shmArgs } from "../../../src/installer/guest/dev.js";
import { guestArgs, guestEnv, guestSessionTools, openGuestSession, procArgs, runTmpfsArgs, sysArgs } from "../../../src/installer/guest/session.js";
import { selectProcesses, type ProcInfo } from "../../../src/installer/processes.js";
import { recordCommands, Teardown } from "../../../src/run/index.js";

describe("argv", () => {
  it("proc, a read-only sysfs, a tmpfs /dev with its own devpts and shm, a tmpfs /run", () => {
    expect(procArgs("/w/root/proc")).toEqual(["mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", "/w/root/proc"]);
    expect(sysArgs("/w/root/sys")).toEqual(["mount", "-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs", "/w/root/sys"]);
    expect(devTmpfsArgs("/w/root/dev")).toEqual(["mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,size=4m", "tmpfs", "/w/root/dev"]);
    expect(devptsArgs("/w/root/dev/pts")).toEqual(["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec", "devpts", "/w/root/dev/pts"]);
    expect(shmArgs("/w/root/dev/shm")).toEqual(["mount", "-t", "tmpfs", "-o", "mode=1777,nosuid,nodev", "tmpfs", "/w/root/dev/shm"]);
    expect(runTmpfsArgs("/w/root/run")).toEqual(["mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,nodev", "tmpfs", "/w/root/run"]);
    expect(copyNodesArgs("/w/root", ["/dev/null", "/dev/loop3"])).toEqual(["cp", "-a", "--no-dereference", "--parents", "/dev/null", "/dev/loop3", "/w/root"]);
  });

  it("the guest's /dev: the standard nodes, then the build's own disks (never anything outside /dev)", async () => {
    const { value } = await recordCommands(() => devNodes(["/dev/loop3", "/dev/loop3p1", "/dev/null", "/etc/passwd"]));
    expect(value).toEqual(["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/loop3", "/dev/loop3p1"]);
  });

  it("env -i: only the guest's environment, proxies passed through", () => {
    const env = guestEnv({ PATH: "/host/bin", https_proxy: "http://p:3128", SECRET: "x" });
    expect(env).toEqual({
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: "/root",
      LANG: "C.UTF-8",
      TERM: "dumb",
      DEBIAN_FRONTEND: "noninteractive",
      SYSTEMD_OFFLINE: "1",
      https_proxy: "http://p:3128",
    });
    expect(guestArgs("/w/root", ["sh", "-c", "true"], { PATH: "/bin", X: "1" })).toEqual(["env", "-i", "PATH=/bin", "X=1", "chroot", "/w/root", "sh", "-c", "true"]);
    expect(guestSessionTools().map((t) => t.tool)).toEqual(["chroot", "env", "mount", "cp"]);
  });

  it("openGuestSession mounts proc, sys, dev (with its nodes), dev/pts, dev/shm and run, each undo registered first; release empties the stack", async () => {
    const teardown = new Teardown();
    const { value: guest, commands } = await recordCommands(() => openGuestSession("/w/root", teardown, { devices: ["/dev/loop9", "/dev/loop9p1"] }));
    expect(commands.map((c) => c.line)).toEqual([
      "mount -t proc -o nosuid,nodev,noexec proc /w/root/proc",
      "mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /w/root/sys",
      "mount -t tmpfs -o mode=0755,nosuid,size=4m tmpfs /w/root/dev",
      "cp -a --no-dereference --parents /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/loop9 /dev/loop9p1 /w/root",
      "mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts /w/root/dev/pts",
      "mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /w/root/dev/shm",
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
    expect(guest.mounts).toEqual(["proc", "sys", "dev", "dev/pts", "dev/shm", "run"]);
    const { commands: inside } = await recordCommands(() => guest.run(["ls", "/"], { env: { FOO: "bar" } }));
    expect(inside[0]?.argv.slice(-5)).toEqual(["FOO=bar", "chroot", "/w/root", "ls", "/"]);
    await recordCommands(() => guest.release());
    expect(teardown.size).toBe(0);
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
