// mmdebstrap argv: root mode into the mounted root, excludes as pins (and out of the priority set), cache binds, hooks; output parsing.
import { describe, expect, it } from "vitest";
import {
  aptBuildConf,
  aptPinText,
  dpkgFilterOptions,
  INITRAMFS_DEFER_HOOK,
  INITRAMFS_ONCE_HOOK,
  initramfsOnceHook,
  dpkgQueryArgs,
  mmdebstrapArgs,
  parseAptPhase,
  parseAptProgress,
  parseAptTotal,
  parseDpkgList,
  pickHostAptOptions,
  sourceLine,
  variantWithExcludes,
  type MmdebstrapPlan,
} from "../../../src/installer/apt.js";
import type { AptSource, PackageSelection } from "../../../src/installer/types.js";
import { MANDB_OFF_HOOK, MANDB_ON_HOOK } from "../../../src/installer/man-db.js";
import { selection } from "../../helpers/selection.js";


const source = (over: Partial<PackageSelection> = {}, variant = "minbase"): AptSource => ({
  backend: "apt",
  suite: "bookworm",
  variant,
  components: ["main"],
  entries: [
    { uri: "http://mirror.example/debian", suite: "bookworm", components: ["main"] },
    { uri: "http://mirror.example/debian", suite: "bookworm-updates", components: ["main", "contrib"] },
  ],
  selection: selection(over),
  reason: "test",
});

const plan = (over: Partial<MmdebstrapPlan> = {}): MmdebstrapPlan => ({
  source: source({ packages: ["less", "netbase"] }),
  root: "/w/root",
  rootFstype: null,
  pinFile: null,
  cache: null,
  fileMirrorHooks: null,
  aptConf: null,
  dpkgCfg: "/w/apt/build.dpkg.cfg",
  ...over,
});

const HEAD = ["mmdebstrap", "--mode=root", "--format=directory"];
const DPKG_IN = '--setup-hook=mkdir -p "$1/etc/dpkg/dpkg.cfg.d" && cp /w/apt/build.dpkg.cfg "$1/etc/dpkg/dpkg.cfg.d/00ksimage-build"';
const HOST_FILES = [
  '--customize-hook=if [ ! -L "$1/etc/resolv.conf" ] && cmp -s /etc/resolv.conf "$1/etc/resolv.conf"; then rm -f "$1/etc/resolv.conf"; fi',
  '--customize-hook=if cmp -s /etc/hostname "$1/etc/hostname"; then echo localhost > "$1/etc/hostname"; fi',
];
// With a root file system (a disk image) the initramfs is compressed fast; without one (a live ISO's tree) at the default level.
const INITRAMFS_ONCE = [`--essential-hook=${INITRAMFS_DEFER_HOOK}`, `--essential-hook=${MANDB_OFF_HOOK}`, `--customize-hook=${INITRAMFS_ONCE_HOOK}`, `--customize-hook=${MANDB_ON_HOOK}`];
const INITRAMFS_ONCE_LIVE = [`--essential-hook=${INITRAMFS_DEFER_HOOK}`, `--essential-hook=${MANDB_OFF_HOOK}`, `--customize-hook=${initramfsOnceHook(false)}`, `--customize-hook=${MANDB_ON_HOOK}`];
const TAIL = ["bookworm", "/w/root", "deb http://mirror.example/debian bookworm main", "deb http://mirror.example/debian bookworm-updates main contrib"];

