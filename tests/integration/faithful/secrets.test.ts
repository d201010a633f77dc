// Secrets never leave: a real build from a kickstart with every secret-bearing option the build accepts, and the
// plan, inspect and validate output of one with every option it refuses; no output, log or message holds a secret.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/run/index.js";
import { loopsUnder } from "../../helpers/build-sandbox.js";
import { TEST_ROOT, writeTestRootTarball } from "../../helpers/root-tarball.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync("/var/tmp/ksimage-it-secrets-");
afterAll(() => run(["rm", "-rf", "--one-file-system", dir]).then(() => undefined));

async function ksimage(args: string[]) {
  return run(["node", "--import", "tsx", path.join(repo, "src/cli.ts"), ...args], { cwd: repo, allowExitCodes: [1, 2] });
}

// Applied or warned: the build runs with these.
const BUILT = {
  root: "Root-Secret-1a",
  alice: "Alice-Secret-2b",
  bobHash: "$6$saltsalt$BobHashSecret3cBobHashSecret3c",
  grub: "Grub-Secret-4d",
  sshpw: "Sshpw-Secret-5e",
  iscsi: "Iscsi-Secret-6f",
  iscsiReverse: "IscsiRev-Secret-7g",
  rdp: "Rdp-Secret-8h",
  opal: "Opal-Secret-9i",
};
// Refused: plan stops with a message, validate and inspect still read them.
const REFUSED = {
  luks: "Luks-Secret-10j",
  wpa: "Wpa-Secret-11k",
  wep: "Wep-Secret-12l",
  otp: "Otp-Secret-13m",
  rhsm: "Rhsm-Secret-14n",
  autopart: "Autopart-Secret-15o",
  proxy: "Proxy-Secret-16p",
};

function expectNoSecret(where: string, text: string, secrets: Record<string, string>): void {
  for (const [name, s] of Object.entries(secrets)) expect(text.includes(s), `${name} in ${where}`).toBe(false);
}

describe("secrets never leave", () => {
  it("a build: plan, plan --json, inspect, validate, build --json, its progress, its log and the image files", { timeout: 600_000 }, async () => {
    const tarball = path.join(dir, "root.tar");
    // The test root plus the account files rootpw and user need (the host's shadow-utils edit them with --root).
    writeTestRootTarball(tarball, [
      ...TEST_ROOT,
      { path: "etc/passwd", type: "file", mode: 0o644, content: "root:x:0:0:root:/root:/bin/sh\n" },
      { path: "etc/shadow", type: "file", mode: 0o600, content: "root:*:19000:0:99999:7:::\n" },
      { path: "etc/group", type: "file", mode: 0o644, content: "root:x:0:\n" },
      { path: "etc/gshadow", type: "file", mode: 0o600, content: "root:*::\n" },
    ]);
    const ks = path.join(dir, "secrets.ks");
    writeFileSync(
      ks,
      [
        `liveimg --url=file://${tarball}`,
        `part / --fstype=ext4 --size=96 --hw-passphrase=${BUILT.opal}`,
        `bootloader --location=none --password=${BUILT.grub}`,
        `rootpw --plaintext ${BUILT.root}`,
        `user --name=alice --plaintext --password=${BUILT.alice}`,
        `user --name=bob --iscrypted --password=${BUILT.bobHash}`,
        `sshpw --username=installer ${BUILT.sshpw}`,
        `iscsi --ipaddr=192.0.2.1 --target=iqn.2026-01.test:t --user=u --password=${BUILT.iscsi} --reverse-user=r --reverse-password=${BUILT.iscsiReverse}`,
        `rdp --username=admin --password=${BUILT.rdp}`,
        "",
      ].join("\n"),
    );
    const out = path.join(dir, "out");
    const log = path.join(dir, "build.log");
    const outputs: [string, string][] = [];
    for (const args of [["plan", ks], ["plan", "--json", ks], ["inspect", ks], ["inspect", "--pretty", ks], ["validate", ks]]) {
      const r = await ksimage(args);
      expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      outputs.push([args.join(" "), r.stdout + r.stderr]);
    }
    // The plan --json once printed the parsed kickstart with every password: it now shows *** in their place.
    expect(outputs[1]![1]).toContain('"password": "***"');

    const build = await ksimage(["build", ks, "-o", out, "--tmpdir", dir, "--json", "--logfile", log]);
    expect(build.exitCode, build.stderr).toBe(0);
    outputs.push(["build", build.stdout + build.stderr]);
    outputs.push(["log", readFileSync(log, "utf8")]);
    // The warned secret-bearing options were said, without their values.
    expect(build.stderr).toMatch(/sshpw: sshpw sets the installer's SSH login/);
    for (const [where, text] of outputs) expectNoSecret(where, text, BUILT);
    // Nothing of the build left behind but its outputs, and none of them holds a plain secret either.
    expect(await loopsUnder(dir)).toEqual([]);
    for (const f of readdirSync(path.join(out, "secrets"))) {
      if (f.endsWith(".raw.xz")) continue;
      expectNoSecret(f, readFileSync(path.join(out, "secrets", f), "utf8"), BUILT);
    }
    // The raw disk is published xz-compressed: grep the decompressed bytes.
    const packed = path.join(out, "secrets", "secrets-sda.raw.xz");
    await run(["xz", "-dk", packed]);
    const raw = readFileSync(packed.replace(/\.xz$/, ""));
    for (const [name, s] of Object.entries(BUILT)) {
      // The image holds hashes: no plain password may be in it (the iscrypted hash is in /etc/shadow, as asked).
      if (name !== "bobHash") expect(raw.includes(Buffer.from(s)), `${name} in the image`).toBe(false);
    }
  });

  it("refused secret-bearing options: the refusal, plan --json, inspect and validate hold no secret", { timeout: 120_000 }, async () => {
    const ks = path.join(dir, "refused.ks");
    const lines = [
      "part / --size=96",
      `part /home --size=64 --encrypted --passphrase=${REFUSED.luks}`,
      `network --device=wlan0 --bootproto=dhcp --essid=net --wpakey=${REFUSED.wpa}`,
      `network --device=wlan1 --bootproto=dhcp --essid=net --wepkey=${REFUSED.wep}`,
      `realm join --one-time-password=${REFUSED.otp} ad.example.com`,
      `rhsm --organization=org --activation-key=${REFUSED.rhsm}`,
      `repo --name=x --baseurl=http://mirror.test/ --proxy=http://user:${REFUSED.proxy}@proxy.test:3128`,
    ];
    writeFileSync(ks, lines.join("\n") + "\n");
    const auto = path.join(dir, "autopart.ks");
    writeFileSync(auto, `autopart --type=plain --encrypted --passphrase=${REFUSED.autopart}\n`);
    for (const file of [ks, auto]) {
      const plan = await ksimage(["plan", file]);
      expect(plan.exitCode).toBe(1);
      expect(plan.stderr).toMatch(/:\d+: (auto)?part --encrypted: LUKS/);
      const json = await ksimage(["plan", "--json", file]);
      expect(json.exitCode).toBe(1);
      const build = await ksimage(["build", file, "-o", path.join(dir, "out2"), "--tmpdir", dir]);
      expect(build.exitCode).toBe(1);
      expect(existsSync(path.join(dir, "out2"))).toBe(false);
      const texts = [plan, json, build, await ksimage(["inspect", file]), await ksimage(["inspect", "--pretty", file]), await ksimage(["validate", file])];
      texts.forEach((r, i) => expectNoSecret(`${path.basename(file)} output #${i}`, r.stdout + r.stderr, REFUSED));
    }
  });
});
