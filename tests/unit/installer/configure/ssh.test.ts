// rootpw --allow-ssh drop-in and authorized_keys lines.
import { describe, expect, it } from "vitest";
import { authorizedKeysLine, includesDropIns, permitRootLoginText, ROOT_LOGIN_DROPIN } from "../../../../src/installer/configure/ssh.js";

describe("ssh", () => {
  it("the drop-in permits root login and lives where Anaconda puts it", () => {
    expect(ROOT_LOGIN_DROPIN).toBe("/etc/ssh/sshd_config.d/01-permitrootlogin.conf");
    expect(permitRootLoginText().split("\n").filter((l) => !l.startsWith("#"))).toEqual(["PermitRootLogin yes", ""]);
  });

  it.each([
    ["Include /etc/ssh/sshd_config.d/*.conf\n", true],
    ["  include   /etc/ssh/sshd_config.d/*.conf\n", true],
    ["#Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n", false],
    ["Port 22\n", false],
  ])("includesDropIns(%j) = %s", (text, expected) => expect(includesDropIns(text)).toBe(expected));

  it("one key per line", () => expect(authorizedKeysLine("  ssh-ed25519 AAAAC3 user@host \n")).toBe("ssh-ed25519 AAAAC3 user@host\n"));
});
