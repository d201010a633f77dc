// Proofs for applied options that no other test shows: each test shows the option's effect in a plan or in files.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planBootloader } from "../../../src/installer/bootloader/plan.js";
import { filesAccounts } from "../../../src/installer/configure/accounts-files.js";
import { configureFirewall, firewallOfflineArgs } from "../../../src/installer/configure/firewall.js";
import { debianKeyboardText, xkbLayouts } from "../../../src/installer/configure/keyboard.js";
import { networkIfaces } from "../../../src/installer/configure/network-files.js";
import { selinuxConfigText } from "../../../src/installer/configure/selinux.js";
import { systemctlArgs, unitName } from "../../../src/installer/configure/services.js";
import { adjtimeText } from "../../../src/installer/configure/timezone.js";
import { configureRootPassword } from "../../../src/installer/configure/users.js";
import { repoSection } from "../../../src/installer/dnf-config.js";
import type { GuestSession } from "../../../src/installer/guest/session.js";
import { dnfBaseArgs } from "../../../src/installer/dnf.js";
import { kickstartRpmRepos, packageSelection } from "../../../src/installer/source.js";
import { mkfsArgs } from "../../../src/partition/mkfs.js";
import { planLayout } from "../../../src/partition/layout.js";
import { MiB } from "../../../src/kickstart/model.js";
import { Teardown } from "../../../src/run/index.js";
import { dnfSource } from "../../helpers/selection.js";
import { parseOk } from "../../helpers/ks.js";

const HASH = "$6$fixedsalt$rootpwiscryptedhashvalue";

/** These roots hold no binaries: nothing may run inside them (file edits do the work), so entering fails the test. */
function noGuest(root: string): GuestSession {
  const refuse = (): never => {
    throw new Error(`this test expects nothing to run inside ${root}`);
  };
  return { root, run: refuse, guestTool: refuse, provideFiles: refuse, mounts: [], release: async () => undefined };
}

describe("partitions and disks", () => {
  it("part swap --recommended gets 1024 MiB", () => {
    const layout = planLayout(parseOk("part / --size=100\npart swap --recommended\n"));
    expect(layout.disks[0]!.partitions.find((p) => p.role === "swap")!.sizeBytes).toBe(1024 * MiB);
  });

  it("btrfs --mkfsoptions reach mkfs.btrfs", () => {
    const layout = planLayout(parseOk('part btrfs.01 --size=1000\nbtrfs none --label=pool --mkfsoptions="--nodesize 16k" btrfs.01\nbtrfs / --subvol --name=root LABEL=pool\n'));
    const fs = layout.disks[0]!.partitions.find((p) => p.role === "btrfs-member")!.filesystem!;
    expect(mkfsArgs(fs, "/dev/loop9p1")).toEqual(expect.arrayContaining(["mkfs.btrfs", "--nodesize", "16k", "/dev/loop9p1"]));
  });

  it("clearpart --disklabel applies only to its --drives", () => {
    const layout = planLayout(parseOk("clearpart --drives=sdb --disklabel=gpt\npart / --size=100 --ondisk=sda\npart /srv --size=100 --ondisk=sdb\n"));
    expect(layout.disks.map((d) => [d.name, d.label])).toEqual([
      ["sda", "msdos"],
      ["sdb", "gpt"],
    ]);
  });

  it("ignoredisk --only-use refuses a part on another disk", () => {
    expect(() => planLayout(parseOk("ignoredisk --only-use=sda\npart / --size=100\npart /srv --size=100 --ondisk=sdb\n"))).toThrow(/--ondisk=sdb names a disk that ignoredisk --only-use \(sda\) excludes/);
    expect(planLayout(parseOk("ignoredisk --only-use=sda\npart / --size=100\n")).disks.map((d) => d.name)).toEqual(["sda"]);
  });
});

describe("boot loader", () => {
  it("bootloader --md5pass is a hashed password", () => {
    const ks = parseOk("part /boot --size=200\npart / --size=100\nbootloader --md5pass=grub.pbkdf2.sha512.10000.AA.BB\n");
    expect(ks.bootloader.isCrypted).toBe(true);
    expect(planBootloader(ks, planLayout(ks)).password).toEqual({ hashed: true });
  });

  it("bootloader --driveorder picks the boot disk", () => {
    const ks = parseOk("part / --size=100 --ondisk=sda\npart /srv --size=100 --ondisk=sdb\nbootloader --driveorder=sdb,sda\n");
    expect(planBootloader(ks, planLayout(ks)).disk).toBe("sdb");
  });
});

