// Early, honest errors: refused at plan time with figures and file:line, before %pre or any disk.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PlanError, UsageError } from "../../../src/errors.js";
import { environmentCause, reportError } from "../../../src/cli/errors.js";
import { checkOutdir } from "../../../src/cli/plan.js";
import { MiB } from "../../../src/kickstart/model.js";
import { planLayout } from "../../../src/partition/layout.js";
import { parse, parseOk } from "../../helpers/ks.js";

function planError(text: string, opts: Parameters<typeof planLayout>[1] = {}): PlanError {
  try {
    planLayout(parseOk(text), opts);
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("planned without error");
}

describe("early refusals", () => {
  it("a 100 TB partition on an msdos disk: the label's 2 TiB limit, with figures and the line", () => {
    const e = planError("part /boot --size=500\npart / --size=100000000\n");
    expect(e.pos).toMatchObject({ line: 1 });
    expect(e.message).toBe("disk sda: its partitions need 100000501 MiB, but an msdos label can address only 2097152 MiB (2 TiB)");
    expect(e.hint).toMatch(/--disklabel=gpt/);
    // On gpt it is planned (the output filesystem's own limit is checked when the disk file is made).
    expect(planLayout(parseOk("clearpart --disklabel=gpt\npart / --size=100000000\n")).disks[0]!.label).toBe("gpt");
  });

  it("an msdos disk larger than 2 TiB through --disk-size", () => {
    expect(planError("part / --size=100 --grow\n", { diskSizes: { sda: 3 * 2 ** 20 * MiB } }).message).toMatch(/disk sda: 3145728 MiB is more than an msdos label can address \(2097152 MiB, 2 TiB\)/);
  });

  it("two filesystems at one mount point: part / and btrfs / --subvol", () => {
    const e = planError("part / --size=1000\npart btrfs.01 --size=1000\nbtrfs none --label=pool btrfs.01\nbtrfs / --subvol --name=root LABEL=pool\n");
    expect(e.pos).toMatchObject({ line: 4 });
    expect(e.message).toBe("two filesystems at /: this btrfs line and the part line 1 both mount there");
  });

  it("two btrfs subvolumes at one mount point", () => {
    const e = planError("part btrfs.01 --size=1000\nbtrfs none --label=pool btrfs.01\nbtrfs / --subvol --name=a LABEL=pool\nbtrfs / --subvol --name=b LABEL=pool\n");
    expect(e.message).toBe("two filesystems at /: btrfs lines 3 and 4 both mount there");
  });

  it("mount points are normalized as pykickstart does, before comparing and in fstab", () => {
    const ks = parseOk("part / --size=100\npart /var/ --size=100\npart /usr/local/../srv --size=100\n");
    expect(ks.partitions.map((p) => p.mountpoint)).toEqual(["/", "/var", "/usr/srv"]);
    expect(planLayout(ks).fstab.map((l) => l.split(" ")[1])).toEqual(["/", "/var", "/usr/srv"]);
    expect(planError("part / --size=100\npart /srv --size=100\npart /srv/ --size=100\n").message).toBe("mount point /srv is used twice (also on line 2)");
  });

  it("a missing %include is reported at the %include line", () => {
    const r = parse("lang en_US\n\n%include no-such-ksimage-file.ks\n");
    expect(r.error?.pos).toMatchObject({ file: "ks.cfg", line: 3 });
  });

  it("-o naming a file is a usage error (exit 2), also a file on the way", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ksimage-outdir-"));
    try {
      const file = path.join(dir, "a-file");
      writeFileSync(file, "");
      expect(() => checkOutdir(file)).toThrow(UsageError);
      expect(() => checkOutdir(path.join(file, "sub"))).toThrow(/a-file is a file, not a directory/);
      expect(() => checkOutdir(path.join(dir, "new", "dir"))).not.toThrow();
      let out = "";
      expect(reportError(new UsageError(`-o/--outdir ${file} is a file, not a directory`), { write: (s) => (out += s) })).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("errors the environment causes are not called a bug in ksimage", () => {
    for (const code of ["ENOSPC", "EFBIG", "ENOTDIR", "EACCES"]) {
      const e = Object.assign(new Error(`${code}: something, open '/out/x.raw'`), { code });
      let out = "";
      expect(reportError(e, { write: (s) => (out += s) })).toBe(1);
      expect(environmentCause(e)).toBeDefined();
      expect(out).not.toMatch(/bug/i);
    }
    let out = "";
    reportError(new TypeError("x is undefined"), { write: (s) => (out += s) });
    expect(out).toMatch(/bug in ksimage/);
  });
});
