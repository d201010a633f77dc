// liveimg from a filesystem image: mounted read-only only while copying, owners and hard links kept, nothing left behind.
import { mkdir } from "node:fs/promises";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installLiveimg } from "../../../src/installer/liveimg.js";
import { loopsOf } from "../../../src/partition/loop.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { run, Teardown } from "../../../src/run/index.js";
import { useSandbox } from "../../helpers/build-sandbox.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";

describe("installLiveimg: filesystem image", () => {
  const sandbox = useSandbox();

  it("copies the image's tree into the root and leaves no mount or loop device", async () => {
    const sb = sandbox();
    const tree = path.join(sb.dir, "tree");
    const image = path.join(sb.dir, "root.img");
    const root = path.join(sb.dir, "root");
    await mkdir(tree);
    await mkdir(root);
    writeTestRootTarball(path.join(sb.dir, "root.tar"));
    await run(["tar", "--numeric-owner", "-xpf", path.join(sb.dir, "root.tar"), "-C", tree]);
    await run(["mkfs.ext4", "-q", "-d", tree, image, "16M"]);

    const teardown = new Teardown();
    const workdir = path.join(sb.dir, "work");
    await installLiveimg({ kind: "liveimg", url: `file://${image}`, path: image, format: "image", line: 1 }, root, workdir, teardown);

    expect(teardown.size).toBe(0); // nothing permanent registered
    expect(await mountsUnder(sb.dir)).toEqual([]);
    expect(await loopsOf(image)).toEqual([]);
    expect(readdirSync(workdir)).toEqual([]);
    expect(readFileSync(path.join(root, "etc/hostname"), "utf8")).toBe("from-tarball\n");
    expect(statSync(path.join(root, "home/user/notes")).uid).toBe(1234);
    expect(statSync(path.join(root, "usr/bin/tool-link")).ino).toBe(statSync(path.join(root, "usr/bin/tool")).ino);
    expect((statSync(path.join(root, "usr/bin/tool")).mode & 0o7777).toString(8)).toBe("4755");
  });
});