describe("accounts, on a root edited as files", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "ksimage-faith-"));
    await mkdir(path.join(root, "etc"));
    await writeFile(path.join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    await writeFile(path.join(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o600 });
    await writeFile(path.join(root, "etc/group"), "root:x:0:\n");
  });
  afterEach(() => rm(root, { recursive: true, force: true }));
  const shadowOf = async (name: string) => (await readFile(path.join(root, "etc/shadow"), "utf8")).split("\n").find((l) => l.startsWith(`${name}:`))?.split(":")[1];

  it("rootpw --iscrypted stores the hash as written", async () => {
    const ks = parseOk(`rootpw --iscrypted ${HASH}\n`);
    await configureRootPassword({ ks, root, guest: noGuest(root), teardown: new Teardown() }, filesAccounts(root));
    expect(await shadowOf("root")).toBe(HASH);
  });

  it("rootpw --lock and user --lock lock the accounts", async () => {
    const ks = parseOk(`rootpw --lock --iscrypted ${HASH}\n`);
    await configureRootPassword({ ks, root, guest: noGuest(root), teardown: new Teardown() }, filesAccounts(root));
    expect(await shadowOf("root")).toBe(`!${HASH}`);
    // user --lock is shown on a real guest by tests/integration/installer/configure.test.ts (svc); here the model.
    expect(parseOk("user --name=svc --lock\n").users[0]!.lock).toBe(true);
  });
});

describe("system settings", () => {
  it("timezone --utc keeps the hardware clock in UTC", () => {
    for (const line of ["timezone Europe/Prague --utc", "timezone Europe/Prague --isUtc"]) {
      expect(adjtimeText(parseOk(line).timezone.isUtc)).toBe("0.0 0 0.0\n0\nUTC\n");
    }
    expect(adjtimeText(parseOk("timezone Europe/Prague").timezone.isUtc)).toBe("0.0 0 0.0\n0\nLOCAL\n");
  });

  it("keyboard --switch becomes the XKB options", () => {
    const k = parseOk("keyboard --xlayouts=us,cz --switch=grp:alt_shift_toggle\n").keyboard;
    expect(debianKeyboardText(xkbLayouts(k), k.switchOptions)).toContain('XKBOPTIONS="grp:alt_shift_toggle"');
  });

  it("selinux --disabled, --enforcing and --permissive set the mode", () => {
    for (const mode of ["disabled", "enforcing", "permissive"] as const) {
      expect(selinuxConfigText(parseOk(`selinux --${mode}\n`).selinux.mode!)).toBe(`SELINUX=${mode}\nSELINUXTYPE=targeted\n`);
    }
  });

  it("firewall options become firewall-offline-cmd arguments", () => {
    const on = parseOk("firewall --enable --port=8080:tcp --trust=eth1 --service=cockpit --ftp --http --smtp --ssh --remove-service=dhcpv6-client\n").firewall;
    expect(firewallOfflineArgs(on).slice(0, 5)).toEqual(["firewall-offline-cmd", "--enabled", "--trust=eth1", "--port=8080:tcp", "--remove-service=dhcpv6-client"]);
    expect(firewallOfflineArgs(on)).toEqual(expect.arrayContaining(["--service=cockpit", "--service=ftp", "--service=http", "--service=smtp", "--service=ssh"]));
    expect(firewallOfflineArgs(parseOk("firewall --disable\n").firewall)).toEqual(["firewall-offline-cmd", "--disabled"]);
  });

  it("firewall --use-system-defaults leaves the firewall to the packages", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "ksimage-faith-"));
    try {
      // Nothing is run and nothing written, so a guest with no firewall tool gets no warning either.
      expect(await configureFirewall({ ks: parseOk("firewall --use-system-defaults\n"), root, guest: noGuest(root), teardown: new Teardown() })).toEqual([]);
      expect(await configureFirewall({ ks: parseOk("firewall --enabled\n"), root, guest: noGuest(root), teardown: new Teardown() })).toHaveLength(1);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("services --enabled and --disabled reach systemctl", () => {
    const s = parseOk("services --enabled=sshd,chronyd --disabled=cups\n").services;
    expect(systemctlArgs("enable", s.enabled.map(unitName))).toEqual(["systemctl", "enable", "sshd.service", "chronyd.service"]);
    expect(systemctlArgs("disable", s.disabled.map(unitName))).toEqual(["systemctl", "disable", "cups.service"]);
  });
});

