// The package step as a dry run: the exact commands for each backend, nothing registered afterwards; the tools it needs.
import { describe, expect, it } from "vitest";
import { installPackages, packageTools, rootFstypeOf } from "../../../src/installer/packages.js";
import type { AptSource, DnfSource } from "../../../src/installer/types.js";
import type { LayoutPlan } from "../../../src/partition/types.js";
import { recordCommands, Teardown } from "../../../src/run/index.js";
import { selection as emptySelection } from "../../helpers/selection.js";

const selection = emptySelection({ packages: ["bash"] });

const dnf: DnfSource = {
  backend: "dnf",
  repos: [],
  hostReposdir: null,
  releasever: "41",
  basearch: "x86_64",
  onLiveimg: false,
  selection,
  reason: "test",
};

const apt: AptSource = {
  backend: "apt",
  suite: "bookworm",
  variant: "minbase",
  components: ["main"],
  entries: [{ uri: "http://mirror.example/debian", suite: "bookworm", components: ["main"] }],
  selection: { ...selection, packages: ["less"] },
  reason: "test",
};

const ctx = (source: DnfSource | AptSource | null, teardown: Teardown) => ({ source, root: "/nonexistent/w/root", workdir: "/nonexistent/w", teardown, cacheDir: "/nonexistent/cache" });

describe("installPackages (dry run)", () => {
  it("dnf: cache bind, its own guest session (no build's session given), the @core question, one install, rpm -qa; everything released", async () => {
    const teardown = new Teardown();
    const { value, commands } = await recordCommands(() => installPackages(ctx(dnf, teardown)));
    expect(value).toMatchObject({ backend: "dnf", packages: [] });
    const lines = commands.map((c) => c.line);
    expect(lines[0]).toBe("mount --bind /nonexistent/cache/dnf /nonexistent/w/root/var/cache/dnf");
    expect(lines.slice(1, 8).map((l) => l.split(" ").at(-1))).toEqual(["proc", "sys", "dev", "", "dev/pts", "dev/shm", "run"].map((d) => `/nonexistent/w/root${d ? `/${d}` : ""}`));
    expect(commands[8]?.argv.slice(-4)).toEqual(["-q", "group", "info", "core"]);
    expect(commands[9]?.argv).toEqual([
      "dnf",
      "-y",
      "--config=/nonexistent/w/dnf/dnf.conf",
      "--installroot=/nonexistent/w/root",
      "--setopt=reposdir=/nonexistent/w/dnf/repos.d",
      "--noplugins",
      "--releasever=41",
      "--nogpgcheck",
      "--setopt=install_weak_deps=True",
      "--setopt=multilib_policy=best",
      "--setopt=strict=True",
      "--setopt=keepcache=True",
      "--setopt=group_package_types=mandatory,default",
      "install",
      "bash",
    ]);
    expect(commands[10]?.argv.slice(0, 3)).toEqual(["rpm", "-qa", "--root=/nonexistent/w/root"]);
    expect(commands).toHaveLength(11);
    expect(teardown.size).toBe(0);
  });

  it("apt: one mmdebstrap, then dpkg-query", async () => {
    const teardown = new Teardown();
    const { value, commands } = await recordCommands(() => installPackages({ ...ctx(apt, teardown), rootFstype: "xfs" }));
    expect(value).toMatchObject({ backend: "apt", packages: [] });
    expect(commands.map((c) => c.argv[0])).toEqual(["mmdebstrap", "dpkg-query"]);
    expect(commands[0]?.argv).toEqual(expect.arrayContaining(["--variant=minbase", "--include=less", "bookworm", "/nonexistent/w/root", "deb http://mirror.example/debian bookworm main"]));
    expect(commands[0]?.argv.some((a) => a.includes("echo FSTYPE=xfs"))).toBe(true);
    expect(teardown.size).toBe(0);
  });

  it("no source: nothing to do", async () => {
    const { value, commands } = await recordCommands(() => installPackages(ctx(null, new Teardown())));
    expect(value).toBeUndefined();
    expect(commands).toEqual([]);
  });
});

describe("helpers", () => {
  it("packageTools", () => {
    expect(packageTools(dnf).map((t) => t.tool)).toEqual(["dnf", "rpm", "mount"]);
    expect(packageTools(apt).map((t) => t.tool)).toEqual(["mmdebstrap", "dpkg-query"]);
    expect(packageTools(null)).toEqual([]);
  });
  it("rootFstypeOf", () => {
    const layout = { mounts: [{ mountpoint: "/boot", fstype: "ext4" }, { mountpoint: "/", fstype: "xfs" }] } as unknown as LayoutPlan;
    expect(rootFstypeOf(layout)).toBe("xfs");
    expect(rootFstypeOf({ mounts: [] } as unknown as LayoutPlan)).toBeNull();
  });
});
