// A build that fails half-way (a corrupt tarball, with everything mounted) unwinds completely and publishes nothing.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAppliance } from "../../../src/build.js";
import { ToolError } from "../../../src/errors.js";
import { planKickstart, useSandbox } from "../../helpers/build-sandbox.js";

const ks = (tarball: string) => `liveimg --url=file://${tarball}\npart /boot --fstype=ext4 --size=32\npart / --fstype=ext4 --size=64\n`;

describe("ksimage build: failure half-way", () => {
  const sandbox = useSandbox();

  it("tar fails with / and /boot mounted: the ToolError comes out, no output or .partial is left, the work directory is gone", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeFileSync(tarball, "this is not a tar archive\n".repeat(100));
    const plan = await planKickstart(sb, "broken", ks(tarball));
    const lines: string[] = [];

    const error = await buildAppliance(plan, { tmpdir: sb.dir, handleSignals: false, log: (l) => lines.push(l) }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).argv[0]).toBe("tar");
    expect(lines.at(-2)).toMatch(/^\[\d+\/\d+\] install /);
    expect(lines.at(-1)).toMatch(/^failed at step \d+\/\d+ \(install\)$/);
    expect(readdirSync(path.join(sb.outdir, "broken"))).toEqual([]);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);
  });

  it("--keep-workdir keeps the work directory (unmounted, loops detached) and says where it is", async () => {
    const sb = sandbox();
    const tarball = path.join(sb.dir, "root.tar");
    writeFileSync(tarball, "garbage");
    const plan = await planKickstart(sb, "kept", ks(tarball));
    const lines: string[] = [];

    await expect(buildAppliance(plan, { tmpdir: sb.dir, keepWorkdir: true, handleSignals: false, log: (l) => lines.push(l) })).rejects.toThrow(ToolError);

    const kept = readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"));
    expect(kept).toHaveLength(1);
    expect(lines).toContain(`work directory kept: ${path.join(sb.dir, kept[0]!)}`);
    expect(existsSync(path.join(sb.dir, kept[0]!, "root"))).toBe(true);
    expect(existsSync(path.join(sb.outdir, "kept", "kept-sda.raw.partial"))).toBe(false);
  });
});
