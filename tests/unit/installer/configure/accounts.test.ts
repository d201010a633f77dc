// Account argv (groupadd, useradd, usermod, chpasswd, openssl) and the passwd/group/shadow text edits of the fallback.
import { describe, expect, it } from "vitest";
import { chpasswdArgs, groupaddArgs, shadowToolArgv, useraddArgs, usermodLockArgs, type NewUser } from "../../../../src/installer/configure/accounts.js";
import {
  addMember,
  appendLine,
  groupEntries,
  lockedPassword,
  nextFreeId,
  parseGroupItem,
  passwdEntries,
  passwdLine,
  passwordField,
  setField,
  shadowDays,
  shadowLine,
} from "../../../../src/installer/configure/passwd-db.js";
import { opensslPasswdArgs } from "../../../../src/installer/configure/users.js";

const user = (over: Partial<NewUser> = {}): NewUser => ({
  name: "alice",
  uid: null,
  gid: null,
  groups: [],
  home: null,
  shell: null,
  gecos: null,
  createHome: true,
  ...over,
});

describe("argv", () => {
  it("groupadd with and without a GID", () => {
    expect(groupaddArgs("devs", 5001)).toEqual(["groupadd", "-g", "5001", "devs"]);
    expect(groupaddArgs("devs", null)).toEqual(["groupadd", "devs"]);
  });

  it("useradd with every option", () => {
    const argv = useraddArgs(user({ uid: 1500, gid: 5000, groups: ["wheel", "devs"], home: "/srv/alice", shell: "/bin/bash", gecos: "Alice A" }));
    expect(argv).toEqual(["useradd", "-m", "-d", "/srv/alice", "-s", "/bin/bash", "-u", "1500", "-g", "5000", "-c", "Alice A", "-G", "wheel,devs", "alice"]);
  });

  it("useradd keeps an existing home", () => expect(useraddArgs(user({ createHome: false }))).toEqual(["useradd", "-M", "alice"]));
  it("usermod -L locks", () => expect(usermodLockArgs("root")).toEqual(["usermod", "-L", "root"]));
  it("chpasswd -e reads hashes on stdin", () => expect(chpasswdArgs()).toEqual(["chpasswd", "-e"]));
  it("openssl reads the password on stdin", () => expect(opensslPasswdArgs()).toEqual(["openssl", "passwd", "-6", "-stdin"]));

  it("in the guest (the session runs it), or the host's tool with --root", () => {
    expect(shadowToolArgv({ where: "guest", path: "/usr/sbin/useradd" }, "/w/root", ["useradd", "-M", "bob"])).toEqual([
      "/usr/sbin/useradd",
      "-M",
      "bob",
    ]);
    expect(shadowToolArgv({ where: "host", path: "/usr/sbin/useradd" }, "/w/root", ["useradd", "-M", "bob"])).toEqual([
      "/usr/sbin/useradd",
      "--root",
      "/w/root",
      "-M",
      "bob",
    ]);
  });
});

const PASSWD = "root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n";
const GROUP = "root:x:0:\nsudo:x:27:\ndevs:x:5000:bob\n";
const SHADOW = "root:*:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n";

describe("passwd-db", () => {
  it("reads entries", () => {
    expect(passwdEntries(PASSWD)).toEqual([
      { name: "root", uid: 0, gid: 0, gecos: "root", home: "/root", shell: "/bin/bash" },
      { name: "alice", uid: 1000, gid: 1000, gecos: "Alice", home: "/home/alice", shell: "/bin/sh" },
    ]);
    expect(groupEntries(GROUP)).toEqual([
      { name: "root", gid: 0, members: [] },
      { name: "sudo", gid: 27, members: [] },
      { name: "devs", gid: 5000, members: ["bob"] },
    ]);
  });

  it("next free id from 1000", () => {
    expect(nextFreeId([0, 27, 1000, 1001, 1003])).toBe(1002);
    expect(nextFreeId([])).toBe(1000);
  });

  it("sets and locks the password field", () => {
    const hash = "$6$salt$abc";
    const set = setField(SHADOW, "alice", 1, hash) as string;
    expect(passwordField(set, "alice")).toBe(hash);
    expect(set.split("\n")[0]).toBe("root:*:19000:0:99999:7:::");
    expect(setField(SHADOW, "nobody", 1, hash)).toBeUndefined();
    expect(lockedPassword(hash)).toBe(`!${hash}`);
    expect(lockedPassword(`!${hash}`)).toBe(`!${hash}`);
  });

  it("adds group members once", () => {
    const once = addMember(GROUP, "devs", "alice");
    expect(once).toContain("devs:x:5000:bob,alice\n");
    expect(addMember(once, "devs", "alice")).toBe(once);
    expect(addMember(GROUP, "sudo", "alice")).toContain("sudo:x:27:alice\n");
    expect(addMember(GROUP, "nogroup", "alice")).toBe(GROUP);
  });

  it("new lines", () => {
    expect(passwdLine({ name: "bob", uid: 1001, gid: 1001, gecos: "", home: "/home/bob", shell: "/bin/sh" })).toBe("bob:x:1001:1001::/home/bob:/bin/sh");
    expect(shadowLine("bob", 19000)).toBe("bob:!:19000:0:99999:7:::");
    expect(appendLine("a\nb", "c")).toBe("a\nb\nc\n");
    expect(appendLine("", "c")).toBe("c\n");
  });

  it("shadow days honour SOURCE_DATE_EPOCH", () => {
    expect(shadowDays({ SOURCE_DATE_EPOCH: "1700000000" })).toBe(19675);
    expect(shadowDays({}, 86400 * 1000 * 3)).toBe(3);
  });

  it.each([
    ["wheel", { name: "wheel", gid: null }],
    ["devs(5002)", { name: "devs", gid: 5002 }],
    [" ops (77)", { name: "ops", gid: 77 }],
  ])("user --groups item %s", (item, parsed) => expect(parseGroupItem(item)).toEqual(parsed));
});
