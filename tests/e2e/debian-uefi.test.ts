// End to end: `ksimage build examples/debian-uefi.ks -f qcow2` makes one hybrid GPT disk, and `ksimage boot` reaches the
// login prompt on its serial console both under OVMF (--uefi) and under SeaBIOS (TCG here; KVM where a real module is loaded).
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planFromFile } from "../../src/cli/plan.js";
import { imageInfo } from "../../src/output/qemu-img.js";
import { run } from "../../src/run/index.js";
import { useSandbox } from "../helpers/build-sandbox.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(repo, "examples/debian-uefi.ks");
const cli = ["node", "--import", "tsx", path.join(repo, "src/cli.ts")];
/** Per boot: TCG on a busy shared 2-core host can take 2x the quiet 30 s (HOST-NOTES §4). */
const BOOT_TIMEOUT = "300";

// Boot IMAGE with `ksimage boot` (UEFI or BIOS) and return the exit code, the seconds to the prompt and the accelerator used.
async function boot(image: string, uefi: boolean): Promise<{ exitCode: number; seconds: number; report: string }> {
  const lines: string[] = [];
  const started = Date.now();
  const r = await run([...cli, "boot", image, ...(uefi ? ["--uefi"] : []), "--timeout", BOOT_TIMEOUT], {
    cwd: repo,
    timeoutMs: 400_000,
    allowExitCodes: [1],
    onStderrLine: (l) => {
      lines.push(l);
      console.log(l);
    },
  });
  return { exitCode: r.exitCode, seconds: (Date.now() - started) / 1000, report: lines.join("\n") };
}

describe("examples/debian-uefi.ks (GPT: biosboot + ESP)", () => {
  const sandbox = useSandbox();

  it("builds one qcow2 that boots to login under UEFI (OVMF) and under BIOS (SeaBIOS)", async () => {
    const sb = sandbox();
    const started = Date.now();
    const build = await run([...cli, "build", example, "--outdir", sb.outdir, "-f", "qcow2", "--json", "--tmpdir", sb.dir], {
      cwd: repo,
      timeoutMs: 20 * 60_000,
      onStderrLine: (l) => console.log(l),
    });
    const buildSeconds = (Date.now() - started) / 1000;
    const dir = path.join(sb.outdir, "debian-uefi");
    const qcow2 = path.join(dir, "debian-uefi-sda.qcow2");
    const summary = JSON.parse(build.stdout) as { outputs: { path: string; format: string | null }[] };
    expect(summary.outputs.filter((o) => o.format !== null).map((o) => o.path)).toEqual([qcow2]);
    // -f qcow2 alone: the raw disk was only an intermediate, and the work directory is gone.
    expect(existsSync(path.join(dir, "debian-uefi-sda.raw"))).toBe(false);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);
    await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });

    // The qcow2 holds the whole planned GPT disk, with a boot loader for both firmwares.
    const plan = await planFromFile(example, {});
    expect({ label: plan.layout.disks[0]!.label, firmware: plan.bootloader.firmware }).toEqual({ label: "gpt", firmware: "hybrid" });
    expect(await imageInfo(qcow2, "qcow2")).toMatchObject({ format: "qcow2", virtualSize: plan.layout.disks[0]!.sizeBytes });

    const uefi = await boot(qcow2, true);
    const bios = await boot(qcow2, false);
    // ksimage boot's own figure runs from QEMU's start to the prompt; the wall time adds the CLI's start and QEMU's stop.
    const prompt = (b: { report: string; seconds: number }) => `${/"login:" appeared after ([\d.]+) s/.exec(b.report)?.[1] ?? "?"} s (${b.seconds.toFixed(1)} s wall)`;
    const accel = /"login:" appeared after [\d.]+ s \((?:UEFI|BIOS), (\w+)\)/.exec(uefi.report)?.[1] ?? "?";
    const load = (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
    console.log(`debian-uefi: build ${buildSeconds.toFixed(1)} s; boot to login: UEFI ${prompt(uefi)}, BIOS ${prompt(bios)} (${accel}, load ${load})`);
    expect({ uefi: uefi.exitCode, bios: bios.exitCode }).toEqual({ uefi: 0, bios: 0 });
    expect(uefi.report).toMatch(/"login:" appeared after [\d.]+ s \(UEFI, /);
    expect(bios.report).toMatch(/"login:" appeared after [\d.]+ s \(BIOS, /);
  });
});
