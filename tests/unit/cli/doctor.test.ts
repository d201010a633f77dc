// ksimage doctor: reports each tool with its packages, and fails when a required one is missing.
import { afterEach, describe, expect, it } from "vitest";
import { ALL_TOOLS, doctor } from "../../../src/cli/doctor.js";

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

async function report(): Promise<{ code: number; text: string }> {
  let text = "";
  const code = await doctor(undefined, (s) => (text += s));
  return { code, text };
}

describe("ksimage doctor", () => {
  it("lists every tool a build may run, and the host checks", async () => {
    const { text } = await report();
    for (const t of ALL_TOOLS) expect(text).toContain(t.tool);
    for (const name of ["root", "loop devices", "device-mapper", "KVM"]) expect(text).toMatch(new RegExp(`\\s${name}\\s`));
  });

  it("with an empty PATH, names each missing tool with its Debian and Fedora package and exits 1", async () => {
    process.env.PATH = "/nonexistent-ksimage-path";
    const { code, text } = await report();
    expect(code).toBe(1);
    expect(text).toMatch(/MISSING parted\s+write partition tables — install Debian: parted, Fedora: parted/);
    expect(text).toMatch(/MISSING mkfs\.ext4 .*Debian: e2fsprogs/);
    expect(text).toContain("something a build needs is missing");
  });
});
