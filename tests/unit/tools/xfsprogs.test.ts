// The xfs tools tree: where it comes from (the host's Debian archive), how its tools run (their own loader and C
// library), and the argv that makes an xfs file system again from a tree.
import { describe, expect, it } from "vitest";
import { debianMirror, debUrl, mirrorRequest, toolsRoot, XFS_TOOLS, xfsLtsConfig, xfsToolArgv, xfsToolsDir } from "../../../src/tools/xfsprogs.js";
import { mkfsXfsFromTreeArgs, xfsFromTreeEnv } from "../../../src/repro/rebuild-xfs.js";
import type { FilesystemPlan } from "../../../src/partition/types.js";

const os = { id: "debian", idLike: [], versionId: "12", versionCodename: "bookworm" };
const entry = (uris: string[], suites: string[]) => ({ uris, suites, components: ["main"], file: "/etc/apt/sources.list.d/debian.sources" });

describe("the xfs tools tree", () => {
  it("fetches from the host's archive for its own release, never the security archive; KSIMAGE_DEBIAN_MIRROR wins", () => {
    const apt = [entry(["http://sec.example/debian-security"], ["bookworm-security"]), entry(["http://sec.example/debian-security/"], ["bookworm"]), entry(["http://mirror.example/debian/"], ["bookworm", "bookworm-updates"])];
    expect(debianMirror({ apt, os }, {})).toBe("http://mirror.example/debian");
    expect(debianMirror({ apt, os }, { KSIMAGE_DEBIAN_MIRROR: "http://other.example/d/" })).toBe("http://other.example/d");
    expect(debianMirror({ apt: [entry(["http://x.example/debian"], ["trixie"])], os }, {})).toBeNull();
    expect(debianMirror({ apt, os: { ...os, versionCodename: null } }, {})).toBeNull();
    expect(debianMirror({ apt: [entry(["file:///srv/debian"], ["bookworm"])], os }, {})).toBeNull();
  });

  it("pins every package by version and sha256, and finds it in the pool", () => {
    expect(XFS_TOOLS.debs.map((d) => d.name)).toEqual(["xfsprogs", "libc6"]);
    for (const d of XFS_TOOLS.debs) {
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(d.pool).toContain(`_${d.version}_amd64.deb`);
    }
    expect(debUrl("http://m.example/debian", XFS_TOOLS.debs[0]!)).toBe("http://m.example/debian/pool/main/x/xfsprogs/xfsprogs_7.2.0-1_amd64.deb");
  });

  it("sends a mirror's user and password as a Basic authorization header, never in the URL", () => {
    expect(mirrorRequest("http://m.example/debian/pool/x.deb")).toEqual({ href: "http://m.example/debian/pool/x.deb", headers: {} });
    const r = mirrorRequest("http://ann:s%40cret@m.example:8080/debian/pool/x.deb");
    expect(r.href).toBe("http://m.example:8080/debian/pool/x.deb");
    expect(r.headers).toEqual({ authorization: `Basic ${Buffer.from("ann:s@cret").toString("base64")}` });
  });

  it("lives in a directory per version, KSIMAGE_TOOLS_DIR or /var/cache/ksimage/tools", () => {
    expect(toolsRoot({})).toBe("/var/cache/ksimage/tools");
    expect(toolsRoot({ KSIMAGE_TOOLS_DIR: "/srv/t" })).toBe("/srv/t");
    expect(xfsToolsDir("/srv/t")).toBe("/srv/t/xfsprogs-7.2.0-1");
  });

  it("runs a tool with the tree's own loader and C library, then the host's libraries", () => {
    expect(xfsToolArgv("/t", "mkfs.xfs")).toEqual([
      "/t/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "--library-path", "/t/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu", "/t/usr/sbin/mkfs.xfs",
    ]);
    expect(xfsLtsConfig("/t")).toBe("/t/usr/share/xfsprogs/mkfs/lts_6.1.conf");
  });
});

describe("an xfs made again from its tree", () => {
  const fs = (over: Partial<FilesystemPlan> = {}): FilesystemPlan => ({ fstype: "xfs", uuid: "u-1", label: "srv", mkfsOptions: [], reproducible: { hashSeed: "0000002a-0000-4000-8000-000000000000", time: 1700000000 }, ...over }) as FilesystemPlan;

  it("keeps the planned UUID, label and --mkfsoptions, with the 6.1 LTS features, no discard and the tree", () => {
    expect(mkfsXfsFromTreeArgs(fs({ mkfsOptions: ["-i", "size=512"] }), "/t", "/w/tree", "/dev/loop7")).toEqual([
      ...xfsToolArgv("/t", "mkfs.xfs"), "-c", "options=/t/usr/share/xfsprogs/mkfs/lts_6.1.conf", "-K", "-p", "file=/w/tree,atime=0",
      "-f", "-q", "-m", "uuid=u-1", "-L", "srv", "-i", "size=512", "/dev/loop7",
    ]);
    expect(() => mkfsXfsFromTreeArgs(fs(), "/t", "/w,x/tree", "/dev/loop7")).toThrow(/holds a comma/);
  });

  it("runs on the epoch's clock with xfsprogs' deterministic random numbers", () => {
    expect(xfsFromTreeEnv(fs())).toEqual({ SOURCE_DATE_EPOCH: "1700000000", DETERMINISTIC_SEED: "1" });
    expect(() => xfsFromTreeEnv(fs({ reproducible: undefined }))).toThrow(/not planned reproducible/);
  });
});
