// /etc/selinux/config and the setfiles argv.
import { describe, expect, it } from "vitest";
import { fileContextsPath, hostSetfilesArgs, selinuxConfigText, selinuxSetting, setfilesArgs } from "../../../../src/installer/configure/selinux.js";

describe("selinux", () => {
  it("a new config is targeted", () => expect(selinuxConfigText("enforcing")).toBe("SELINUX=enforcing\nSELINUXTYPE=targeted\n"));

  it("an existing config keeps its type and comments", () => {
    const old = "# comment\nSELINUX=enforcing\nSELINUXTYPE=default\nSETLOCALDEFS=0\n";
    expect(selinuxConfigText("permissive", old)).toBe("# comment\nSELINUX=permissive\nSELINUXTYPE=default\nSETLOCALDEFS=0\n");
    expect(selinuxConfigText("disabled", "SELINUXTYPE=mls\n")).toBe("SELINUX=disabled\nSELINUXTYPE=mls\n");
  });

  it("reads settings", () => {
    expect(selinuxSetting("# x\nSELINUX=permissive\nSELINUXTYPE=default\n", "SELINUXTYPE")).toBe("default");
    expect(selinuxSetting('SELINUX="enforcing"\n', "SELINUX")).toBe("enforcing");
    expect(selinuxSetting("SELINUX=enforcing\n", "SELINUXTYPE")).toBeUndefined();
  });

  it("setfiles in the guest and on the host", () => {
    const fc = fileContextsPath("targeted");
    expect(fc).toBe("/etc/selinux/targeted/contexts/files/file_contexts");
    expect(setfilesArgs(fc)).toEqual(["setfiles", "-F", "-e", "/proc", "-e", "/sys", "-e", "/dev", "-e", "/run", fc, "/"]);
    expect(hostSetfilesArgs("/w/root", fc)).toEqual([
      "setfiles",
      "-F",
      "-r",
      "/w/root",
      "-e",
      "/w/root/proc",
      "-e",
      "/w/root/sys",
      "-e",
      "/w/root/dev",
      "-e",
      "/w/root/run",
      `/w/root${fc}`,
      "/w/root",
    ]);
  });
});
