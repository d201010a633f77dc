// The xfs tools tree for real: fetched from the host's Debian archive, checked against its pins, unpacked into a
// directory of its own and run with its own C library; a mirror that serves other bytes, or nothing, leaves nothing.
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readHostConfig } from "../../../src/installer/host-sources.js";
import { run } from "../../../src/run/index.js";
import { ensureXfsTools, xfsToolArgv, xfsToolsReady } from "../../../src/tools/xfsprogs.js";

const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempRoot(): Promise<string> {
  const d = await mkdtemp("/var/tmp/ksimage-tools-test-");
  made.push(d);
  return d;
}

// A mirror on 127.0.0.1 that answers every request with STATUS and BODY (its URL with USERINFO, e.g. "ann:pw@"); the
// authorization headers it was sent go into SEEN.
async function withMirror<T>(status: number, body: string, fn: () => Promise<T>, userinfo = "", seen: string[] = []): Promise<T> {
  const server: Server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? "");
    res.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const saved = process.env.KSIMAGE_DEBIAN_MIRROR;
  process.env.KSIMAGE_DEBIAN_MIRROR = `http://${userinfo}127.0.0.1:${(server.address() as AddressInfo).port}/debian`;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.KSIMAGE_DEBIAN_MIRROR;
    else process.env.KSIMAGE_DEBIAN_MIRROR = saved;
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("the xfs tools tree", () => {
  it("two builds fetching at once from the host's archive end with one tree, whose mkfs.xfs runs; a killed fetch's leftover goes", async () => {
    const root = await tempRoot();
    // What a build killed while fetching leaves: a half tree named by a process that is gone.
    await mkdir(path.join(root, ".new-999999999-dead"));
    const dir = path.join(root, "xfsprogs");
    const host = await readHostConfig();
    const [a, b] = await Promise.all([ensureXfsTools(host, dir), ensureXfsTools(host, dir)]);
    expect([a, b]).toEqual([dir, dir]);
    expect(xfsToolsReady(dir)).toBe(true);
    expect(await readdir(root)).toEqual(["xfsprogs"]);
    expect((await run([...xfsToolArgv(dir, "mkfs.xfs"), "-V"])).stdout).toMatch(/^mkfs\.xfs version 7\.2\.0$/m);
    // The host's own mkfs.xfs is another (older) one: the tree does not replace it.
    expect((await run(["mkfs.xfs", "-V"])).stdout).not.toMatch(/7\.2\.0/);
    // A second call finds the tree ready and fetches nothing.
    await withMirror(500, "", async () => expect(await ensureXfsTools(host, dir)).toBe(dir));
  }, 120_000);

  it.each([
    [200, "not a Debian package", /is not the pinned xfsprogs 7\.2\.0-1: sha256 [0-9a-f]{64}, expected bfc39ebd/],
    [404, "", /could not fetch xfsprogs 7\.2\.0-1 from http:\/\/127\.0\.0\.1:\d+\/debian\/pool\/main\/x\/xfsprogs\/xfsprogs_7\.2\.0-1_amd64\.deb: HTTP 404/],
  ] as const)("a mirror answering %i is refused and leaves nothing", async (status, body, message) => {
    const root = await tempRoot();
    const dir = path.join(root, "xfsprogs");
    await withMirror(status, body, async () => {
      await expect(ensureXfsTools(await readHostConfig(), dir)).rejects.toThrow(message);
    });
    expect(await readdir(root)).toEqual([]);
  });

  it("a mirror with a user and password gets them as Basic authorization; no message names the password", async () => {
    const root = await tempRoot();
    const seen: string[] = [];
    const error = await withMirror(200, "not a Debian package", () => ensureXfsTools({ apt: [], os: { id: "debian", idLike: [], versionId: "12", versionCodename: "bookworm" } }, path.join(root, "xfsprogs")).catch((e: Error) => e), "ann:Hunter2secret@", seen);
    expect(seen).toEqual([`Basic ${Buffer.from("ann:Hunter2secret").toString("base64")}`]);
    expect(String(error)).toMatch(/http:\/\/ann:\*\*\*@127\.0\.0\.1:\d+\/debian\/pool\/.* is not the pinned xfsprogs/);
    expect(String(error)).not.toContain("Hunter2secret");
    expect(await readdir(root)).toEqual([]);
  });
});
