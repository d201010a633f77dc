// A private xfsprogs new enough to fill an xfs file system from a directory on a fixed clock (mkfs.xfs -p DIR with
// SOURCE_DATE_EPOCH and DETERMINISTIC_SEED, xfsprogs 6.16 and later), for reproducible builds on hosts whose own
// xfsprogs is older (Debian 12 has 6.1). Like mkosi's tools tree: the packages come from the Debian archive, pinned by
// version and sha256, are unpacked (never installed) into a directory of their own, and run with their own C library
// through its dynamic loader; the host's xfsprogs is left alone.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { KsimageError } from "../errors.js";
import { urlPassword, withoutUrlPassword } from "../faithful/secrets.js";
import type { HostAptEntry, HostConfig } from "../installer/host-sources.js";
import { addSecrets, getLogger, isDryRun, run } from "../run/index.js";

/** One pinned Debian package of the tools tree. */
export interface PinnedDeb {
  name: string;
  version: string;
  /** Path below the archive's root. */
  pool: string;
  sha256: string;
}

/** The xfsprogs release of the tools tree, and the C library it needs (glibc 2.38 or later; Debian 12 has 2.36). */
export const XFS_TOOLS = {
  version: "7.2.0-1",
  suite: "forky",
  debs: [
    { name: "xfsprogs", version: "7.2.0-1", pool: "pool/main/x/xfsprogs/xfsprogs_7.2.0-1_amd64.deb", sha256: "bfc39ebd7e9a71202c21197d2ec5a1d697664d0b038dd3766bf209f36d76198f" },
    { name: "libc6", version: "2.43-7", pool: "pool/main/g/glibc/libc6_2.43-7_amd64.deb", sha256: "5c71715c51103beb4fbba9fe9f8dff604af6610dfa71c70bff342f54a7860803" },
  ] satisfies PinnedDeb[],
} as const;

/** Where the tools trees live (one directory each, named by version); KSIMAGE_TOOLS_DIR overrides it. */
export function toolsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.KSIMAGE_TOOLS_DIR ?? "/var/cache/ksimage/tools");
}

/** The directory of the pinned xfsprogs tools tree. */
export const xfsToolsDir = (root = toolsRoot()): string => path.join(root, `xfsprogs-${XFS_TOOLS.version}`);

const LIBDIR = "usr/lib/x86_64-linux-gnu";
const READY = "ksimage-ready";

// The argv prefix that runs TOOL (mkfs.xfs, xfs_db, ...) of the tools tree in DIR with the tree's own C library: its
// loader, the tree's libraries first, then the host's (liburcu, libinih, libblkid and libuuid keep their sonames).
export function xfsToolArgv(dir: string, tool: string): string[] {
  const lib = path.join(dir, LIBDIR);
  return [path.join(lib, "ld-linux-x86-64.so.2"), "--library-path", `${lib}:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu`, path.join(dir, "usr/sbin", tool)];
}

// The mkfs.xfs configuration that gives the features of the Linux 6.1 LTS kernel (what Debian 12's mkfs.xfs makes),
// so every guest kernel that mounted the file system before mounts the one made again from its tree.
export const xfsLtsConfig = (dir: string): string => path.join(dir, "usr/share/xfsprogs/mkfs/lts_6.1.conf");

