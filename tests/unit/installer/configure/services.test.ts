// Unit names, template candidates, systemctl and firewall-offline-cmd argv, and where tools run.
import { describe, expect, it } from "vitest";
import { firewallOfflineArgs } from "../../../../src/installer/configure/firewall.js";
import { familyFromOsRelease, toolArgv } from "../../../../src/installer/configure/guest.js";
import { systemctlArgs, unitCandidates, unitName } from "../../../../src/installer/configure/services.js";
import { parseOk } from "../../../helpers/ks.js";

describe("services", () => {
  it.each([
    ["sshd", "sshd.service"],
    ["systemd-networkd.socket", "systemd-networkd.socket"],
    ["fstrim.timer", "fstrim.timer"],
    ["serial-getty@ttyS0", "serial-getty@ttyS0.service"],
  ])("unitName(%s) = %s", (name, unit) => expect(unitName(name)).toBe(unit));

  it("an instance may come from its template", () => {
    expect(unitCandidates("serial-getty@ttyS0.service")).toEqual(["serial-getty@ttyS0.service", "serial-getty@.service"]);
    expect(unitCandidates("ssh.service")).toEqual(["ssh.service"]);
  });

  it("systemctl in the guest, or the host's offline with --root", () => {
    const argv = systemctlArgs("enable", ["ssh.service", "systemd-networkd.service"]);
    expect(argv).toEqual(["systemctl", "enable", "ssh.service", "systemd-networkd.service"]);
    expect(toolArgv({ where: "guest", path: "/usr/bin/systemctl" }, argv.slice(1), ["--root=/w/root"])).toEqual([
      "/usr/bin/systemctl",
      "enable",
      "ssh.service",
      "systemd-networkd.service",
    ]);
    expect(toolArgv({ where: "host", path: "/usr/bin/systemctl" }, ["disable", "ssh.service"], ["--root=/w/root"])).toEqual([
      "/usr/bin/systemctl",
      "--root=/w/root",
      "disable",
      "ssh.service",
    ]);
  });
});

describe("firewallOfflineArgs", () => {
  it("enabled, in Anaconda's order", () => {
    const fw = parseOk("firewall --enabled --ssh --port=8080:tcp,53:udp --trust=eth1 --remove-service=cockpit --service=http").firewall;
    expect(firewallOfflineArgs(fw)).toEqual([
      "firewall-offline-cmd",
      "--enabled",
      "--trust=eth1",
      "--port=8080:tcp",
      "--port=53:udp",
      "--remove-service=cockpit",
      "--service=ssh",
      "--service=http",
    ]);
  });

  it("disabled", () => expect(firewallOfflineArgs(parseOk("firewall --disabled --ssh").firewall)).toEqual(["firewall-offline-cmd", "--disabled"]));
});

describe("familyFromOsRelease", () => {
  it.each([
    ['ID=debian\nVERSION_ID="12"\n', "debian"],
    ["ID=ubuntu\nID_LIKE=debian\n", "debian"],
    ['ID="fedora"\n', "fedora"],
    ['ID="rocky"\nID_LIKE="rhel centos fedora"\n', "fedora"],
    ['ID=linuxmint\nID_LIKE="ubuntu debian"\n', "debian"],
    ["ID=arch\n", "unknown"],
  ])("%j → %s", (text, family) => expect(familyFromOsRelease(text)).toBe(family));
});
