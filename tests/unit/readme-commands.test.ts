// The README's and the examples' commands work as root on a bare Debian, which has no sudo: none of them starts with sudo.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// The command lines of the README's code blocks (console prompts stripped).
function readmeCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```(?:sh|console|bash)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split("\n")).map((l) => l.replace(/^[$#] /, "").trim());
}

describe("commands as a bare Debian's root runs them", () => {
  it("no README command needs sudo", () => {
    const lines = readmeCommands(readFileSync(path.join(repo, "README.md"), "utf8"));
    expect(lines.some((l) => l.startsWith("bash scripts/example.sh"))).toBe(true);
    expect(lines.filter((l) => /^sudo\b/.test(l))).toEqual([]);
  });

  it("no example's build instructions need sudo", () => {
    for (const f of readdirSync(path.join(repo, "examples")).filter((n) => n.endsWith(".ks"))) {
      const comments = readFileSync(path.join(repo, "examples", f), "utf8").split("\n").filter((l) => l.startsWith("#"));
      expect(comments.filter((l) => /\bsudo (ksimage|appliance-creator)\b/.test(l)), f).toEqual([]);
    }
  });
});
