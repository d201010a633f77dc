// `ksimage plan KS`: print the build plan (disks, partitions in sectors, filesystems, fstab) without root.
import { statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { buildAppliance } from "../build.js";
import { parseKickstart } from "../kickstart/parser.js";
import { recordCommands, redact } from "../run/index.js";
import { describeBootloader } from "../installer/bootloader/plan.js";
import { describePackageSource } from "../installer/packages.js";
import { shortKey } from "../installer/tree-cache/index.js";
import { planAppliance, type BuildPlan, type PlanOptions } from "../plan.js";
import { SECTOR } from "../partition/types.js";
import { redactKickstart } from "../faithful/secrets.js";
import { describeLive } from "../live/plan.js";
import { liveOptions, type LiveCliOptions } from "./live-options.js";
import { sourceDateEpoch } from "../repro/epoch.js";
import { checkArchive, type ArchiveCheck } from "../repro/sources.js";
import { collect, parseDiskLabels, parseDiskSizes, treeCacheChoice } from "./options.js";

export interface PlanCliOptions {
  name?: string;
  outdir?: string;
  diskSize?: string[];
  disklabel?: string[];
  lenient?: boolean;
  /** --source-date-epoch N (else SOURCE_DATE_EPOCH): a reproducible build. */
  sourceDateEpoch?: string;
  /** --gpgkey FILE (repeatable): check the signatures of the kickstart's repositories with these keys. */
  gpgkey?: string[];
}

/** The dnf key URLs of --gpgkey files; a file that is not there is a usage error. */
export function gpgKeyUrls(files: readonly string[] | undefined): string[] {
  return (files ?? []).map((f) => {
    const abs = path.resolve(f);
    let ok = false;
    try {
      ok = statSync(abs).isFile();
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--gpgkey ${f}: no such file`);
    return `file://${abs}`;
  });
}

/** Parse the kickstart and plan the build; throws KickstartError/PlanError for bad input. */
export async function planFromFile(file: string, opts: PlanCliOptions, extra: Pick<PlanOptions, "output" | "sources" | "firmware" | "treeCache" | "imageCache" | "live"> = {}): Promise<BuildPlan> {
  checkOutdir(opts.outdir);
  const r = parseKickstart(file, { lenient: opts.lenient ?? false });
  if (r.error || !r.ks) throw r.error ?? new Error("parse failed");
  for (const d of r.diagnostics) if (d.severity === "warning") process.stderr.write(`${d.file}:${d.line}: warning: ${d.message}\n`);
  const epoch = sourceDateEpoch(opts.sourceDateEpoch);
  // The tools the build runs (mmdebstrap, mkinitramfs, mtools, Python) read the same clock from the environment.
  if (epoch !== undefined) process.env.SOURCE_DATE_EPOCH = String(epoch);
  const seed = epoch === undefined ? undefined : String(epoch);
  const gpgKeys = gpgKeyUrls(opts.gpgkey);
  return planAppliance(r.ks, {
    ...extra,
    ...(gpgKeys.length > 0 ? { sources: { ...extra.sources, gpgKeys } } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.outdir ? { outdir: opts.outdir } : {}),
    diskSizes: parseDiskSizes(opts.diskSize),
    diskLabels: parseDiskLabels(opts.disklabel),
    ...(seed ? { seed } : {}),
  });
}

/** -o must name a directory (or a path to make one at): a file there, or on the way there, is a usage error. */
export function checkOutdir(outdir: string | undefined): void {
  if (outdir === undefined) return;
  let p = path.resolve(outdir);
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch {
      const up = path.dirname(p);
      if (up === p) return;
      p = up;
      continue;
    }
    if (st.isDirectory()) return;
    throw new UsageError(p === path.resolve(outdir) ? `-o/--outdir ${outdir} is a file, not a directory` : `-o/--outdir ${outdir}: ${p} is a file, not a directory`);
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 ? 1 : 0)} MiB`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n");
}

/** The LVM part of the plan: each VG's extent size and PVs, each LV's extents on its PV and byte offset. */
function formatVolumeGroups(plan: BuildPlan): string[] {
  const out: string[] = [];
  for (const vg of plan.layout.volumeGroups) {
    const ext = vg.extentBytes;
    out.push("", `volume group ${vg.name}: extent size ${mib(ext)}, ${vg.extents} extents (${mib(vg.extents * ext)}), ${vg.reservedExtents} reserved, ${vg.freeExtents} free`);
    for (const pv of vg.pvs) out.push(`  PV ${pv.ksName}: disk ${pv.disk} partition ${pv.partition} at byte ${pv.offsetBytes}, pe_start ${mib(pv.peStartBytes)}, ${pv.extents} extents`);
    const rows = [["lv", "pv", "first", "extents", "size", "offset", "fs", "label", "mountpoint", "uuid"]];
    for (const lv of vg.lvs) {
      rows.push([
        lv.name,
        lv.segments.map((s) => vg.pvs[s.pv]!.ksName).join("+"),
        lv.segments.map((s) => String(s.firstExtent)).join("+"),
        String(lv.extents),
        mib(lv.sizeBytes),
        lv.offsetBytes === null ? "-" : String(lv.offsetBytes),
        lv.filesystem?.fstype ?? "-",
        lv.filesystem?.label ?? "-",
        lv.mountpoint ?? (lv.role === "swap" ? "swap" : "-"),
        lv.filesystem?.uuid ?? "-",
      ]);
    }
    out.push(table(rows).split("\n").map((l) => `  ${l}`).join("\n"));
  }
  return out;
}

/** The human-readable plan. */
export function formatPlan(plan: BuildPlan): string {
  const out: string[] = [`appliance ${plan.name} from ${plan.kickstart}`];
  if (plan.live) out.push("", ...describeLive(plan.live));
  for (const d of plan.layout.disks) {
    out.push("", `disk ${d.name}: ${d.label}, ${mib(d.sizeBytes)} (${d.sizeSectors} sectors of ${SECTOR} bytes)`);
    const rows = [["#", "kind", "role", "start", "end", "size", "type", "flags", "fs", "label", "mountpoint", "uuid"]];
    for (const p of d.partitions) {
      rows.push([
        String(p.number),
        p.kind,
        p.role,
        String(p.startSector),
        String(p.endSector),
        mib(p.sizeBytes),
        p.typeGuid ?? `0x${p.msdosType}`,
        p.flags.join(",") || "-",
        p.filesystem?.fstype ?? "-",
        p.filesystem?.label ?? "-",
        p.mountpoint ?? (p.role === "swap" ? "swap" : "-"),
        p.filesystem?.uuid ?? "-",
      ]);
    }
    out.push(table(rows));
  }
  out.push(...formatVolumeGroups(plan));
  if (!plan.live) out.push("", "mount order: " + plan.layout.mounts.map((m) => m.mountpoint + (m.options.length ? ` (${m.options.join(",")})` : "")).join(", "));
  if (!plan.live) out.push("", "/etc/fstab:", ...plan.layout.fstab.map((l) => "  " + l));
  const src =
    plan.source.kind === "liveimg" ? `liveimg ${plan.source.path} (${plan.source.format})` : plan.source.kind === "packages" ? "packages" : `none (${plan.source.reason})`;
  out.push("", `installation source: ${src}`);
  if (plan.source.kind === "packages") {
    out.push(...describePackageSource(plan.packages).map((l) => "  " + l));
    const tc = plan.treeCache;
    out.push(`  root-tree cache: ${tc.status}${tc.status === "off" ? "" : ` (key ${shortKey(tc.key)} in ${tc.dir})`}: ${tc.reason}`);
    const ic = plan.imageCache;
    out.push(`  image cache: ${ic.status}${ic.status === "off" ? "" : ` (key ${shortKey(ic.key)})`}: ${ic.reason}`);
  }
  out.push("", "boot loader:", ...describeBootloader(plan.bootloader).map((l) => "  " + l));
  if (!plan.live) out.push("", `outputs: ${plan.output.formats.join(", ")} (compression: ${plan.output.compress}), ${plan.output.vcpu} vCPU, ${plan.output.memoryMiB} MiB`);
  if (plan.layout.needsDeviceMapper) out.push(...plan.layout.deviceMapperReasons.map((r) => `needs device-mapper: ${r}`));
  if (!plan.live) out.push("raw disks:", ...plan.outputs.map((o) => `  ${o.path}`));
  for (const w of plan.layout.warnings) out.push(`warning: ${w}`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  return out.join("\n") + "\n";
}

// "archive since X: unchanged", or the sources whose metadata moved on.
function formatArchiveCheck(a: ArchiveCheck): string {
  if (!a.changed) return `\narchive since ${a.manifest}: unchanged (every repository's metadata is the one the image was installed from)\n`;
  return `\narchive since ${a.manifest}: moved on, a build now installs other package versions than those the manifest lists:\n${a.changes.map((c) => `  ${c}\n`).join("")}`;
}

/** Register the plan command. */
export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("show what a build would do: disks, partitions in sectors, filesystems, mounts, fstab (no root needed)")
    .argument("<kickstart>", "kickstart file")
    .option("-n, --name <name>", "appliance name (default: the kickstart's base name)")
    .option("-o, --outdir <dir>", "output directory", ".")
    .option("--disk-size <disk=size>", "size of a disk, e.g. sda=4G (repeatable; default: the sum of its partitions)", collect)
    .option("--disklabel <disk=label>", "partition table of a disk, gpt or msdos (repeatable)", collect)
    .option("--cache <dir>", "say whether the build would find its installed tree in this cache, and why not")
    .option("--no-cache", "plan a build that uses no cache")
    .option("--no-image-cache", "plan a build that keeps no disks in the cache (the root-tree cache still works)")
    .option("-f, --format <format>", "iso: plan a live ISO (its layout instead of disks)", collect)
    .option("--fslabel <label>", "volume label of the ISO")
    .option("--title <title>", "title of the ISO's boot menu entries")
    .option("--compress <codec>", "the ISO's squashfs codec: zstd (default), xz, gzip, lz4 or none")
    .option("--json", "print the plan as JSON")
    .option("--commands", "also list every command the build would run, in order (a dry run: nothing is touched)")
    .option("--lenient", "accept commands removed from kickstart with a warning")
    .option("--source-date-epoch <seconds>", "plan a reproducible build with this clock (default: $SOURCE_DATE_EPOCH)")
    .option("--gpgkey <file>", "check the signatures of the kickstart's RPM repositories with this key (repeatable)", collect)
    .option("--manifest <file>", "say whether the archive has moved on since the build that wrote this <name>.packages.json (its repositories' metadata revisions)")
    .addHelpText("after", "\nExamples:\n  ksimage plan examples/debian-minimal.ks\n  ksimage plan --commands examples/debian-minimal.ks\n  ksimage plan -f iso examples/debian-live.ks\n  ksimage plan --json --disk-size sda=8G examples/two-disks.ks | jq '.layout.disks[0]'")
    .action(async (file: string, opts: PlanCliOptions & LiveCliOptions & { json?: boolean; commands?: boolean; cache?: string | false; imageCache?: boolean; manifest?: string }) => {
      const live = liveOptions(opts);
      const plan = await planFromFile(file, opts, { treeCache: treeCacheChoice(opts.cache), imageCache: opts.imageCache !== false, ...(live ? { live } : {}) });
      const commands = opts.commands ? (await recordCommands(() => buildAppliance(plan, { handleSignals: false }))).commands.map((c) => c.line) : undefined;
      const archive = opts.manifest !== undefined ? await checkArchive(path.resolve(opts.manifest), plan.packages) : undefined;
      if (opts.json) {
        // The plan carries the parsed kickstart: its secrets are masked, like everywhere else.
        const shown = { ...plan, ks: redactKickstart(plan.ks), ...(commands ? { commands } : {}), ...(archive ? { archive } : {}) };
        process.stdout.write(redact(JSON.stringify(shown, null, 2)) + "\n");
        return;
      }
      process.stdout.write(redact(formatPlan(plan)));
      if (archive) process.stdout.write(redact(formatArchiveCheck(archive)));
      if (commands) process.stdout.write(redact("\ncommands (device names are placeholders until the build attaches them):\n" + commands.map((c) => `  ${c}\n`).join("")));
    });
}

