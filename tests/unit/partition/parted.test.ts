// parted argv in exact sectors, the sfdisk type fallback, and the read-back comparison with the plan.
import { describe, expect, it } from "vitest";
import { diffPartitionTable, partedArgs, partedQuote, sfdiskTypeArgs } from "../../../src/partition/parted.js";
import type { DiskPlan } from "../../../src/partition/types.js";
import { gptDisk, msdosDisk } from "../../helpers/disk-plans.js";

// What `sfdisk --json` prints for a disk that matches the plan exactly.
function sfdiskJson(disk: DiskPlan, patch: (p: { node: string; start: number; size: number; type: string }) => void = () => undefined): string {
  const partitions = disk.partitions.map((p) => {
    const entry = { node: `disk.raw${p.number}`, start: p.startSector, size: p.sizeSectors, type: p.typeGuid ?? p.msdosType!.replace(/^0/, "") };
    patch(entry);
    return entry;
  });
  return JSON.stringify({ partitiontable: { label: disk.label === "msdos" ? "dos" : "gpt", unit: "sectors", partitions } });
}

describe("partedArgs", () => {
  it("msdos: one argv, sectors from the plan, primary/extended/logical, swap hint, flags; no type command by default", () => {
    expect(partedArgs(msdosDisk(), "/w/a.raw")).toEqual([
      "parted", "-s", "-a", "none", "/w/a.raw", "--", "unit", "s", "mklabel", "msdos",
      "mkpart", "primary", "2048", "18431",
      "mkpart", "primary", "18432", "51199",
      "mkpart", "primary", "linux-swap", "51200", "59391",
      "mkpart", "extended", "59392", "73727",
      "mkpart", "logical", "61440", "69631",
      "mkpart", "logical", "71680", "73727",
      "set", "1", "boot", "on",
    ]);
  });

  it("msdos with parted's type command: type bytes for every partition but the extended one", () => {
    const argv = partedArgs(msdosDisk(), "/w/a.raw", { typeCommand: true });
    expect(argv.slice(argv.indexOf("type"))).toEqual([
      "type", "1", "0x83", "type", "2", "0x83", "type", "3", "0x82", "type", "5", "0x83", "type", "6", "0x83",
    ]);
  });

  it("gpt: quoted names (parted splits words again), fat32 hint for the ESP, flags, type GUIDs", () => {
    expect(partedArgs(gptDisk(), "/w/b.raw", { typeCommand: true })).toEqual([
      "parted", "-s", "-a", "none", "/w/b.raw", "--", "unit", "s", "mklabel", "gpt",
      "mkpart", '"BIOS boot"', "2048", "4095",
      "mkpart", '"EFI System Partition"', "fat32", "4096", "86015",
      "mkpart", '"root"', "86016", "249855",
      "set", "1", "bios_grub", "on",
      "set", "2", "esp", "on",
      "type", "1", "21686148-6449-6E6F-744E-656564454649",
      "type", "2", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
      "type", "3", "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
    ]);
  });

  it("gpt partition without a name gets an empty quoted name", () => {
    const disk = gptDisk();
    disk.partitions[2]!.gptName = null;
    expect(partedArgs(disk, "f")).toContain('""');
  });
});

describe("partedQuote", () => {
  it.each([
    ["root", '"root"'],
    ["EFI System Partition", '"EFI System Partition"'],
    ['a "b"', `'a "b"'`],
  ])("%s -> %s", (name, quoted) => expect(partedQuote(name)).toBe(quoted));

  it("refuses a name with both quote kinds", () => expect(() => partedQuote(`a'b"c`)).toThrow(/both kinds of quotes/));
});

describe("sfdiskTypeArgs", () => {
  it("msdos bytes without 0x, GPT GUIDs as planned", () => {
    expect(sfdiskTypeArgs(msdosDisk(), "/w/a.raw", 3)).toEqual(["sfdisk", "--part-type", "/w/a.raw", "3", "82"]);
    expect(sfdiskTypeArgs(gptDisk(), "/w/b.raw", 3)).toEqual(["sfdisk", "--part-type", "/w/b.raw", "3", "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"]);
  });

  it("the extended partition has no type to set", () => expect(() => sfdiskTypeArgs(msdosDisk(), "f", 4)).toThrow(/no planned type/));
});

describe("diffPartitionTable", () => {
  it("no difference when the table equals the plan (sfdisk writes 0f as f, GUIDs in any case)", () => {
    expect(diffPartitionTable(msdosDisk(), sfdiskJson(msdosDisk()))).toEqual([]);
    expect(diffPartitionTable(gptDisk(), sfdiskJson(gptDisk(), (p) => (p.type = p.type.toLowerCase())))).toEqual([]);
  });

  it("a type difference is marked fixable; a geometry difference is not", () => {
    const json = sfdiskJson(gptDisk(), (p) => {
      if (p.node.endsWith("3")) p.type = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
      if (p.node.endsWith("1")) p.start = 34;
    });
    expect(diffPartitionTable(gptDisk(), json)).toEqual([
      { partition: 1, typeOnly: false, message: "partition 1 is at 34+2048, planned 2048+2048" },
      { partition: 3, typeOnly: true, message: "partition 3 has type 0FC63DAF-8483-4772-8E79-3D69D8477DE4, planned 4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709" },
    ]);
  });

  it("reports a wrong label and a missing partition", () => {
    const json = JSON.stringify({ partitiontable: { label: "gpt", partitions: [{ node: "x1", start: 2048, size: 16384, type: "83" }] } });
    expect(diffPartitionTable(msdosDisk(), json).map((d) => d.message)).toEqual([
      "label is gpt, planned msdos",
      "partition 2 is missing",
      "partition 3 is missing",
      "partition 4 is missing",
      "partition 5 is missing",
      "partition 6 is missing",
      "the table has 1 partitions, planned 6",
    ]);
  });
});
