// The option-state registry: every command, section and option has exactly one state, and every applied one a proof.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { registry } from "../../../src/faithful/index.js";
import type { Entry, OptionState } from "../../../src/faithful/types.js";
import { commandList } from "../../../src/kickstart/commands/index.js";
import { sections } from "../../../src/kickstart/sections.js";
import { optionKey } from "../../../src/kickstart/usage.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Keys a registry row may have besides its definition's options: @group options in %packages, addon names. */
const EXTRA: Record<string, string[]> = { "%packages": ["--nodefaults", "--optional"], "%addon": ["<org_ksimage_debian>"] };

const declared = new Map<string, string[]>([
  ...commandList.map((c) => [c.name, c.options.map(optionKey)] as [string, string[]]),
  ...[...sections.values()].map((s) => [s.open, s.options.map(optionKey)] as [string, string[]]),
  ["%include", []],
  ["%ksappend", []],
]);

function* entries(): Generator<{ command: string; key: string | undefined; state: OptionState; backend: string }> {
  for (const [command, row] of Object.entries(registry)) {
    for (const [key, e] of [[undefined, row.command] as const, ...Object.entries(row.options)]) {
      const { backends, ...base } = e as Entry;
      yield { command, key, state: base, backend: "all" };
      for (const [b, s] of Object.entries(backends ?? {})) yield { command, key, state: s, backend: b };
    }
  }
}

/** The test titles of a file: the first string argument of it(...) and test(...). */
function titles(file: string): Set<string> {
  const text = readFileSync(path.join(repo, file), "utf8");
  const out = new Set<string>();
  for (const m of text.matchAll(/\b(?:it|test)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g)) out.add(m[2]!.replace(/\\(["'`\\])/g, "$1"));
  return out;
}

describe("option-state registry", () => {
  it("has a row for every command, section and directive, and no other", () => {
    expect(Object.keys(registry).sort()).toEqual([...declared.keys()].sort());
  });

  it("declares every option of every command and section, and no option that does not exist", () => {
    for (const [name, keys] of declared) {
      const row = registry[name]!;
      expect(Object.keys(row.options).sort(), name).toEqual([...new Set([...keys, ...(EXTRA[name] ?? [])])].sort());
    }
  });

  it("gives a warned or refused entry a reason, and nothing a fourth state", () => {
    for (const e of entries()) {
      expect(["applied", "warned", "refused"], `${e.command} ${e.key}`).toContain(e.state.state);
      if (e.state.state !== "applied") expect(e.state.reason.length, `${e.command} ${e.key}`).toBeGreaterThan(20);
    }
  });

  it("names, for every applied entry, a test that exists and mentions the option", () => {
    const cache = new Map<string, Set<string>>();
    const missing: string[] = [];
    for (const e of entries()) {
      if (e.state.state !== "applied") continue;
      const { file, title } = e.state.test;
      const what = `${e.command}${e.key === undefined ? "" : ` ${e.key}`} (${e.backend}) -> ${file}: ${title}`;
      if (!existsSync(path.join(repo, file))) {
        missing.push(`no file: ${what}`);
        continue;
      }
      if (!cache.has(file)) cache.set(file, titles(file));
      if (!cache.get(file)!.has(title)) missing.push(`no test with that title: ${what}`);
      // The proving file must at least say the option's (or command's) name.
      const word = (e.key ?? e.command).replace(/^--|^%|^<|>$/g, "").toLowerCase();
      const body = readFileSync(path.join(repo, file), "utf8").toLowerCase();
      const positional = e.key?.startsWith("<") === true;
      if (!body.includes(positional ? e.command.replace(/^%/, "") : word)) missing.push(`file does not mention ${word}: ${what}`);
    }
    expect(missing).toEqual([]);
  });
});
