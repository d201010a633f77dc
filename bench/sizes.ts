// npm run bench -- --sizes: how a build's cost grows with the appliance. Three appliances of rising size, made from
// examples/debian-minimal.ks by adding packages: the example, a server set (about 300 packages) and a large set (about
// 800: a minimal Xfce desktop without X drivers). Each is built cold (its own empty cache) and warm (that cache), and
// its floor (mmdebstrap of the same packages into a tarball) is timed in the same run. Not part of the tests.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BuildPlan } from "../src/plan.js";
import { run } from "../src/run/index.js";
import { floorInstallArgs, measure, mib, type Measured } from "./measure.js";

/** One appliance size: the packages it adds to the example's %packages, and the root file system it needs. */
export interface SizeSpec {
  name: string;
  add: readonly string[];
  rootMiB: number;
}

const SERVER = [
  "nginx", "postgresql", "python3", "python3-venv", "curl", "wget", "rsyslog", "cron", "logrotate", "vim", "less", "bash-completion",
  "ca-certificates", "git", "rsync", "chrony", "lvm2", "nfs-common", "postfix", "apache2-utils", "jq", "tmux", "htop", "strace",
  "tcpdump", "iptables", "nftables", "sqlite3", "unattended-upgrades", "man-db", "openssl", "gnupg", "xfsprogs", "btrfs-progs",
  "smartmontools", "sysstat", "redis-server", "php-fpm",
];
const DESKTOP = [
  "xfce4", "lightdm", "xserver-xorg-core", "xserver-xorg-input-libinput", "firefox-esr", "network-manager-gnome", "pulseaudio",
  "fonts-dejavu", "mousepad", "thunar", "xfce4-terminal", "libreoffice-writer", "libreoffice-calc", "gimp", "evince",
];

/** The three sizes. The package counts come from the builds' manifests: 167, 320 and 767 in the run the README reports. */
export const SIZES: readonly SizeSpec[] = [
  { name: "example", add: [], rootMiB: 1792 },
  { name: "server", add: SERVER, rootMiB: 3072 },
  { name: "desktop", add: [...SERVER, ...DESKTOP], rootMiB: 8192 },
];

/** The example's kickstart with the size's packages added and its root file system made big enough. */
export function sizedKickstart(example: string, size: SizeSpec): string {
  const rootLine = /^part \/ .*$/m;
  if (!rootLine.test(example) || !/^%packages\b.*$/m.test(example)) throw new Error("the example needs a `part /` line and a %packages section");
  return example
    .replace(rootLine, (line) => line.replace(/--size=\d+/, `--size=${size.rootMiB}`))
    .replace(/^%packages\b.*$/m, (line) => [line, ...size.add].join("\n"));
}

/** One size's figures. */
export interface SizeRow {
  name: string;
  packages: number;
  cold: Measured;
  warm: Measured;
  floor: Measured;
  tarBytes: number;
}

interface Summary {
  outputs: { path: string; format: string | null }[];
  treeCache: { status: string };
}

// The table: a row per size, and the slope between the smallest and the largest.
export function sizesTable(rows: readonly SizeRow[]): string[] {
  const cells = (c: (string | number)[]) => c.map((x, i) => (i === 0 ? String(x).padEnd(9) : String(x).padStart(10))).join(" ");
  const lines = [cells(["size", "packages", "cold s", "warm s", "floor s", "cold/floor", "tarball", "load"])];
  for (const r of rows) {
    lines.push(cells([r.name, r.packages, r.cold.wallSeconds.toFixed(1), r.warm.wallSeconds.toFixed(1), r.floor.wallSeconds.toFixed(1), (r.cold.wallSeconds / r.floor.wallSeconds).toFixed(2), mib(r.tarBytes), `${r.cold.loadBefore}->${r.floor.loadAfter}`]));
  }
  const [a, b] = [rows[0], rows.at(-1)];
  if (a && b && b.packages > a.packages) {
    const per = (f: (r: SizeRow) => number) => (((f(b) - f(a)) / (b.packages - a.packages)) * 100).toFixed(1);
    lines.push(`slope per 100 packages: cold ${per((r) => r.cold.wallSeconds)} s, warm ${per((r) => r.warm.wallSeconds)} s, floor ${per((r) => r.floor.wallSeconds)} s`);
  }
  return lines;
}

// Build every size cold, warm and its floor in WORK; each size has its own cache, so its cold build starts empty.
export async function benchSizes(cli: string[], examplePath: string, work: string, log: (line: string) => void): Promise<SizeRow[]> {
  const example = readFileSync(examplePath, "utf8");
  const rows: SizeRow[] = [];
  for (const size of SIZES) {
    const ks = path.join(work, `size-${size.name}.ks`);
    writeFileSync(ks, sizedKickstart(example, size));
    const plan = JSON.parse((await run([...cli, "plan", "--json", ks])).stdout) as BuildPlan;
    const cache = path.join(work, `size-${size.name}-cache`);
    const build = (label: string) =>
      measure(`${size.name} ${label}`, [...cli, "build", ks, "--outdir", path.join(work, `size-${size.name}-${label}`), "-f", "qcow2", "--cache", cache, "--tmpdir", work, "--json", "-q"], {
        timeoutMs: 90 * 60_000,
      });
    const cold = await build("cold");
    const warm = await build("warm");
    if ((JSON.parse(warm.stdout) as Summary).treeCache.status !== "hit") throw new Error(`the ${size.name} warm build missed the tree cache`);
    const manifest = (JSON.parse(cold.stdout) as Summary).outputs.find((o) => o.path.endsWith(".packages.json"))!;
    const packages = (JSON.parse(readFileSync(manifest.path, "utf8")) as { packages: unknown[] }).packages.length;
    const tar = path.join(work, `size-${size.name}-floor.tar`);
    const floor = await measure(`${size.name} floor`, await floorInstallArgs(plan, tar), { env: { TMPDIR: work }, timeoutMs: 90 * 60_000 });
    const row = { name: size.name, packages, cold, warm, floor, tarBytes: statSync(tar).size };
    log(`${size.name}: ${packages} packages, cold ${cold.wallSeconds.toFixed(1)} s, warm ${warm.wallSeconds.toFixed(1)} s, floor ${floor.wallSeconds.toFixed(1)} s`);
    rows.push(row);
    // Each size's outputs and tarball go before the next one starts: the desktop alone needs several GiB.
    await run(["rm", "-rf", "--one-file-system", "--", tar, path.join(work, `size-${size.name}-cold`), path.join(work, `size-${size.name}-warm`), cache]);
  }
  return rows;
}