// The Debian archive to fetch from: KSIMAGE_DEBIAN_MIRROR, else the host's apt source for its own release (not the
// security archive), so the tools come from where the host's own packages come from.
export function debianMirror(host: Pick<HostConfig, "apt" | "os">, env: NodeJS.ProcessEnv = process.env): string | null {
  const set = env.KSIMAGE_DEBIAN_MIRROR;
  if (set !== undefined && set !== "") return set.replace(/\/+$/, "");
  const codename = host.os.versionCodename;
  const own = (e: HostAptEntry): boolean => codename !== null && e.suites.includes(codename);
  const uri = host.apt.filter(own).flatMap((e) => e.uris).find((u) => /^https?:\/\//.test(u) && !/security/.test(u));
  return uri === undefined ? null : uri.replace(/\/+$/, "");
}

// The URL of DEB in the archive at MIRROR.
export const debUrl = (mirror: string, deb: PinnedDeb): string => `${mirror}/${deb.pool}`;

// Whether the pinned tools tree is unpacked and ready in DIR.
export const xfsToolsReady = (dir: string): boolean => existsSync(path.join(dir, READY));

// The request for URL: a mirror's user and password (fetch refuses them in the URL) go into a Basic authorization header.
export function mirrorRequest(url: string): { href: string; headers: Record<string, string> } {
  const u = new URL(url);
  if (u.username === "" && u.password === "") return { href: u.href, headers: {} };
  const credentials = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = "";
  u.password = "";
  return { href: u.href, headers: { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } };
}

async function download(url: string, deb: PinnedDeb, file: string): Promise<void> {
  // Messages name the URL with its password replaced by ***.
  const shown = withoutUrlPassword(url);
  const password = urlPassword(url);
  const { href, headers } = mirrorRequest(url);
  const res = await fetch(href, { headers }).catch((error: Error) => {
    const message = password === undefined ? error.message : error.message.split(password).join("***");
    throw new KsimageError(`could not fetch ${deb.name} ${deb.version} from ${shown}: ${message}`);
  });
  if (!res.ok) throw new KsimageError(`could not fetch ${deb.name} ${deb.version} from ${shown}: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== deb.sha256) throw new KsimageError(`${shown} is not the pinned ${deb.name} ${deb.version}: sha256 ${sha}, expected ${deb.sha256}`);
  await writeFile(file, bytes, { mode: 0o600 });
}

// Remove the half-made trees (".new-PID-...") of processes that are gone: a build killed while fetching.
async function removeStale(root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(/^\.new-(\d+)-/.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid)) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) await rm(path.join(root, name), { recursive: true, force: true });
  }
}

// Fetch, check and unpack the pinned xfsprogs tools tree into DIR unless it is there; return DIR. Made in a directory
// of its own and renamed into place, so a build killed on the way leaves no half tree, and two builds fetching at once
// both end with the one tree. In a dry run nothing is fetched.
export async function ensureXfsTools(host: Pick<HostConfig, "apt" | "os">, dir = xfsToolsDir()): Promise<string> {
  if (isDryRun() || xfsToolsReady(dir)) return dir;
  if (process.arch !== "x64") throw new KsimageError(`a reproducible xfs file system needs xfsprogs ${XFS_TOOLS.version}, which ksimage fetches for x86-64 only (this host is ${process.arch})`);
  const mirror = debianMirror(host);
  if (mirror === null) throw new KsimageError(`a reproducible xfs file system needs xfsprogs ${XFS_TOOLS.version} from the Debian archive, and this host's apt sources name no Debian archive`, "set KSIMAGE_DEBIAN_MIRROR to a Debian mirror's URL");
  const password = urlPassword(mirror);
  if (password !== undefined) addSecrets([password, decodeURIComponent(password)]);
  const root = path.dirname(dir);
  await mkdir(root, { recursive: true, mode: 0o755 });
  await removeStale(root);
  const tmp = path.join(root, `.new-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(tmp, { mode: 0o755 });
  try {
    getLogger().info({ mirror: withoutUrlPassword(mirror), debs: XFS_TOOLS.debs.map((d) => `${d.name} ${d.version}`) }, `fetching the xfs tools tree into ${dir}`);
    for (const deb of XFS_TOOLS.debs) {
      const file = path.join(tmp, `${deb.name}.deb`);
      await download(debUrl(mirror, deb), deb, file);
      await run(["dpkg-deb", "-x", file, tmp], { reason: `unpack ${deb.name} ${deb.version} into the xfs tools tree` });
      await rm(file);
    }
    const { stdout } = await run([...xfsToolArgv(tmp, "mkfs.xfs"), "-V"], { reason: "check that the xfs tools tree runs" });
    const want = XFS_TOOLS.version.replace(/-.*$/, "");
    if (!stdout.includes(`version ${want}`)) throw new KsimageError(`the xfs tools tree's mkfs.xfs says "${stdout.trim()}", not version ${want}`);
    await writeFile(path.join(tmp, READY), `${XFS_TOOLS.debs.map((d) => `${d.name} ${d.version} ${d.sha256}`).join("\n")}\n`);
    await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another build put the same tree in place first.
      if ((error.code === "ENOTEMPTY" || error.code === "EEXIST") && xfsToolsReady(dir)) return;
      throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}
