// Network settings from `network` lines, rendered for NetworkManager, systemd-networkd and ifupdown, and /etc/hosts.
import { describe, expect, it } from "vitest";
import { hostsText } from "../../../../src/installer/configure/network.js";
import {
  connectionUuid,
  interfacesText,
  isHostnameOnly,
  keyfileText,
  lastHostname,
  lineInImage,
  netmaskPrefix,
  networkdText,
  networkIfaces,
} from "../../../../src/installer/configure/network-files.js";
import { parseOk } from "../../../helpers/ks.js";

const STATIC = "network --bootproto=static --device=ens3 --ip=10.0.0.5 --netmask=255.255.255.0 --gateway=10.0.0.1 --nameserver=1.1.1.1,2606:4700::1111 --hostname=app.example.com";
const LINK = "network --device=link --bootproto=dhcp --noipv6 --mtu=1400";

const ifaces = (text: string) => networkIfaces(parseOk(text).network);

describe("lineInImage: where a line came from, as the image names it", () => {
  it("a line of the entry kickstart by number only, an included file's by its base name, never a host path", () => {
    expect(lineInImage("/home/ann/ks/app.ks", 11, "/home/ann/ks/app.ks")).toBe("line 11");
    expect(lineInImage("/home/ann/ks/net/eth.ks", 3, "/home/ann/ks/app.ks")).toBe("line 3 of eth.ks");
    expect(lineInImage("ks.cfg", 1, null)).toBe("line 1");
  });
  it("networkIfaces names the entry's lines by number", () => {
    const ks = parseOk(LINK);
    expect(networkIfaces(ks.network, ks.file).ifaces[0]!.source).toBe("line 1");
    expect(networkIfaces(ks.network, "/elsewhere/main.ks").ifaces[0]!.source).toBe(`line 1 of ${ks.file.split("/").pop()}`);
  });
});

describe("netmaskPrefix", () => {
  it.each([
    ["255.255.255.0", 24],
    ["255.255.0.0", 16],
    ["255.255.255.255", 32],
    ["0.0.0.0", 0],
    ["255.255.254.0", 23],
    ["24", 24],
    ["255.0.255.0", undefined],
    ["33", undefined],
    ["nonsense", undefined],
  ])("%s → %s", (mask, prefix) => expect(netmaskPrefix(mask)).toBe(prefix));
});

describe("networkIfaces", () => {
  it("a static device with IPv4 and IPv6 name servers", () => {
    expect(ifaces(STATIC)).toEqual({
      warnings: [],
      ifaces: [
        {
          id: "ens3",
          source: "line 1",
          match: { kind: "name", name: "ens3" },
          ipv4: { method: "static", address: "10.0.0.5", prefix: 24, gateway: "10.0.0.1" },
          ipv6: { method: "default" },
          dns: ["1.1.1.1", "2606:4700::1111"],
          dnsSearch: [],
          ignoreAutoDns: false,
          mtu: null,
          onboot: true,
          defroute: true,
        },
      ],
    });
  });

  it("--device=link, a MAC address and no device", () => {
    const { ifaces: found } = ifaces(`${LINK}\nnetwork --device=52:54:00:AB:CD:EF\nnetwork --bootproto=dhcp`);
    expect(found.map((f) => [f.id, f.match])).toEqual([
      ["ksimage-link", { kind: "any" }],
      ["ksimage-525400abcdef", { kind: "mac", mac: "52:54:00:ab:cd:ef" }],
      ["ksimage-link-2", { kind: "any" }],
    ]);
  });

  it("--bindto=mac with --device=MAC binds the connection to that address", () => {
    const { ifaces: found } = ifaces("network --device=52:54:00:AB:CD:EF --bootproto=dhcp --bindto=mac");
    expect(found.map((f) => f.match)).toEqual([{ kind: "mac", mac: "52:54:00:ab:cd:ef" }]);
    expect(keyfileText(found[0]!)).toContain("mac-address=52:54:00:AB:CD:EF");
    expect(networkdText(found[0]!)).toContain("[Match]\nMACAddress=52:54:00:ab:cd:ef");
  });

  it("a hostname-only line configures no device", () => {
    const ks = parseOk("network --hostname=only\nnetwork --hostname=last --device=eth0");
    expect(ks.network.map(isHostnameOnly)).toEqual([true, false]);
    expect(networkIfaces(ks.network).ifaces.map((f) => f.id)).toEqual(["eth0"]);
    expect(lastHostname(ks.network)).toBe("last");
  });

  it("static without an address is a PlanError naming the line", () => {
    expect(() => ifaces("network --device=eth0 --bootproto=static --netmask=255.255.255.0")).toThrow(/network --device=eth0 \(ks.cfg:1\): --bootproto=static needs --ip/);
  });

  it("what it cannot configure is a warning", () => {
    expect(ifaces("network --device=bond0 --bondslaves=eth0,eth1 --bootproto=dhcp").warnings).toEqual([
      "network --device=bond0 (ks.cfg:1): --bondslaves is not supported; configured as a plain Ethernet device",
    ]);
  });
});