describe("network", () => {
  const iface = (line: string) => networkIfaces(parseOk(line).network).ifaces[0]!;

  it("network --nodns drops the name servers", () => {
    expect(iface("network --device=ens3 --bootproto=dhcp --nameserver=1.1.1.1 --nodns\n")).toMatchObject({ dns: [], ignoreAutoDns: true });
    expect(iface("network --device=ens3 --bootproto=dhcp --nameserver=1.1.1.1\n").dns).toEqual(["1.1.1.1"]);
  });

  it("network --noipv4 turns IPv4 off", () => {
    expect(iface("network --device=ens3 --noipv4 --ipv6=auto\n").ipv4).toEqual({ method: "off" });
  });

  it("network --ipv6gateway is the IPv6 default route", () => {
    expect(iface("network --device=ens3 --bootproto=dhcp --ipv6=2001:db8::5/64 --ipv6gateway=2001:db8::1\n").ipv6).toEqual({ method: "static", address: "2001:db8::5", prefix: 64, gateway: "2001:db8::1" });
  });

  it("network DNS search domains and --ipv4-ignore-auto-dns", () => {
    const f = iface("network --device=ens3 --bootproto=dhcp --ipv4-dns-search=a.example --ipv6-dns-search=b.example --ipv4-ignore-auto-dns\n");
    expect(f).toMatchObject({ dnsSearch: ["a.example", "b.example"], ignoreAutoDns: true });
  });
});

describe("sources and packages", () => {
  it("url options become the ks-url repository", () => {
    const [repo] = kickstartRpmRepos(parseOk("url --url=http://mirror.test/os/ --proxy=http://proxy.test:3128 --noverifyssl --sslcacert=/ca.pem --sslclientcert=/c.pem --sslclientkey=/k.pem\n"));
    const text = repoSection(repo!);
    for (const l of ["[ks-url]", "baseurl=http://mirror.test/os/", "proxy=http://proxy.test:3128", "sslverify=0", "sslcacert=/ca.pem", "sslclientcert=/c.pem", "sslclientkey=/k.pem"]) expect(text).toContain(l);
    expect(repoSection(kickstartRpmRepos(parseOk("url --mirrorlist=http://mirror.test/list\n"))[0]!)).toContain("mirrorlist=http://mirror.test/list");
    expect(repoSection(kickstartRpmRepos(parseOk("url --metalink=http://mirror.test/metalink\n"))[0]!)).toContain("metalink=http://mirror.test/metalink");
  });

  it("repo options become a dnf repository section", () => {
    const ks = parseOk(
      "repo --name=extra --baseurl=http://mirror.test/extra/ --cost=50 --excludepkgs=a,b --includepkgs=c --proxy=http://proxy.test:3128 --noverifyssl --sslcacert=/ca.pem --sslclientcert=/c.pem --sslclientkey=/k.pem --install\n" +
        "repo --name=ml --mirrorlist=http://mirror.test/list\nrepo --name=mt --metalink=http://mirror.test/metalink\n",
    );
    const [extra, ml, mt] = kickstartRpmRepos(ks);
    const text = repoSection(extra!);
    for (const l of ["[extra]", "baseurl=http://mirror.test/extra/", "cost=50", "excludepkgs=a,b", "includepkgs=c", "proxy=http://proxy.test:3128", "sslverify=0", "sslcacert=/ca.pem", "sslclientcert=/c.pem", "sslclientkey=/k.pem"]) {
      expect(text).toContain(l);
    }
    expect(extra!.install).toBe(true);
    expect(repoSection(ml!)).toContain("mirrorlist=http://mirror.test/list");
    expect(repoSection(mt!)).toContain("metalink=http://mirror.test/metalink");
  });

  it("%packages --ignorebroken makes dnf non-strict", () => {
    const s = packageSelection(parseOk("%packages --ignorebroken\nbash\n%end\n").packages);
    const paths = { root: "/w/root", conf: "/w/c", reposdir: "/w/r", home: "/w/h" };
    expect(dnfBaseArgs(dnfSource({ selection: s }), paths, null, false)).toContain("--setopt=strict=False");
  });
});
