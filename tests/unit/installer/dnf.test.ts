// dnf argv and config texts: private config and reposdir, %packages options, group transactions, repo sections, rpm macros.
import { describe, expect, it } from "vitest";
import { chooseRpmDbPath, dnfConfig, repoSection, rpmMacros, splitProxy } from "../../../src/installer/dnf-config.js";
import { dnfBaseArgs, dnfGroupInfoArgs, dnfInstallCommands, parseDnfProgress, parsePackageList, rpmQueryArgs, type DnfPaths } from "../../../src/installer/dnf.js";
import { dnfSource, rpmRepo, selection } from "../../helpers/selection.js";

const paths: DnfPaths = { root: "/w/root", conf: "/w/dnf/dnf.conf", reposdir: "/w/dnf/repos.d", home: "/w/dnf/home" };
const PRIVATE = ["dnf", "-y", "--config=/w/dnf/dnf.conf", "--installroot=/w/root", "--setopt=reposdir=/w/dnf/repos.d", "--noplugins"];

describe("dnfBaseArgs", () => {
  it("defaults: private config, no gpg keys -> --nogpgcheck, weak deps on, strict", () => {
    expect(dnfBaseArgs(dnfSource(), paths, "41", false)).toEqual([
      ...PRIVATE,
      "--releasever=41",
      "--nogpgcheck",
      "--setopt=install_weak_deps=True",
      "--setopt=multilib_policy=best",
      "--setopt=strict=True",
      "--setopt=keepcache=False",
    ]);
  });

  it("every %packages option, excludes as --exclude, keys -> signatures checked, cache kept", () => {
    const s = selection({ excludes: ["a", "b*"], excludeDocs: true, excludeWeakdeps: true, ignoreMissing: true, multilib: true, timeout: 30, retries: 4 });
    expect(dnfBaseArgs(dnfSource({ selection: s, repos: [rpmRepo({ gpgkeys: ["file:///k"] })] }), paths, null, true)).toEqual([
      ...PRIVATE,
      "--setopt=install_weak_deps=False",
      "--setopt=tsflags=nodocs",
      "--setopt=multilib_policy=all",
      "--setopt=strict=False",
      "--setopt=keepcache=True",
      "--setopt=timeout=30",
      "--setopt=retries=4",
      "--exclude=a",
      "--exclude=b*",
    ]);
  });

  it("the host's reposdir: its plugins and gpg settings stay", () => {
    const args = dnfBaseArgs(dnfSource({ repos: [], hostReposdir: "/etc/yum.repos.d" }), { ...paths, reposdir: "/etc/yum.repos.d" }, "41", false);
    expect(args.slice(0, 6)).toEqual(["dnf", "-y", "--config=/w/dnf/dnf.conf", "--installroot=/w/root", "--setopt=reposdir=/etc/yum.repos.d", "--releasever=41"]);
    expect(args).not.toContain("--nogpgcheck");
  });
});

describe("dnfInstallCommands", () => {
  const base = ["dnf"];
  it("one transaction for packages, environment, default groups and @core", () => {
    const s = selection({ packages: ["bash", "vim"], environment: "server", groups: [{ name: "tools", include: "default" }] });
    expect(dnfInstallCommands(base, s, true)).toEqual([["dnf", "--setopt=group_package_types=mandatory,default", "install", "bash", "vim", "@server", "@tools", "@core"]]);
  });

  it("--nodefaults and --optional groups get their own transactions; excluded groups are dropped", () => {
    const s = selection({
      packages: ["bash"],
      groups: [
        { name: "a", include: "required" },
        { name: "b", include: "all" },
        { name: "c", include: "all" },
        { name: "d", include: "default" },
      ],
      excludedGroups: ["d"],
    });
    expect(dnfInstallCommands(base, s, false)).toEqual([
      ["dnf", "--setopt=group_package_types=mandatory,default", "install", "bash"],
      ["dnf", "--setopt=group_package_types=mandatory", "install", "@a"],
      ["dnf", "--setopt=group_package_types=mandatory,default,optional", "install", "@b", "@c"],
    ]);
  });

  it("nothing listed and no core: no command", () => expect(dnfInstallCommands(base, selection(), false)).toEqual([]));
});

