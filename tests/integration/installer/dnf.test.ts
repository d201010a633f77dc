// dnf backend against a real repository built in the test: groups, excludes, docs, languages, weak deps, @core, the cache, nothing left mounted.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ToolError } from "../../../src/errors.js";
import { choosePackageSource } from "../../../src/installer/source.js";
import { installPackages } from "../../../src/installer/packages.js";
import type { InstallProgress, PackageSource } from "../../../src/installer/types.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { run, Teardown } from "../../../src/run/index.js";
import { useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { parseOk } from "../../helpers/ks.js";
import { buildStandardRepo, type RpmRepo } from "../../helpers/rpm-repo.js";

let repo: RpmRepo;
let repoDir: string;

beforeAll(async () => {
  repoDir = await (await import("node:fs/promises")).mkdtemp("/var/tmp/ksimage-it-rpmrepo-");
  repo = await buildStandardRepo(repoDir);
  return () => run(["rm", "-rf", "--", repoDir]).then(() => undefined);
});

/** Plan the kickstart (host configuration read from an empty directory: only the kickstart's lines count). */
async function plan(sb: Sandbox, packages: string, extra = ""): Promise<PackageSource> {
  const ks = parseOk(`repo --name=local --baseurl=${repo.url}\n${extra}\n${packages}\n`);
  const hostRoot = path.join(sb.dir, "host");
  await mkdir(hostRoot, { recursive: true });
  const source = await choosePackageSource(ks, { hostRoot, releasever: "1" });
  if (source === null) throw new Error("no package source");
  return source;
}

/** Install into <sandbox>/root and return the installed names as rpm lists them, reading the rpmdb at /var/lib/rpm. */
async function install(sb: Sandbox, source: PackageSource, opts: { cacheDir?: string; root?: string; progress?: InstallProgress[] } = {}) {
  const root = opts.root ?? path.join(sb.dir, "root");
  const workdir = path.join(sb.dir, `work-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(root, { recursive: true });
  await mkdir(workdir, { recursive: true });
  const teardown = new Teardown();
  sb.teardown.defer("unwind the install's teardown", async () => void (await teardown.unwind()));
  const result = await installPackages({ source, root, workdir, teardown, cacheDir: opts.cacheDir, onProgress: (p) => opts.progress?.push(p) });
  expect(teardown.size).toBe(0);
  expect(await mountsUnder(root)).toEqual([]);
  const { stdout } = await run(["rpm", "-qa", `--root=${root}`, "--dbpath=/var/lib/rpm", "--qf", "%{NAME}\\n"]);
  return { root, result: result!, rpmQa: stdout.split("\n").filter(Boolean).sort() };
}

describe("installWithDnf", () => {
  const sandbox = useSandbox();

  it("groups, environment, @core, excludes, --excludedocs, --instLangs, --excludeWeakdeps, repo --install", async () => {
    const sb = sandbox();
    const source = await plan(
      sb,
      "%packages --excludedocs --instLangs=de --exclude-weakdeps\nks-app\nks-lang\n@ks-tools\n@^ks-env\n-ks-default\n%end",
      "repo --name=installed --baseurl=" + repo.url + " --install --cost=50",
    );
    expect(source.backend).toBe("dnf");
    const progress: InstallProgress[] = [];
    const { root, result, rpmQa } = await install(sb, source, { progress });

    // ks-default is a default member of @ks-tools: the exclude keeps it out of the group; ks-weak is only recommended.
    expect(rpmQa).toEqual(["ks-app", "ks-base", "ks-core-member", "ks-envmember", "ks-lang", "ks-lib", "ks-mandatory"]);
    expect(result.packages.map((p) => p.name)).toEqual(rpmQa);
    expect(result.packages[0]).toEqual({ name: "ks-app", version: "1.0-1", arch: "noarch" });
    expect(existsSync(path.join(root, "usr/bin/ks-app"))).toBe(true);
    expect(existsSync(path.join(root, "usr/share/doc/ks-app/README"))).toBe(false);
    expect(existsSync(path.join(root, "usr/share/locale/de/LC_MESSAGES/ks-lang.txt"))).toBe(true);
    expect(existsSync(path.join(root, "usr/share/locale/fr/LC_MESSAGES/ks-lang.txt"))).toBe(false);
    expect(existsSync(path.join(root, "var/lib/rpm/rpmdb.sqlite"))).toBe(true);
    expect(readdirSync(path.join(root, "var/cache/dnf"))).toEqual([]);
    expect(readFileSync(path.join(root, "etc/yum.repos.d/installed.repo"), "utf8")).toContain(`baseurl=${repo.url}\ncost=50\n`);
    expect(existsSync(path.join(root, "etc/yum.repos.d/local.repo"))).toBe(false);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(progress.map((p) => p.package)).toContain("ks-app-1.0-1.noarch");
  });

  it("defaults: docs, all languages and weak deps installed; --nocore; --nodefaults and --optional groups", async () => {
    const sb = sandbox();
    const source = await plan(sb, "%packages --nocore\nks-app\nks-lang\n@ks-tools --nodefaults\n%end");
    const { root, rpmQa } = await install(sb, source);
    expect(rpmQa).toEqual(["ks-app", "ks-base", "ks-lang", "ks-lib", "ks-mandatory", "ks-weak"]);
    expect(readFileSync(path.join(root, "usr/share/doc/ks-app/README"), "utf8")).toBe("the ks-app manual\n");
    expect(existsSync(path.join(root, "usr/share/locale/fr/LC_MESSAGES/ks-lang.txt"))).toBe(true);

    const optional = await plan(sb, "%packages --nocore\n@ks-tools --optional\n%end");
    const { rpmQa: all } = await install(sb, optional, { root: path.join(sb.dir, "root-optional") });
    expect(all).toEqual(["ks-default", "ks-mandatory", "ks-optional"]);
  });

  it("a hard exclude that a dependency needs fails the install and leaves nothing mounted", async () => {
    const sb = sandbox();
    const source = await plan(sb, "%packages --nocore\nks-app\n-ks-lib\n%end");
    const error = await install(sb, source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).argv[0]).toBe("dnf");
    expect(await mountsUnder(sb.dir)).toEqual([]);
  });

  it("--ignoremissing skips an unknown package instead of failing", async () => {
    const sb = sandbox();
    const source = await plan(sb, "%packages --nocore --ignoremissing\nks-base\nno-such-package\n%end");
    const { rpmQa } = await install(sb, source);
    expect(rpmQa).toEqual(["ks-base"]);
  });

  it("installs on top of an existing tree into the rpmdb the tree already has", async () => {
    const sb = sandbox();
    const root = path.join(sb.dir, "root");
    await install(sb, await plan(sb, "%packages --nocore\nks-base\n%end"), { root });
    await writeFile(path.join(root, "etc/os-release"), 'ID=kstest\nVERSION_ID="7"\n');
    const onTop = await plan(sb, "%packages --nocore\nks-app\n%end", "liveimg --url=file:///nonexistent/root.tar");
    expect(onTop.backend === "dnf" && onTop.onLiveimg).toBe(true);
    const { rpmQa } = await install(sb, { ...onTop, releasever: null } as PackageSource, { root });
    expect(rpmQa).toEqual(["ks-app", "ks-base", "ks-lib", "ks-weak"]);
  });

  it("--cache keeps dnf's metadata outside the image, for the next build", async () => {
    const sb = sandbox();
    const cacheDir = path.join(sb.dir, "cache");
    const { root } = await install(sb, await plan(sb, "%packages --nocore\nks-base\n%end"), { cacheDir });
    expect(readdirSync(path.join(cacheDir, "dnf")).some((f) => f.startsWith("local-"))).toBe(true);
    expect(readdirSync(path.join(root, "var/cache/dnf"))).toEqual([]);
  });
});
