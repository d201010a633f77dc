// The appliance-creator-compatible command line: its 19 options, default name, output layout and exit codes.
import { Command, Option } from "commander";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../errors.js";
import { FORMAT_NAMES, PACKAGE_KINDS } from "../output/index.js";
import type { BuildCliOptions } from "./build.js";
import { runDropIn } from "./drop-in.js";

interface AcOptions {
  config: string;
  name?: string;
  version?: string;
  release?: string;
  vmem?: string;
  vcpu?: string;
  checksum?: boolean;
  format: string;
  compress: boolean;
  package: string;
  include?: string[];
  outdir: string;
  tmpdir: string;
  cache?: string;
  debug?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  logfile?: string;
}

/** appliance-creator's default name: the kickstart's base name and the build time, <name>-YYYYMMDDHHMM. */
export function defaultApplianceName(config: string, now = new Date()): string {
  const base = path.basename(config).replace(/\.ks$/, "");
  const p = (n: number) => String(n).padStart(2, "0");
  return `${base}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}`;
}

// -c may name a URL, as in appliance-creator: fetch it into a private file.
async function localConfig(config: string): Promise<string> {
  if (config.startsWith("file://")) return decodeURIComponent(config.slice(7));
  if (!/^https?:\/\//.test(config)) return config;
  const res = await fetch(config);
  if (!res.ok) throw new UsageError(`cannot fetch the kickstart ${config}: HTTP ${res.status}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-ks-"));
  const file = path.join(dir, path.basename(new URL(config).pathname) || "ks.cfg");
  writeFileSync(file, await res.text());
  return file;
}

function program(): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  return new Command("appliance-creator")
    .description("Build an appliance from a kickstart file (ksimage's appliance-creator-compatible command line)")
    .requiredOption("-c, --config <ks>", "path or URL of the kickstart")
    .option("-n, --name <name>", "name of the appliance (default: <kickstart base name>-YYYYMMDDHHMM)")
    .option("--version <version>", "appliance version (virt-image XML); also $releasever")
    .option("--release <release>", "appliance release (virt-image XML)")
    .option("--vmem <MiB>", "memory in MiB for the descriptors", "512")
    .option("--vcpu <n>", "virtual CPUs for the descriptors", "1")
    .option("--checksum", "sha256 checksums in the virt-image XML")
    .addOption(new Option("-f, --format <format>", "disk format").choices(FORMAT_NAMES.filter((f) => f !== "ova")).default("raw"))
    .option("--no-compress", "do not compress the disk images")
    .addOption(new Option("-p, --package <type>", "package the outputs").choices([...PACKAGE_KINDS]).default("none"))
    .option("-i, --include <path>", "file or directory copied into the outputs (repeatable)", collect)
    .option("-o, --outdir <dir>", "output directory", ".")
    .option("-t, --tmpdir <dir>", "temporary directory", "/var/tmp")
    .option("--cache <dir>", "package cache directory")
    .option("-d, --debug", "debug output (stack traces on errors)")
    .option("-v, --verbose", "verbose output")
    .option("-q, --quiet", "no progress output")
    .option("--logfile <file>", "log file")
    .addHelpText(
      "after",
      "\nOutputs: <outdir>/<name>/<name>-sda.<ext> (one per disk), <name>.xml (virt-image), SHA256SUMS. Needs root.\n" +
        "Exit status: 0 done, 1 the build failed, 2 a usage error.\n" +
        "\nExamples (as root; from another account, through sudo):\n" +
        "  appliance-creator -c examples/appliance-creator-style.ks -n app -f qcow2 -o out --checksum\n" +
        "  appliance-creator -c https://example.org/appliance.ks -f raw -p tar.xz -o out",
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Map appliance-creator's options onto `ksimage build`; raw stays uncompressed, as appliance-creator writes it. */
export function toBuildOptions(o: AcOptions): BuildCliOptions {
  for (const [flag, value] of [["--vmem", o.vmem], ["--vcpu", o.vcpu]] as const) {
    if (value !== undefined && !/^[1-9]\d*$/.test(value)) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  }
  return {
    name: o.name ?? defaultApplianceName(o.config),
    outdir: o.outdir,
    format: [o.format],
    compress: o.format === "raw" || !o.compress ? "none" : undefined,
    vcpu: o.vcpu,
    vmem: o.vmem,
    checksum: o.checksum === true,
    ...(o.version ? { version: o.version, releasever: o.version } : {}),
    ...(o.release ? { release: o.release } : {}),
    package: o.package,
    include: o.include ?? [],
    tmpdir: o.tmpdir,
    ...(o.cache ? { cache: o.cache } : {}),
    ...(o.logfile ? { logfile: o.logfile } : {}),
    quiet: o.quiet === true,
  };
}

/** Run appliance-creator's command line; returns the exit code (0 done, 1 failed, 2 usage). */
export async function applianceCreatorMain(argv: string[]): Promise<number> {
  // The options are checked before the kickstart is fetched: a usage error never downloads anything.
  return runDropIn<AcOptions>(program(), argv, async (o) => {
    const opts = toBuildOptions(o);
    return { config: await localConfig(o.config), opts };
  });
}
