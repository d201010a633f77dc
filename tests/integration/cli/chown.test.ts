// Outputs are owner-only (0700 directories, 0600 files), and `--chown USER[:GROUP]` gives them to a user: real builds
// of a small liveimg appliance through the CLI, read back with lstat. An unknown user is a usage error before any build.
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/run/index.js";
import { loopsUnder } from "../../helpers/build-sandbox.js";
import { writeTestRootTarball } from "../../helpers/root-tarball.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync("/var/tmp/ksimage-it-chown-");
// The user the outputs go to must reach the output directory, as it would its own.
chmodSync(dir, 0o755);
afterAll(() => run(["rm", "-rf", "--one-file-system", dir]).then(() => undefined));

async function ksimage(args: string[]) {
  return run(["node", "--import", "tsx", path.join(repo, "src/cli.ts"), ...args], { cwd: repo, allowExitCodes: [1, 2] });
}

// Every path below DIR (DIR included) with its mode, uid and gid.
function modes(top: string): { path: string; mode: string; uid: number; gid: number }[] {
  const out: { path: string; mode: string; uid: number; gid: number }[] = [];
  const visit = (p: string): void => {
    const st = lstatSync(p);
    out.push({ path: path.relative(top, p) || ".", mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid });
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(path.join(p, e));
  };
  visit(top);
  return out;
}

async function passwd(user: string): Promise<{ uid: number; gid: number }> {
  const f = (await run(["getent", "passwd", user])).stdout.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

describe("outputs are owner-only; --chown hands them over", () => {
  const tarball = path.join(dir, "root.tar");
  const ks = path.join(dir, "small.ks");
  writeTestRootTarball(tarball);
  writeFileSync(ks, `liveimg --url=file://${tarball}\nbootloader --location=none\npart / --fstype=ext4 --size=64\n`);

  it("without --chown: the appliance directory is 0700, every file in it 0600, all root's", { timeout: 300_000 }, async () => {
    const out = path.join(dir, "plain");
    const r = await ksimage(["build", ks, "-o", out, "--tmpdir", dir, "-f", "raw", "-f", "qcow2", "-q"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const seen = modes(path.join(out, "small"));
    // The disks, the descriptors, SHA256SUMS, the manifest and the log: more than a handful of files.
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.filter((e) => e.mode !== (e.path === "." ? "700" : "600") || e.uid !== 0)).toEqual([]);
    // The output directory above it is the user's to choose: it is made with the usual mode.
    expect((lstatSync(out).mode & 0o777).toString(8)).toBe("755");
  });

  it("--chown nobody:nogroup: every output belongs to nobody and nogroup, still owner-only", { timeout: 300_000 }, async () => {
    const out = path.join(dir, "chowned");
    const nobody = await passwd("nobody");
    const nogroup = Number((await run(["getent", "group", "nogroup"])).stdout.split(":")[2]);
    const r = await ksimage(["build", ks, "-o", out, "--tmpdir", dir, "-f", "raw", "-f", "vmdk", "--chown", "nobody:nogroup", "-q"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const seen = modes(path.join(out, "small"));
    expect(seen.map((e) => e.path)).toContain("small-sda.vmdk");
    expect(seen.filter((e) => e.uid !== nobody.uid || e.gid !== nogroup || e.mode !== (e.path === "." ? "700" : "600"))).toEqual([]);
    // nobody can read its image, as a CI job's upload step would.
    const read = await run(["setpriv", `--reuid=${nobody.uid}`, `--regid=${nogroup}`, "--clear-groups", "head", "-c", "4", path.join(out, "small", "small-sda.vmdk")]);
    expect(read.stdout).toBe("KDMV");
  });

  it("--chown USER alone gives the user's own primary group", { timeout: 300_000 }, async () => {
    const out = path.join(dir, "user-only");
    const nobody = await passwd("nobody");
    const r = await ksimage(["build", ks, "-o", out, "--tmpdir", dir, "-f", "raw", "--no-compress", "--chown", "nobody", "-q"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const raw = lstatSync(path.join(out, "small", "small-sda.raw"));
    expect({ uid: raw.uid, gid: raw.gid, mode: (raw.mode & 0o7777).toString(8) }).toEqual({ uid: nobody.uid, gid: nobody.gid, mode: "600" });
  });

  it.each([
    ["no-such-user-ksimage", /--chown no-such-user-ksimage: there is no user no-such-user-ksimage on this host/],
    ["nobody:no-such-group-ksimage", /--chown nobody:no-such-group-ksimage: there is no group no-such-group-ksimage on this host/],
    ["a:b:c", /--chown a:b:c: expected USER or USER:GROUP/],
  ])("--chown %s is a usage error (exit 2) before anything is made", { timeout: 120_000 }, async (spec, message) => {
    const out = path.join(dir, `bad-${spec.replace(/\W/g, "_")}`);
    const r = await ksimage(["build", ks, "-o", out, "--tmpdir", dir, "--chown", spec]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(await loopsUnder(dir)).toEqual([]);
  });
});