describe("queries and output", () => {
  it("group info", () => expect(dnfGroupInfoArgs(["dnf", "-y"], "core")).toEqual(["dnf", "-y", "-q", "group", "info", "core"]));
  it("rpm -qa with and without --dbpath", () => {
    expect(rpmQueryArgs("/w/root", "/var/lib/rpm")).toEqual(["rpm", "-qa", "--root=/w/root", "--dbpath=/var/lib/rpm", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"]);
    expect(rpmQueryArgs("/w/root", null)).toEqual(["rpm", "-qa", "--root=/w/root", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n"]);
  });
  it.each([
    ["  Installing       : ks-base-1.0-1.noarch                                   1/8 ", { package: "ks-base-1.0-1.noarch", done: 1, total: 8 }],
    ["  Upgrading        : bash-5.2-1.x86_64  12/140", { package: "bash-5.2-1.x86_64", done: 12, total: 140 }],
    ["  Verifying        : ks-base-1.0-1.noarch                                   1/8 ", null],
    ["  Preparing        :                                                        1/1 ", null],
  ])("progress line %#", (line, expected) => expect(parseDnfProgress(line)).toEqual(expected));
  it("package list, sorted", () => {
    expect(parsePackageList("zsh\t5.9-1\tx86_64\nbash\t5.2-1\tx86_64\n")).toEqual([
      { name: "bash", version: "5.2-1", arch: "x86_64" },
      { name: "zsh", version: "5.9-1", arch: "x86_64" },
    ]);
  });
});

describe("config texts", () => {
  it("a repo section with every option; proxy credentials split out", () => {
    const r = rpmRepo({
      id: "updates",
      baseurl: null,
      metalink: "https://m.example/metalink?repo=updates-$releasever&arch=$basearch",
      cost: 10,
      excludepkgs: ["kernel*", "x"],
      includepkgs: ["a"],
      proxy: "user:p%40ss@proxy.example:3128",
      sslverify: false,
      sslcacert: "/ca.pem",
      gpgkeys: ["file:///k1", "https://k.example/k2"],
    });
    expect(repoSection(r)).toBe(
      [
        "[updates]",
        "name=updates",
        "metalink=https://m.example/metalink?repo=updates-$releasever&arch=$basearch",
        "cost=10",
        "excludepkgs=kernel*,x",
        "includepkgs=a",
        "proxy=http://proxy.example:3128",
        "proxy_username=user",
        "proxy_password=p@ss",
        "sslverify=0",
        "sslcacert=/ca.pem",
        "gpgcheck=1",
        "gpgkey=file:///k1 https://k.example/k2",
        "enabled=1",
        "skip_if_unavailable=False",
        "",
      ].join("\n"),
    );
  });

  it("the private dnf.conf", () => {
    expect(dnfConfig(dnfSource())).toBe(
      "# Written by ksimage for one build: dnf sees only the repositories below (or the reposdir given on its command line).\n[main]\nskip_if_unavailable=False\n\n" +
        "[local]\nname=local\nbaseurl=file:///srv/repo\nsslverify=1\ngpgcheck=0\nenabled=1\nskip_if_unavailable=False\n",
    );
  });

  it("refuses ids and values that would break the file", () => {
    expect(() => repoSection(rpmRepo({ id: "a b" }))).toThrow(/cannot be a dnf repository id/);
    expect(() => repoSection(rpmRepo({ baseurl: "http://x\n[evil]" }))).toThrow(/line break/);
  });

  it.each([
    ["http://proxy:3128", { url: "http://proxy:3128", username: null, password: null }],
    ["proxy:3128", { url: "http://proxy:3128", username: null, password: null }],
    ["https://u@proxy", { url: "https://proxy", username: "u", password: null }],
    ["socks5://u:pw@h:1080", { url: "socks5://h:1080", username: "u", password: "pw" }],
  ])("splitProxy %s", (proxy, expected) => expect(splitProxy(proxy)).toEqual(expected));

  it("rpm macros", () => {
    expect(rpmMacros("/var/lib/rpm", "en:de")).toBe("# Written by ksimage for one build.\n%_flush_io 0\n%_dbpath /var/lib/rpm\n%_install_langs en:de\n");
    expect(rpmMacros(null, null)).toBe("# Written by ksimage for one build.\n%_flush_io 0\n");
  });

  it.each([
    ["/root/.rpmdb", null, "/var/lib/rpm"],
    ["/w/dnf/home/.rpmdb", null, "/var/lib/rpm"],
    ["", null, "/var/lib/rpm"],
    ["/usr/lib/sysimage/rpm", null, null],
    ["/w/dnf/home/.rpmdb", "/usr/lib/sysimage/rpm", "/usr/lib/sysimage/rpm"],
    ["/usr/lib/sysimage/rpm", "/var/lib/rpm", "/var/lib/rpm"],
  ] as const)("rpmdb path: host %s, guest %s -> %s", (host, guest, expected) => expect(chooseRpmDbPath(host, "/w/dnf/home", guest)).toBe(expected));
});
