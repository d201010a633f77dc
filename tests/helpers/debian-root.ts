// Make a real Debian root with mmdebstrap for integration tests, from the host's own apt sources (read at run time).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { run } from "../../src/run/index.js";

/** The host's apt configuration as mmdebstrap arguments. */
export interface HostApt {
  /** The release codename of the first suite (e.g. bookworm). */
  suite: string;
  /** The host's sources files: mmdebstrap copies them into the root as they are. */
  sources: string[];
  /** --aptopt settings the host relies on (e.g. Check-Valid-Until off for a snapshot mirror). */
  aptopts: string[];
}

// Read the host's sources (deb822 .sources and one-line .list files) and the apt options it needs.
export async function hostApt(): Promise<HostApt> {
  const dir = "/etc/apt/sources.list.d";
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".sources") || f.endsWith(".list")).map((f) => path.join(dir, f));
  const legacy = await readFile("/etc/apt/sources.list", "utf8").catch(() => "");
  if (/^\s*deb\s/m.test(legacy)) files.push("/etc/apt/sources.list");
  const suites: string[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const m of text.matchAll(/^Suites:\s*(.+)$/gm)) suites.push(...(m[1] as string).split(/\s+/));
    for (const m of text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?\S+\s+(\S+)/gm)) suites.push(m[1] as string);
  }
  const suite = suites.find((s) => /^[a-z]+$/.test(s));
  if (suite === undefined || files.length === 0) throw new Error("the host has no usable apt sources for mmdebstrap");
  const { stdout } = await run(["apt-config", "dump", "Acquire::Check-Valid-Until"]);
  const aptopts = /Check-Valid-Until "false"/.test(stdout) ? ['--aptopt=Acquire::Check-Valid-Until "false"'] : [];
  return { suite, sources: files, aptopts };
}

// mmdebstrap VARIANT with INCLUDE into ROOT (which must not exist or be empty); returns the seconds it took.
export async function makeDebianRoot(root: string, variant: string, include: readonly string[]): Promise<number> {
  const apt = await hostApt();
  const started = Date.now();
  const includes = include.length > 0 ? [`--include=${include.join(",")}`] : [];
  // A test root needs no durability: let dpkg skip its fsyncs.
  await run(["mmdebstrap", `--variant=${variant}`, "--dpkgopt=force-unsafe-io", ...apt.aptopts, ...includes, apt.suite, root, ...apt.sources], {
    reason: "make a Debian root for the test",
  });
  return (Date.now() - started) / 1000;
}
