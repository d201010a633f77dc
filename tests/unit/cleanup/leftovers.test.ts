// Which loop devices and files belong to a dead build: by journal record, by the inode of its unfinished files,
// and by its work directory; never a later build's file of the same name.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loopsOfBuild, parseLoopList, partialFilesOf } from "../../../src/cleanup/leftovers.js";
import { identityAlive, ownerIdentity, processStartTime, type JournalData } from "../../../src/run/index.js";
import { namespaceArgv } from "../../../src/run/namespace.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-leftovers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function journal(over: Partial<JournalData> = {}): JournalData {
  return { version: 1, pid: 1, startTime: "1", bootId: "b", started: "", workdir: "/var/tmp/ksimage-abc", partials: [], loops: [], mounts: [], ...over };
}

describe("parseLoopList", () => {
  it("strips losetup's (deleted) and reads the inode", () => {
    const json = JSON.stringify({ loopdevices: [{ name: "/dev/loop3", "back-file": "/out/a.raw.partial (deleted)", "back-ino": 42 }, { name: "/dev/loop4", "back-file": "/x", "back-ino": null }] });
    expect(parseLoopList(json)).toEqual([
      { device: "/dev/loop3", file: "/out/a.raw.partial", deleted: true, ino: 42 },
      { device: "/dev/loop4", file: "/x", deleted: false, ino: undefined },
    ]);
    expect(parseLoopList("")).toEqual([]);
  });
});

describe("loopsOfBuild", () => {
  const loops = [
    { device: "/dev/loop1", file: "/out/a.raw.partial", deleted: true, ino: 10 },
    { device: "/dev/loop2", file: "/out/a.raw.partial", deleted: false, ino: 11 },
    { device: "/dev/loop3", file: "/var/tmp/ksimage-abc/liveimg.img", deleted: false, ino: 12 },
    { device: "/dev/loop4", file: "/somebody/else.img", deleted: false, ino: 13 },
  ];
  it("takes the journaled loop and the one on its unfinished file (same inode), and any in its work directory", () => {
    const j = journal({ partials: [{ path: "/out/a.raw.partial", ino: 10 }], loops: [{ device: "/dev/loop1", file: "/out/a.raw.partial", ino: 10 }] });
    expect(loopsOfBuild(j, loops).map((l) => l.device)).toEqual(["/dev/loop1", "/dev/loop3"]);
  });
  it("never a loop on a later build's file of the same name (another inode)", () => {
    const j = journal({ partials: [{ path: "/out/a.raw.partial", ino: 10 }] });
    expect(loopsOfBuild(j, loops).map((l) => l.device)).not.toContain("/dev/loop2");
  });
});

describe("partialFilesOf", () => {
  it("lists the dead build's disk file only while it is the same inode, and *.partial of its appliance directory unless a live build writes there", () => {
    const disk = path.join(dir, "a-sda.raw.partial");
    writeFileSync(disk, "");
    writeFileSync(path.join(dir, "a-sda.qcow2.partial"), "");
    const j = journal({ applianceDir: dir, partials: [{ path: disk, ino: statSync(disk).ino }] });
    expect(partialFilesOf(j, [])).toEqual([path.join(dir, "a-sda.qcow2.partial"), disk]);
    expect(partialFilesOf(j, [journal({ applianceDir: dir })])).toEqual([disk]);
    rmSync(disk);
    writeFileSync(disk, "a later build's");
    expect(partialFilesOf({ ...j, partials: [{ path: disk, ino: -1 }] }, [journal({ applianceDir: dir })])).toEqual([]);
  });
});

describe("process identity", () => {
  it("this process is alive; the same pid with another start time is not", () => {
    const me = ownerIdentity({});
    expect(me.pid).toBe(process.pid);
    expect(me.startTime).toBe(processStartTime(process.pid));
    expect(identityAlive(me)).toBe(true);
    expect(identityAlive({ ...me, startTime: "1" })).toBe(false);
    expect(identityAlive({ ...me, bootId: "another boot" })).toBe(false);
  });
  it("a supervisor's identity comes from the environment", () => {
    expect(ownerIdentity({ KSIMAGE_OWNER_PID: "1234", KSIMAGE_OWNER_START: "99" })).toMatchObject({ pid: 1234, startTime: "99" });
  });
});

describe("namespaceArgv", () => {
  it("dies with its parent, and runs the command as PID 1 of private mount and PID namespaces with its own /proc", () => {
    expect(namespaceArgv(["node", "cli.js", "build"])).toEqual([
      "setpriv", "--pdeathsig", "KILL", "--",
      "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc", "--",
      "node", "cli.js", "build",
    ]);
  });
});
