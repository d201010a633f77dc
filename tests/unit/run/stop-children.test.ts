// SIGINT/SIGTERM stop the tools ksimage started and their whole process trees: a child that leaves its own
// children behind (as mmdebstrap once left dpkg) does not get them past ksimage.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { liveChildCount, processTree, run, stopAllChildren } from "../../../src/run/index.js";

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

describe("stopAllChildren", () => {
  it("signals the child, then kills the grandchildren it orphaned, and waits until all are gone", async () => {
    // sh exits on SIGTERM; its background sleep ignores nothing but would live on, reparented, for 300 s.
    const child = run(["sh", "-c", "sleep 300 & sleep 300 & wait"]).catch((e: unknown) => e);
    let tree: number[] = [];
    for (let i = 0; i < 100 && tree.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const { stdout } = await run(["pgrep", "-f", "^sh -c sleep 300 & sleep 300 & wait$"], { allowExitCodes: [1] });
      tree = processTree(stdout.split("\n").filter(Boolean).map(Number));
    }
    expect(tree.length).toBe(3);
    const names = await stopAllChildren("SIGTERM", 1_000);
    await child;
    expect(names).toContain("sh");
    expect(tree.filter(alive)).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });
});
