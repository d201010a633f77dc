// reportError: one sentence, the context, a hint and the exit code; a full disk is said to be one, whichever error carries it.
import { describe, expect, it } from "vitest";
import { DISK_FULL_HINT, isDiskFull, reportError } from "../../../src/cli/errors.js";
import { KsimageError, PlanError, ToolError, UsageError } from "../../../src/errors.js";

function report(e: unknown): { code: number; text: string } {
  let text = "";
  const code = reportError(e, { write: (s) => (text += s) });
  return { code, text };
}

const qemuFull = new ToolError("qemu-img failed with exit code 1", {
  argv: ["qemu-img", "convert", "-f", "raw", "-O", "qcow2", "/out/a.raw", "/out/a.qcow2.partial"],
  exitCode: 1,
  stderrTail: ["qemu-img: error while writing at byte 19923968: No space left on device"],
});
const nodeFull = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write" });

describe("reportError", () => {
  it("a tool that ran out of space: the disk is full, with the command, its stderr and what to do (exit 1)", () => {
    expect(report(qemuFull)).toEqual({
      code: 1,
      text: [
        "ksimage: the disk is full (no space left on device): qemu-img failed with exit code 1",
        "  command: qemu-img convert -f raw -O qcow2 /out/a.raw /out/a.qcow2.partial",
        "  | qemu-img: error while writing at byte 19923968: No space left on device",
        `  hint: ${DISK_FULL_HINT}`,
        "",
      ].join("\n"),
    });
  });

  it("Node's ENOSPC is a full disk, not a bug in ksimage", () => {
    const r = report(nodeFull);
    expect(r.code).toBe(1);
    expect(r.text).toBe(`ksimage: the disk is full (no space left on device): ENOSPC: no space left on device, write\n  hint: ${DISK_FULL_HINT}\n`);
    expect(r.text).not.toContain("bug");
  });

  it("other failures keep their own sentence and hint", () => {
    const tool = new ToolError("mkfs.ext4 failed with exit code 1", { argv: ["mkfs.ext4", "/dev/loop9p1"], exitCode: 1, stderrTail: ["bad"] }, "check the partition");
    expect(report(tool).text).toBe("ksimage: mkfs.ext4 failed with exit code 1\n  command: mkfs.ext4 /dev/loop9p1\n  | bad\n  hint: check the partition\n");
    expect(report(new PlanError("no root", { file: "a.ks", line: 3, includeStack: ["a.ks"] }))).toEqual({ code: 1, text: "a.ks:3: no root\n" });
    expect(report(new UsageError("unknown format", "use qcow2"))).toEqual({ code: 2, text: "ksimage: unknown format\n  hint: use qcow2\n" });
    expect(report(new Error("undefined is not a function")).text).toContain("This is a bug in ksimage");
  });
});

describe("isDiskFull", () => {
  it.each([
    ["a tool's stderr", qemuFull, true],
    ["Node's ENOSPC", nodeFull, true],
    ["a message that wraps it", new KsimageError("could not copy the liveimg image x: ENOSPC: no space left on device, write"), true],
    ["another tool failure", new ToolError("tar failed", { argv: ["tar"], stderrTail: ["tar: Cannot open: Permission denied"] }), false],
    ["EIO", Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" }), false],
    ["not an error", "ENOSPC?", false],
  ])("%s: %s", (_, e, full) => expect(isDiskFull(e)).toBe(full));
});