describe("keyfileText", () => {
  it("static device", () => {
    const [f] = ifaces(STATIC).ifaces;
    expect(keyfileText(f!)).toBe(
      [
        "# Written by ksimage from the kickstart's network line (line 1).",
        "[connection]",
        "id=ens3",
        `uuid=${connectionUuid("ens3")}`,
        "type=ethernet",
        "interface-name=ens3",
        "",
        "[ipv4]",
        "method=manual",
        "address1=10.0.0.5/24,10.0.0.1",
        "dns=1.1.1.1;",
        "",
        "[ipv6]",
        "method=auto",
        "dns=2606:4700::1111;",
        "",
      ].join("\n"),
    );
  });

  it("any Ethernet device, DHCP, no IPv6, MTU", () => {
    const [f] = ifaces(LINK).ifaces;
    expect(keyfileText(f!)).toContain("[ethernet]\nmtu=1400\n\n[match]\ninterface-name=en*;eth*;\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=disabled\n");
  });

  it("uuid is stable and looks like a v5 UUID", () => {
    expect(connectionUuid("ens3")).toBe(connectionUuid("ens3"));
    expect(connectionUuid("ens3")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(connectionUuid("ens4")).not.toBe(connectionUuid("ens3"));
  });
});

describe("networkdText", () => {
  it("static device", () => {
    const [f] = ifaces(STATIC).ifaces;
    expect(networkdText(f!)).toBe(
      [
        "# Written by ksimage from the kickstart's network line (line 1).",
        "[Match]",
        "Name=ens3",
        "",
        "[Network]",
        "Address=10.0.0.5/24",
        "Gateway=10.0.0.1",
        "DNS=1.1.1.1",
        "DNS=2606:4700::1111",
        "",
      ].join("\n"),
    );
  });

  it("any Ethernet device by DHCP, no IPv6, MTU, not at boot, no default route", () => {
    const [f] = ifaces(`${LINK} --onboot=off --nodefroute`).ifaces;
    expect(networkdText(f!)).toBe(
      [
        "# Written by ksimage from the kickstart's network line (line 1).",
        "[Match]",
        "Name=en* eth*",
        "",
        "[Link]",
        "MTUBytes=1400",
        "ActivationPolicy=manual",
        "",
        "[Network]",
        "DHCP=ipv4",
        "IPv6AcceptRA=no",
        "LinkLocalAddressing=ipv4",
        "",
        "[DHCPv4]",
        "UseGateway=no",
        "",
      ].join("\n"),
    );
  });

  it("DHCP for both families", () => {
    const [f] = ifaces("network --device=eth0 --ipv6=dhcp").ifaces;
    expect(networkdText(f!)).toContain("DHCP=yes\nIPv6AcceptRA=yes\n");
  });
});

describe("interfacesText", () => {
  it("a static device and a pattern for any Ethernet device", () => {
    const { ifaces: found } = ifaces(`${STATIC} --ipv6=2001:db8::5/64 --ipv6gateway=2001:db8::1\n${LINK}`);
    expect(interfacesText(found)).toBe(
      [
        "# Written by ksimage from the kickstart's network lines; see interfaces(5).",
        "source /etc/network/interfaces.d/*",
        "",
        "auto lo",
        "iface lo inet loopback",
        "",
        "# line 1",
        "allow-hotplug ens3",
        "iface ens3 inet static",
        "    address 10.0.0.5/24",
        "    gateway 10.0.0.1",
        "    dns-nameservers 1.1.1.1 2606:4700::1111",
        "iface ens3 inet6 static",
        "    address 2001:db8::5/64",
        "    gateway 2001:db8::1",
        "",
        "# line 2",
        "allow-hotplug /en*=ksimage-link /eth*=ksimage-link",
        "iface ksimage-link inet dhcp",
        "    mtu 1400",
        "",
      ].join("\n"),
    );
  });

  it("a MAC address pattern", () => {
    const { ifaces: found } = ifaces("network --device=52:54:00:ab:cd:ef");
    expect(interfacesText(found)).toContain("allow-hotplug mac/52:54:00:ab:cd:ef/=ksimage-525400abcdef\niface ksimage-525400abcdef inet dhcp\n");
  });
});

describe("hostsText", () => {
  it("no /etc/hosts yet (Debian minbase has none)", () => {
    expect(hostsText(undefined, "app.example.com", "vm")).toBe(
      "127.0.0.1\tlocalhost\n127.0.1.1\tapp.example.com app\n::1\t\tlocalhost ip6-localhost ip6-loopback\n",
    );
  });

  it("the build host's name is removed, other lines kept", () => {
    const old = "127.0.0.1\tlocalhost\n127.0.1.1\tvm.example.org vm\n10.1.1.1 vm other # note\n\n# comment\n::1 localhost\n";
    expect(hostsText(old, "appliance", "vm")).toBe("127.0.0.1\tlocalhost\n127.0.1.1\tappliance\n10.1.1.1\tother\n\n# comment\n::1 localhost\n");
  });

  it("localhost.localdomain gets no 127.0.1.1 line", () => {
    expect(hostsText("127.0.0.1 localhost\n", "localhost.localdomain", "vm")).toBe("127.0.0.1 localhost\n");
  });
});
