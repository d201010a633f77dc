// man-db's index during a Debian install (real mmdebstrap with ksimage's two hooks): with man-db, its configure and
// trigger build no index, and the guest is left updating it as Debian's default does; without man-db, debconf keeps
// nothing of the preseeded question. The profile of each run says what the trigger cost.
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANDB_OFF_HOOK, MANDB_ON_HOOK } from "../../../src/installer/man-db.js";
import { mmdebstrapLinePhase, phasesOfLines } from "../../../src/installer/phases.js";
import { run } from "../../../src/run/index.js";
import { hostApt } from "../../helpers/debian-root.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp("/var/tmp/ksimage-it-mandb-");
});
afterAll(() => run(["rm", "-rf", "--one-file-system", "--", dir]).then(() => undefined));

/** mmdebstrap minbase with INCLUDE into a directory, with or without the hooks; its output lines timed, its phases. */
async function install(name: string, include: string[], hooks: boolean) {
  const apt = await hostApt();
  const root = path.join(dir, name);
  const lines: { at: number; line: string }[] = [];
  const onLine = (line: string) => lines.push({ at: Date.now(), line });
  const start = Date.now();
  await run(
    [
      "mmdebstrap",
      "--variant=minbase",
      "--verbose",
      "--dpkgopt=force-unsafe-io",
      ...apt.aptopts,
      ...(include.length > 0 ? [`--include=${include.join(",")}`] : []),
      ...(hooks ? [`--essential-hook=${MANDB_OFF_HOOK}`, `--customize-hook=${MANDB_ON_HOOK}`] : []),
      apt.suite,
      root,
      ...apt.sources,
    ],
    { reason: "make a Debian root for the man-db test", env: { TMPDIR: dir }, onStdoutLine: onLine, onStderrLine: onLine, timeoutMs: 20 * 60_000 },
  );
  const phases = phasesOfLines(mmdebstrapLinePhase, lines, start, Date.now());
  // man-db's postinst builds the index of a fresh install itself (not in its trigger): the time from its message to the next line.
  const i = lines.findIndex((l) => l.line.startsWith("Building database of manual pages"));
  const mandb = i < 0 ? null : ((lines[i + 1]?.at ?? Date.now()) - lines[i]!.at) / 1000;
  const debconf = await readFile(path.join(root, "var/cache/debconf/config.dat"), "utf8");
  const question = /^Name: man-db\/auto-update\n(?:.+\n)*?Value: (\S+)$/m.exec(debconf)?.[1] ?? null;
  return { root, text: lines.map((l) => l.line).join("\n"), phases, question, mandb };
}

describe("man-db's trigger during a Debian install", () => {
  it("with man-db: no index is built during the install; afterwards auto-update is on, as in a default Debian", async () => {
    const off = await install("with", ["man-db"], true);
    expect(off.text).toContain("Not building database; man-db/auto-update is not 'true'.");
    expect(off.text).not.toContain("Building database of manual pages");
    expect(existsSync(path.join(off.root, "var/cache/man/index.db"))).toBe(false);
    expect(existsSync(path.join(off.root, "var/lib/man-db/auto-update"))).toBe(true);
    expect(off.question).toBe("true");
    const trigger = off.phases.find((p) => p.phase === "install: triggers (man-db)")?.seconds ?? 0;
    console.log(`man-db with the hooks: trigger ${trigger.toFixed(2)} s; phases ${JSON.stringify(off.phases)}`);

    // The same install without the hooks builds the index: that is the time the hooks save.
    const on = await install("without", ["man-db"], false);
    expect(on.text).toContain("Building database of manual pages");
    expect(existsSync(path.join(on.root, "var/cache/man/index.db"))).toBe(true);
    expect(on.mandb).not.toBeNull();
    const built = on.phases.find((p) => p.phase === "install: triggers (man-db)")?.seconds ?? 0;
    const load = (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
    console.log(`man-db without the hooks: mandb in its postinst ${on.mandb!.toFixed(2)} s, trigger ${built.toFixed(2)} s; phases ${JSON.stringify(on.phases)} (load ${load})`);
  });

  it("without man-db: debconf keeps nothing of the preseeded question", async () => {
    const r = await install("none", [], true);
    expect(existsSync(path.join(r.root, "var/lib/dpkg/info/man-db.list"))).toBe(false);
    expect(r.question).toBeNull();
  });
});