describe("mmdebstrapArgs", () => {
  it("plain: variant, not-empty target allowed, packages, unsafe io for the build only, host files out, suite, target, full source lines", () => {
    expect(mmdebstrapArgs(plan())).toEqual([
      ...HEAD,
      "--variant=minbase",
      "--skip=check/empty",
      "--verbose",
      "--include=less,netbase",
      DPKG_IN,
      ...INITRAMFS_ONCE_LIVE,
      '--customize-hook=rm -f "$1/etc/dpkg/dpkg.cfg.d/00ksimage-build"',
      ...HOST_FILES,
      ...TAIL,
    ]);
  });

  it("everything: host apt options, docs and languages, file:// hooks, cache binds, pins, FSTYPE hint, timeouts", () => {
    const p = plan({
      source: source({ packages: ["less"], excludes: ["tzdata"], excludeDocs: true, instLangs: "de:fr", timeout: 60, retries: 3 }),
      rootFstype: "ext4",
      pinFile: "/w/apt/ksimage-excludes.pref",
      cache: { archives: "/c/apt/archives", lists: "/c/apt/lists" },
      fileMirrorHooks: "/usr/share/mmdebstrap/hooks/file-mirror-automount",
      aptConf: "/w/apt/build.apt.conf",
    });
    expect(mmdebstrapArgs(p)).toEqual([
      ...HEAD,
      "--variant=essential",
      "--skip=check/empty",
      "--verbose",
      "--include=less",
      "--include=?narrow(?or(?archive(^bookworm$),?codename(^bookworm$)),?and(?priority(required),?not(?essential),?not(?name(^tzdata$))))",
      "--dpkgopt=path-exclude=/usr/share/doc/*",
      "--dpkgopt=path-include=/usr/share/doc/*/copyright",
      "--dpkgopt=path-exclude=/usr/share/locale/*",
      "--dpkgopt=path-include=/usr/share/locale/locale.alias",
      "--dpkgopt=path-include=/usr/share/locale/de/*",
      "--dpkgopt=path-include=/usr/share/locale/fr/*",
      "--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount",
      '--setup-hook=mkdir -p "$1/etc/apt/apt.conf.d" && cp /w/apt/build.apt.conf "$1/etc/apt/apt.conf.d/00ksimage-build"',
      DPKG_IN,
      "--skip=essential/unlink",
      '--setup-hook=mkdir -p "$1/var/cache/apt/archives" "$1/var/lib/apt/lists" && mount --bind /c/apt/archives "$1/var/cache/apt/archives" && mount --bind /c/apt/lists "$1/var/lib/apt/lists"',
      '--setup-hook=mkdir -p "$1/etc/apt/preferences.d" && cp /w/apt/ksimage-excludes.pref "$1/etc/apt/preferences.d/ksimage-excludes.pref"',
      '--essential-hook=mkdir -p "$1/etc/initramfs-tools/conf.d" && echo FSTYPE=ext4 > "$1/etc/initramfs-tools/conf.d/ksimage-fstype"',
      ...INITRAMFS_ONCE,
      '--customize-hook=umount "$1/var/cache/apt/archives" "$1/var/lib/apt/lists"',
      '--customize-hook=rm -f "$1/etc/apt/preferences.d/ksimage-excludes.pref" "$1/etc/apt/apt.conf.d/00ksimage-build" "$1/etc/dpkg/dpkg.cfg.d/00ksimage-build"',
      ...HOST_FILES,
      ...TAIL,
    ]);
  });

  it("paths with blanks are shell-quoted inside hooks", () => {
    const args = mmdebstrapArgs(plan({ pinFile: "/w d/pins" }));
    expect(args).toContain(`--setup-hook=mkdir -p "$1/etc/apt/preferences.d" && cp '/w d/pins' "$1/etc/apt/preferences.d/ksimage-excludes.pref"`);
  });
});

describe("the one initramfs", () => {
  it("is built at the end with COMPRESSLEVEL=1 in its environment only (the e2e readme test reads the level back from the image)", () => {
    expect(INITRAMFS_ONCE_HOOK).toContain('then chroot "$1" env COMPRESSLEVEL=1 update-initramfs -c -k all; fi');
    expect(INITRAMFS_ONCE_HOOK).not.toMatch(/conf\.d|initramfs\.conf/);
    // A live ISO's tree (no root file system) keeps the default level: the ISO's size counts.
    expect(initramfsOnceHook(false)).toContain('then chroot "$1" update-initramfs -c -k all; fi');
    expect(initramfsOnceHook(false)).not.toContain("COMPRESSLEVEL");
  });
});

