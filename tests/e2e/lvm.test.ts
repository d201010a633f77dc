// End to end, without device-mapper: examples/debian-lvm.ks (/boot + root/swap//var LVs) boots to login with BIOS and UEFI;
// the variant with /boot inside the VG (on the root LV) boots with both too; an autopart --type=plain appliance boots.
// One tree cache for all three builds.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/run/index.js";
import { useSandbox, type Sandbox } from "../helpers/build-sandbox.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = readFileSync(path.join(repo, "examples/debian-lvm.ks"), "utf8");
const cli = ["node", "--import", "tsx", path.join(repo, "src/cli.ts")];
const cache = mkdtempSync("/var/tmp/ksimage-e2e-lvm-cache-");
afterAll(() => run(["rm", "-rf", "--one-file-system", "--", cache]).then(() => undefined));

// The host's lvm sees every VG on an attached loop device: each build gets a VG name no other build uses.
const uniqueVg = (text: string) => text.replace(/debianlvm/g, `ksimagee2e${randomBytes(3).toString("hex")}`);

/** `ksimage build` of TEXT (written as NAME.ks) into the sandbox, qcow2 only, with the shared cache. */
async function build(sb: Sandbox, name: string, text: string, extra: string[] = []): Promise<{ qcow2: string; seconds: number; stderr: string }> {
  const ks = path.join(sb.dir, `${name}.ks`);
  await writeFile(ks, text);
  const started = Date.now();
  const argv = [...cli, "build", ks, "--outdir", sb.outdir, "-f", "qcow2", "--no-compress", "--tmpdir", sb.dir, "--cache", cache, ...extra];
  const r = await run(argv, { cwd: repo, timeoutMs: 25 * 60_000, onStderrLine: (l) => console.log(l) });
  return { qcow2: path.join(sb.outdir, name, `${name}-sda.qcow2`), seconds: (Date.now() - started) / 1000, stderr: r.stderr };
}

/** `ksimage boot` to the login prompt: the seconds it took. */
async function boot(qcow2: string, uefi: boolean): Promise<number> {
  const started = Date.now();
  const r = await run([...cli, "boot", qcow2, "--timeout", "300", "--attempts", "2", ...(uefi ? ["--uefi"] : [])], { cwd: repo, timeoutMs: 700_000, onStderrLine: (l) => console.log(l) });
  expect(r.exitCode).toBe(0);
  return (Date.now() - started) / 1000;
}

describe("LVM and autopart appliances boot", () => {
  const sandbox = useSandbox();

  it("examples/debian-lvm.ks: built without device-mapper, boots to login with BIOS and with UEFI", async () => {
    const sb = sandbox();
    const b = await build(sb, "debian-lvm", uniqueVg(example));
    const bios = await boot(b.qcow2, false);
    const uefi = await boot(b.qcow2, true);
    console.log(`debian-lvm: build ${b.seconds.toFixed(1)} s; login BIOS ${bios.toFixed(1)} s, UEFI ${uefi.toFixed(1)} s`);
  }, 45 * 60_000);

  it("the variant with /boot inside the VG (no /boot partition: /boot is on the root LV) boots to login with BIOS and with UEFI (GRUB's lvm module)", async () => {
    const sb = sandbox();
    const text = uniqueVg(example).replace(/^part \/boot --fstype=ext4.*\n/m, "");
    expect(text).not.toMatch(/^part \/boot /m);
    const b = await build(sb, "debian-lvm-boot-in-vg", text);
    expect(b.stderr).toMatch(/\/boot \(on the root filesystem\) is in logical volume ksimagee2e[0-9a-f]{6}\/root: GRUB's core image gets lvm/);
    const bios = await boot(b.qcow2, false);
    const uefi = await boot(b.qcow2, true);
    console.log(`debian-lvm, /boot in the VG: build ${b.seconds.toFixed(1)} s; login BIOS ${bios.toFixed(1)} s, UEFI ${uefi.toFixed(1)} s`);
  }, 45 * 60_000);

  it("autopart --type=plain (issue 11): biosboot, ESP, /boot, / and swap as Anaconda lays them out; boots to login", async () => {
    const sb = sandbox();
    const text = example.replace(/^(part|volgroup|logvol) .*\n/gm, "").replace(/^clearpart .*$/m, "clearpart --all --initlabel\nautopart --type=plain --nohome");
    expect(text).toMatch(/^autopart --type=plain --nohome$/m);
    const b = await build(sb, "debian-autopart", text, ["--disk-size", "sda=4G"]);
    const bios = await boot(b.qcow2, false);
    console.log(`debian-autopart: build ${b.seconds.toFixed(1)} s; login BIOS ${bios.toFixed(1)} s`);
  }, 45 * 60_000);
});
