// The progress display: a counter rewritten in place on a terminal, sparse plain lines otherwise, nothing with -q.
import { describe, expect, it } from "vitest";
import { createProgress } from "../../../src/cli/progress.js";

const p = (done: number, total = 20) => ({ backend: "apt" as const, phase: "install", package: `pkg${done}`, done, total });

describe("createProgress", () => {
  it("on a terminal rewrites the package counter in place and ends it before the next line", () => {
    let out = "";
    const prog = createProgress((s) => (out += s), { tty: true, quiet: false });
    prog.line("[7/17] install (1.2 s)");
    prog.packages(p(1));
    prog.packages(p(2));
    prog.line("[8/17] write /etc/fstab (9.0 s)");
    expect(out).toBe("[7/17] install (1.2 s)\n\r\x1b[2K  packages: 1 of 20 (pkg1)\r\x1b[2K  packages: 2 of 20 (pkg2)\n[8/17] write /etc/fstab (9.0 s)\n");
  });
  it("without a terminal prints every tenth package and the last as plain lines", () => {
    let out = "";
    const prog = createProgress((s) => (out += s), { tty: false, quiet: false });
    for (let i = 1; i <= 20; i++) prog.packages(p(i));
    expect(out).toBe("  packages: 10 of 20 (pkg10)\n  packages: 20 of 20 (pkg20)\n");
  });
  it("prints nothing when quiet", () => {
    let out = "";
    const prog = createProgress((s) => (out += s), { tty: true, quiet: true });
    prog.line("x");
    prog.packages(p(1));
    expect(out).toBe("");
  });
});