describe("variantWithExcludes", () => {
  it.each([
    ["minbase", [], { variant: "minbase", include: [] }],
    ["essential", ["x"], { variant: "essential", include: [] }],
    ["custom", ["x"], { variant: "custom", include: [] }],
    [
      "important",
      ["libstdc++6", "foo*"],
      { variant: "essential", include: ["?narrow(?or(?archive(^sid$),?codename(^sid$)),?and(?or(?priority(required),?priority(important)),?not(?essential),?not(?name(^libstdc\\+\\+6$)),?not(?name(^foo.*$))))"] },
    ],
    [
      "buildd",
      ["x"],
      { variant: "essential", include: ["?narrow(?or(?archive(^sid$),?codename(^sid$)),?and(?priority(required),?not(?essential),?not(?name(^x$))))", "build-essential"] },
    ],
  ])("%s without %j", (variant, excludes, expected) => expect(variantWithExcludes(variant, "sid", excludes)).toEqual(expected));
});

describe("texts and parsing", () => {
  it("source line", () => expect(sourceLine({ uri: "file:///srv/m", suite: "sid", components: ["main", "contrib"] })).toBe("deb file:///srv/m sid main contrib"));
  it("pins", () => {
    expect(aptPinText(["tzdata", "nano*"])).toBe(
      "# Written by ksimage: packages excluded in %packages.\n\nPackage: tzdata\nPin: version *\nPin-Priority: -1\n\nPackage: nano*\nPin: version *\nPin-Priority: -1\n",
    );
  });
  it("dpkg filters: none by default", () => expect(dpkgFilterOptions(false, null)).toEqual([]));
  it("build-time apt.conf: host settings, timeout, retries; nothing to say, no file", () => {
    expect(aptBuildConf(['Acquire::Check-Valid-Until "false"'], { timeout: 60, retries: 3 })).toBe(
      '// Written by ksimage for the build only.\nAcquire::Check-Valid-Until "false";\nAcquire::http::Timeout "60";\nAcquire::https::Timeout "60";\nAcquire::Retries "3";\n',
    );
    expect(aptBuildConf([], { timeout: null, retries: null })).toBeNull();
  });
  it("host apt options: only the keys that reach the mirrors", () => {
    const dump = 'APT "";\nAcquire::Check-Valid-Until "false";\nAcquire::http::Proxy "http://u:pw@proxy:3128/";\nAcquire::Languages "none";\nAcquire::https::Proxy "";\n';
    expect(pickHostAptOptions(dump)).toEqual(['Acquire::Check-Valid-Until "false"', 'Acquire::http::Proxy "http://u:pw@proxy:3128/"']);
  });
  it("dpkg-query argv and its installed packages only", () => {
    expect(dpkgQueryArgs("/w/root")).toEqual(["dpkg-query", "--admindir=/w/root/var/lib/dpkg", "-W", "-f", "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n"]);
    expect(parseDpkgList("less\t590-2\tamd64\tinstalled\nold\t1\tamd64\tconfig-files\nbase-files\t12.4\tamd64\tinstalled\n")).toEqual([
      { name: "base-files", version: "12.4", arch: "amd64" },
      { name: "less", version: "590-2", arch: "amd64" },
    ]);
  });
  it.each([
    ["Setting up less (590-2.1~deb12u2) ...", "less"],
    ["Setting up libc-bin:amd64 (2.36-9) ...", "libc-bin"],
    ["Unpacking less (590-2.1~deb12u2) ...", null],
  ])("progress %s", (line, expected) => expect(parseAptProgress(line)).toBe(expected));
  it("totals from apt's summary lines, phases from mmdebstrap's", () => {
    expect(parseAptTotal("0 upgraded, 96 newly installed, 0 to remove and 0 not upgraded.")).toBe(96);
    expect(parseAptTotal("Get:92 http://mirror/debian bookworm/main amd64 initramfs-tools-core all 0.142 [48.3 kB]")).toBeNull();
    expect(parseAptPhase("I: installing remaining packages inside the chroot...")).toBe("installing the other packages");
    expect(parseAptPhase("update-initramfs: Generating /boot/initrd.img-6.1.0-57-amd64")).toBe("building the initramfs /boot/initrd.img-6.1.0-57-amd64 (once, after all packages)");
    expect(parseAptPhase("Setting up less (590-2.1~deb12u2) ...")).toBeNull();
  });
});
