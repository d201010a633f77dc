// End to end: the appliance-creator drop-in, called as release engineers' scripts call it, writes appliance-creator's
// layout (<outdir>/<name>/<name>-sda.qcow2 and <name>.xml) with --checksum's sha256 of each disk file in the virt-image XML.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { planFromFile } from "../../src/cli/plan.js";
import { imageInfo } from "../../src/output/qemu-img.js";
import { run } from "../../src/run/index.js";
import { useSandbox } from "../helpers/build-sandbox.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(repo, "examples/appliance-creator-style.ks");
const applianceCreator = ["node", "--import", "tsx", path.join(repo, "src/appliance-creator.ts")];

interface VirtImageDisk {
  "@_file": string;
  "@_format": string;
  checksum?: { "@_type": string; "#text": string };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, isArray: (n) => n === "disk" || n === "checksum" });

describe("appliance-creator -c examples/appliance-creator-style.ks -n app -f qcow2 -o OUT --checksum", () => {
  const sandbox = useSandbox();

  it("writes OUT/app/app-sda.qcow2 and OUT/app/app.xml whose sha256 checksum is the qcow2 file's", async () => {
    const sb = sandbox();
    const started = Date.now();
    const r = await run([...applianceCreator, "-c", example, "-n", "app", "-f", "qcow2", "-o", sb.outdir, "--checksum", "-t", sb.dir], {
      cwd: repo,
      timeoutMs: 20 * 60_000,
      onStderrLine: (l) => console.log(l),
    });
    console.log(`appliance-creator: build ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(r.exitCode).toBe(0);

    const dir = path.join(sb.outdir, "app");
    const qcow2 = path.join(dir, "app-sda.qcow2");
    expect(existsSync(qcow2)).toBe(true);
    expect(existsSync(path.join(dir, "app.xml"))).toBe(true);
    // Only the qcow2 was asked for: no raw disk beside it, no .partial, no work directory left in -t.
    expect(readdirSync(dir).filter((f) => /\.raw|\.partial$/.test(f))).toEqual([]);
    expect(readdirSync(sb.dir).filter((f) => f.startsWith("ksimage-"))).toEqual([]);

    // A qcow2 of the whole planned disk; appliance-creator compresses qcow2 unless --no-compress.
    const plan = await planFromFile(example, {});
    expect(await imageInfo(qcow2, "qcow2")).toMatchObject({ format: "qcow2", virtualSize: plan.layout.disks[0]!.sizeBytes });
    const check = await run(["qemu-img", "info", "--output=json", "-f", "qcow2", qcow2]);
    expect((JSON.parse(check.stdout) as { "format-specific": { data: { "compression-type"?: string } } })["format-specific"].data["compression-type"]).toMatch(/^(zstd|zlib)$/);

    // For a non-raw format the checksum is that of the file named (ksimage's virt-image.ts): the qcow2 itself.
    const sha256 = (await run(["sha256sum", "--binary", "--", qcow2])).stdout.split(" ")[0]!;
    const doc = parser.parse(readFileSync(path.join(dir, "app.xml"), "utf8")) as { image: { name: string; storage: { disk: VirtImageDisk[] } } };
    expect(doc.image.name).toBe("app");
    expect(doc.image.storage.disk).toEqual([{ "@_file": "app-sda.qcow2", "@_use": "system", "@_format": "qcow2", checksum: [{ "@_type": "sha256", "#text": sha256 }] }]);
    // SHA256SUMS agrees with the XML and verifies.
    expect(readFileSync(path.join(dir, "SHA256SUMS"), "utf8")).toContain(`${sha256} *app-sda.qcow2\n`);
    await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });
  });
});
