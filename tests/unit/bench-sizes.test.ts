// The growth benchmark (bench/sizes.ts): the sized kickstarts and the table with its slope.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SIZES, sizedKickstart, sizesTable, type SizeRow } from "../../bench/sizes.js";
import type { Measured } from "../../bench/measure.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = readFileSync(path.join(repo, "examples/debian-minimal.ks"), "utf8");

describe("bench/sizes", () => {
  it("three sizes, each a superset of the one before", () => {
    expect(SIZES.map((s) => s.name)).toEqual(["example", "server", "desktop"]);
    for (let i = 1; i < SIZES.length; i++) for (const p of SIZES[i - 1]!.add) expect(SIZES[i]!.add).toContain(p);
    expect(SIZES[0]!.add).toEqual([]);
  });

  it("adds the packages under %packages and grows the root file system; the rest of the kickstart is kept", () => {
    const ks = sizedKickstart(example, SIZES[1]!);
    expect(ks).toMatch(/^part \/ --fstype=ext4 --size=3072 --grow --label=root$/m);
    expect(ks).toMatch(/^%packages\nnginx\npostgresql\n/m);
    expect(ks).toContain("linux-image-amd64\n");
    expect(ks.replace(/^part \/ .*$/m, "").split("\n").filter((l) => !SIZES[1]!.add.includes(l))).toEqual(example.replace(/^part \/ .*$/m, "").split("\n"));
    expect(() => sizedKickstart("lang en_US\n", SIZES[1]!)).toThrow("the example needs a `part /` line and a %packages section");
  });

  it("prints a row per size and the slope per 100 packages", () => {
    const m = (s: number): Measured => ({ label: "", wallSeconds: s, cpuSeconds: s, loadBefore: 1, loadAfter: 2, stdout: "" });
    const rows: SizeRow[] = [
      { name: "example", packages: 170, cold: m(60), warm: m(10), floor: m(100), tarBytes: 2 ** 28 },
      { name: "desktop", packages: 770, cold: m(360), warm: m(40), floor: m(500), tarBytes: 2 ** 31 },
    ];
    const table = sizesTable(rows);
    expect(table).toHaveLength(4);
    expect(table[1]).toMatch(/^example\s+170\s+60\.0\s+10\.0\s+100\.0\s+0\.60\s+256\.0 MiB\s+1->2$/);
    expect(table[3]).toBe("slope per 100 packages: cold 50.0 s, warm 5.0 s, floor 66.7 s");
  });
});
