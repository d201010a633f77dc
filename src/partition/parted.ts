// Write a disk's partition table with parted, in exact sectors from the plan, and read it back to prove it.
import { KsimageError, ToolError } from "../errors.js";
import { isDryRun, run } from "../run/index.js";
import { diskIdentifierArgs, writeDiskSignature } from "./identifiers.js";
import type { DiskPlan, PartitionPlan } from "./types.js";

/** How parted can be driven on this host: parted 3.6 added `type N ID`; older ones need sfdisk for types. */
export interface PartedFeatures {
  typeCommand: boolean;
}

// parted splits its arguments into words again: quote a GPT name so spaces survive.
export function partedQuote(text: string): string {
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  throw new KsimageError(`GPT partition name ${text} contains both kinds of quotes, which parted cannot take`);
}

// The filesystem hint mkpart takes: it picks the type parted sets when it cannot be told the type directly.
function fsHint(p: PartitionPlan): string[] {
  if (p.role === "swap") return ["linux-swap"];
  if (p.filesystem?.fstype === "vfat") return ["fat32"];
  return [];
}

function typeId(p: PartitionPlan): string | null {
  if (p.kind === "extended") return null;
  return p.typeGuid ?? (p.msdosType === null ? null : `0x${p.msdosType}`);
}

// One parted argv for the whole disk: label, every partition at its planned sectors, flags, and (if supported) types.
export function partedArgs(disk: DiskPlan, file: string, features: PartedFeatures = { typeCommand: false }): string[] {
  const argv = ["parted", "-s", "-a", "none", file, "--", "unit", "s", "mklabel", disk.label];
  for (const p of disk.partitions) {
    const head = disk.label === "gpt" ? partedQuote(p.gptName ?? "") : p.kind;
    argv.push("mkpart", head, ...fsHint(p), String(p.startSector), String(p.endSector));
  }
  for (const p of disk.partitions) for (const flag of p.flags) argv.push("set", String(p.number), flag, "on");
  if (features.typeCommand) {
    for (const p of disk.partitions) {
      const id = typeId(p);
      if (id !== null) argv.push("type", String(p.number), id);
    }
  }
  return argv;
}

// For parted without `type`: the sfdisk argv that sets partition N's planned type GUID or msdos byte.
export function sfdiskTypeArgs(disk: DiskPlan, file: string, n: number): string[] {
  const p = disk.partitions.find((x) => x.number === n);
  const id = p === undefined ? null : typeId(p);
  if (id === null) throw new KsimageError(`partition ${n} of disk ${disk.name} has no planned type`);
  return ["sfdisk", "--part-type", file, String(n), id.replace(/^0x/, "")];
}

let detected: PartedFeatures | undefined;

// Ask parted what it can do; an unknown command in --script mode only prints usage and exits 0, so never guess.
export async function partedFeatures(): Promise<PartedFeatures> {
  if (detected) return detected;
  const { stdout } = await run(["parted", "--help"], { reason: "check which commands this parted has", dryRun: false });
  detected = { typeCommand: /^\s+type\s+NUMBER/m.test(stdout) };
  return detected;
}

/** One partition as `sfdisk --json` reports it. */
interface SfdiskPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  uuid?: string;
}

/** One way the table on disk differs from the plan. */
export interface TableDifference {
  partition: number | null;
  /** Only the type differs: sfdisk --part-type can fix it. */
  typeOnly: boolean;
  message: string;
}

// Compare `sfdisk --json` output with the plan: label, and every partition's start, size and type.
export function diffPartitionTable(disk: DiskPlan, json: string): TableDifference[] {
  const table = (JSON.parse(json) as { partitiontable: { label: string; id?: string; partitions?: SfdiskPartition[] } }).partitiontable;
  const diffs: TableDifference[] = [];
  const fail = (partition: number | null, message: string) => diffs.push({ partition, typeOnly: false, message });
  const label = table.label === "dos" ? "msdos" : table.label;
  if (label !== disk.label) fail(null, `label is ${label}, planned ${disk.label}`);
  if (disk.diskId !== undefined && table.id?.toUpperCase() !== disk.diskId.toUpperCase()) fail(null, `disk identifier is ${table.id}, planned ${disk.diskId}`);
  const found = new Map((table.partitions ?? []).map((p) => [Number(/(\d+)$/.exec(p.node)?.[1]), p]));
  for (const p of disk.partitions) {
    const got = found.get(p.number);
    if (!got) {
      fail(p.number, `partition ${p.number} is missing`);
      continue;
    }
    if (got.start !== p.startSector || got.size !== p.sizeSectors) {
      fail(p.number, `partition ${p.number} is at ${got.start}+${got.size}, planned ${p.startSector}+${p.sizeSectors}`);
    }
    if (p.partUuid !== undefined && got.uuid?.toUpperCase() !== p.partUuid.toUpperCase()) fail(p.number, `partition ${p.number} has GUID ${got.uuid}, planned ${p.partUuid}`);
    const want = typeId(p);
    if (want !== null && !sameType(got.type, want)) {
      diffs.push({ partition: p.number, typeOnly: true, message: `partition ${p.number} has type ${got.type}, planned ${want}` });
    }
  }
  if (found.size !== disk.partitions.length) fail(null, `the table has ${found.size} partitions, planned ${disk.partitions.length}`);
  return diffs;
}

function sameType(got: string, want: string): boolean {
  if (want.startsWith("0x")) return parseInt(got, 16) === parseInt(want, 16);
  return got.toUpperCase() === want.toUpperCase();
}

// Partition one disk file as planned, then prove it with `sfdisk --json`: every start, size and type must match.
export async function partitionDisk(disk: DiskPlan, file: string): Promise<void> {
  const features = await partedFeatures();
  const argv = partedArgs(disk, file, features);
  await run(argv, { reason: `partition disk ${disk.name}` });
  if (isDryRun()) {
    for (const id of diskIdentifierArgs(disk, file)) await run(id);
    if (!features.typeCommand) for (const p of disk.partitions) if (typeId(p) !== null) await run(sfdiskTypeArgs(disk, file, p.number));
    return;
  }
  // Reproducible builds: the planned disk identifier and partition GUIDs replace parted's random ones.
  await writeDiskSignature(disk, file);
  for (const argv of diskIdentifierArgs(disk, file)) await run(argv, { reason: `set the planned identifiers of disk ${disk.name}` });
  let diffs = await readBack(disk, file);
  // parted before 3.6 has no `type` command: fix only the types its mkpart hints and flags did not already give.
  const typeFixes = diffs.filter((d) => d.typeOnly && d.partition !== null);
  if (typeFixes.length > 0 && diffs.every((d) => d.typeOnly)) {
    for (const d of typeFixes) await run(sfdiskTypeArgs(disk, file, d.partition!), { reason: `set the type of partition ${d.partition} on disk ${disk.name}` });
    diffs = await readBack(disk, file);
  }
  if (diffs.length > 0) {
    throw new ToolError(`the partition table of disk ${disk.name} differs from the plan: ${diffs.map((d) => d.message).join("; ")}`, { argv });
  }
}

async function readBack(disk: DiskPlan, file: string): Promise<TableDifference[]> {
  const { stdout } = await run(["sfdisk", "--json", file], { reason: `check the partition table of disk ${disk.name}` });
  return diffPartitionTable(disk, stdout);
}

// The host tools partitionDisk runs, and why.
export function partitionTools(disk: DiskPlan): { tool: string; reason: string }[] {
  return [
    { tool: "parted", reason: `partition disk ${disk.name}` },
    { tool: "sfdisk", reason: `set partition types and check the partition table of disk ${disk.name}` },
  ];
}
