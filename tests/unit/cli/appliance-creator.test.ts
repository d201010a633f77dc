// The appliance-creator command line: every invalid option value exits 2 (usage) with a message saying what was wrong.
import { describe, expect, it } from "vitest";
import { applianceCreatorMain } from "../../../src/cli/appliance-creator.js";

// Run applianceCreatorMain with stderr captured.
async function acMain(argv: string[]): Promise<{ code: number; stderr: string }> {
  const saved = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await applianceCreatorMain(argv), stderr };
  } finally {
    process.stderr.write = saved;
  }
}

// Every case is refused before a kickstart is read or anything is built (x.ks does not exist: reaching it would exit 1).
const invalid: [string, string[], RegExp][] = [
  ["--vmem that is no number", ["-c", "x.ks", "--vmem", "lots"], /^ksimage: --vmem must be a positive whole number, got "lots"\n$/],
  ["--vmem 0", ["-c", "x.ks", "--vmem", "0"], /--vmem must be a positive whole number, got "0"/],
  ["--vmem with a unit", ["-c", "x.ks", "--vmem", "512M"], /--vmem must be a positive whole number, got "512M"/],
  ["--vcpu 0", ["-c", "x.ks", "--vcpu", "0"], /^ksimage: --vcpu must be a positive whole number, got "0"\n$/],
  ["a fractional --vcpu", ["-c", "x.ks", "--vcpu", "1.5"], /--vcpu must be a positive whole number, got "1\.5"/],
  ["a negative --vcpu", ["-c", "x.ks", "--vcpu", "-2"], /--vcpu must be a positive whole number, got "-2"/],
  ["an unknown -f", ["-c", "x.ks", "-f", "qcow3"], /argument 'qcow3' is invalid\. Allowed choices are raw, qcow2, vmdk, vdi, vhdx, vpc\./],
  ["-f ova (not an appliance-creator format)", ["-c", "x.ks", "-f", "ova"], /argument 'ova' is invalid/],
  ["an unknown -p", ["-c", "x.ks", "-p", "rar"], /argument 'rar' is invalid\. Allowed choices are none, tar, tar\.gz, tar\.bz2, tar\.xz, zip\./],
  ["a missing -c", [], /required option '-c, --config <ks>' not specified/],
  ["-c without its value", ["-c"], /option '-c, --config <ks>' argument missing/],
  ["an unknown option", ["-c", "x.ks", "--frobnicate"], /unknown option '--frobnicate'/],
];

describe("appliance-creator: invalid option values", () => {
  it.each(invalid)("%s: exit 2 with a message", async (_, argv, message) => {
    const r = await acMain(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("a valid command line gets past option checking: a missing kickstart is a build failure (exit 1), not usage", async () => {
    const r = await acMain(["-c", "/nonexistent/x.ks", "-n", "app", "-f", "qcow2", "--vmem", "1024", "--vcpu", "2", "-p", "tar.xz", "-o", "/nonexistent/out"]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/must be a positive|is invalid|not specified/);
  });
});
