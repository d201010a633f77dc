// apt backend for real: mmdebstrap minbase + packages from the host's own apt sources into a directory, an excluded package pinned out, and a --cache rebuild that downloads nothing.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installPackages } from "../../../src/installer/packages.js";
import { choosePackageSource } from "../../../src/installer/source.js";
import { mountsUnder } from "../../../src/partition/mount.js";
import { run, Teardown } from "../../../src/run/index.js";
import { useSandbox, type Sandbox } from "../../helpers/build-sandbox.js";
import { parseOk } from "../../helpers/ks.js";

const KICKSTART = `%addon org_ksimage_debian --suite=bookworm --variant=minbase
%end
%packages
less
netbase
-tzdata
%end
`;

/** Every file of DIR (recursively) with its size and mtime: a download would add or rewrite one. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== "lock") out.push(`${path.relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

async function installInto(sb: Sandbox, name: string, cacheDir: string) {
  const source = await choosePackageSource(parseOk(KICKSTART), { hostRoot: "/" });
  if (source === null || source.backend !== "apt") throw new Error(`expected the apt backend, got ${source?.backend}`);
  const root = path.join(sb.dir, name);
  const workdir = path.join(sb.dir, `${name}-work`);
  await mkdir(root, { recursive: true });
  await mkdir(workdir, { recursive: true });
  const teardown = new Teardown();
  sb.teardown.defer(`unwind ${name}`, async () => void (await teardown.unwind()));
  const output: string[] = [];
  let configured = 0;
  const started = Date.now();
  const result = await installPackages({ source, root, workdir, teardown, cacheDir, rootFstype: "ext4", onOutput: (l) => output.push(l), onProgress: (p) => (configured = p.done) });
  const seconds = (Date.now() - started) / 1000;
  expect(teardown.size).toBe(0);
  return { root, result: result!, output, seconds, configured, source };
}

describe("installWithApt", () => {
  const sandbox = useSandbox();

  it("minbase + less + netbase without tzdata; a second build from --cache downloads no package", { timeout: 1_200_000 }, async () => {
    const sb = sandbox();
    const cacheDir = path.join(sb.dir, "cache");
    const load0 = readFileSync("/proc/loadavg", "utf8").trim();

    const cold = await installInto(sb, "cold", cacheDir);
    const names = cold.result.packages.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["less", "netbase", "apt", "dpkg", "base-files"]));
    expect(names).not.toContain("tzdata");
    expect(cold.configured).toBeGreaterThan(50);
    const { stdout } = await run(["dpkg-query", `--admindir=${cold.root}/var/lib/dpkg`, "-W", "-f", "${Package} ${db:Status-Status}\\n", "less", "netbase"]);
    expect(stdout.split("\n").sort()).toEqual(["less installed", "netbase installed"]);
    // The pin is gone from the image, the initramfs hint stays, the entries came from the host's sources.
    expect(existsSync(path.join(cold.root, "etc/apt/preferences.d/ksimage-excludes.pref"))).toBe(false);
    expect(readFileSync(path.join(cold.root, "etc/initramfs-tools/conf.d/ksimage-fstype"), "utf8")).toBe("FSTYPE=ext4\n");
    expect(readFileSync(path.join(cold.root, "etc/apt/sources.list"), "utf8")).toContain(" bookworm main");
    // Build-time settings and the host's own files stay out of the image.
    expect(existsSync(path.join(cold.root, "etc/apt/apt.conf.d/00ksimage-build"))).toBe(false);
    expect(existsSync(path.join(cold.root, "etc/dpkg/dpkg.cfg.d/00ksimage-build"))).toBe(false);
    expect(existsSync(path.join(cold.root, "etc/resolv.conf"))).toBe(false);
    expect(readFileSync(path.join(cold.root, "etc/hostname"), "utf8")).toBe("localhost\n");
    expect(readdirSync(path.join(cold.root, "var/cache/apt/archives")).filter((f) => f.endsWith(".deb"))).toEqual([]);
    const debs = readdirSync(path.join(cacheDir, "apt/archives")).filter((f) => f.endsWith(".deb"));
    expect(debs.length).toBeGreaterThan(50);
    expect(await mountsUnder(sb.dir)).toEqual([]);

    const before = snapshot(path.join(cacheDir, "apt"));
    const warm = await installInto(sb, "warm", cacheDir);
    expect(warm.result.packages).toEqual(cold.result.packages);
    const downloads = warm.output.filter((l) => /^Get:\d+ /.test(l));
    expect(downloads.filter((l) => !/(In)?Release|Packages|Translation/.test(l))).toEqual([]);
    expect(snapshot(path.join(cacheDir, "apt")).filter((f) => f.includes(".deb ") && !before.includes(f))).toEqual([]);
    expect(await mountsUnder(sb.dir)).toEqual([]);

    const du = (d: string) => run(["du", "-sxm", d]).then((r) => r.stdout.split("\t")[0]);
    console.log(
      `apt backend: cold ${cold.seconds.toFixed(1)} s, warm (--cache) ${warm.seconds.toFixed(1)} s; ` +
        `${names.length} packages; root ${await du(cold.root)} MiB, cache ${await du(cacheDir)} MiB; ` +
        `index downloads on the warm run: ${downloads.length}; load ${load0} -> ${readFileSync("/proc/loadavg", "utf8").trim()}`,
    );
  });
});
