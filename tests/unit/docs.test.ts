// The README's supported-commands table is generated from the registry: fail when it drifts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { commandList } from "../../src/kickstart/commands/index.js";
import { commandsTable } from "../../src/kickstart/docs.js";

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md"), "utf8");

describe("README supported-commands table", () => {
  it("equals the table generated from the command registry (run `npm run docs` to update)", () => {
    expect(readme).toContain(commandsTable());
  });
  it("has a row for every registered command and every option has a description", () => {
    for (const c of commandList) {
      const word = (c.words ?? [c.name])[0] as string;
      expect(readme, c.name).toContain(`| \`${word}`);
      for (const o of c.options) expect(o.description.length, `${c.name} ${o.names.join("/")}`).toBeGreaterThan(0);
    }
  });
});
